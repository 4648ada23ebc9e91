using System.Globalization;
using System.Text.Json;
using DolMapper.Web.Data.Entities;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>
/// Turns one JSON Lines line into an <see cref="ImportRecord"/>, or says exactly why it cannot:
/// not JSON, a missing required field, a wrong type, a value outside its vocabulary. Unknown
/// fields are ignored and JSON null counts as absent (docs/formats.md, "Import format").
/// </summary>
public static class ImportLineParser
{
    /// <summary>Parses <paramref name="utf8"/> (one line, valid UTF-8, no newline).</summary>
    public static ImportRecord Parse(ReadOnlySpan<byte> utf8, long lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ImportLineException($"not valid JSON: {FirstSentence(e.Message)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ImportLineException($"a line must be a JSON object, not {Describe(root.ValueKind)}");
            }
            var fields = new Fields(root);
            var type = fields.RequiredString("type");
            return type switch
            {
                "account" => ParseAccount(fields, lineNumber),
                "post" => ParsePost(fields, lineNumber),
                "relationship" => ParseRelationship(fields, lineNumber),
                _ => throw new ImportLineException($"unknown type '{type}': expected account, post or relationship"),
            };
        }
    }

    private static AccountRecord ParseAccount(Fields f, long lineNumber)
    {
        var platform = Platform(f);
        return new AccountRecord
        {
            LineNumber = lineNumber,
            Platform = platform,
            Id = f.RequiredString("id"),
            Handle = f.String("handle")?.TrimStart('@'),
            Name = f.String("name"),
            Bio = f.String("bio"),
            Location = f.String("location"),
            Country = Country(f),
            Followers = f.Count("followers"),
            Following = f.Count("following"),
            PostsCount = f.Count("posts_count"),
            CreatedAt = f.Timestamp("created_at"),
            Url = f.String("url"),
            Verified = f.Bool("verified"),
            Person = f.String("person"),
            Npi = f.String("npi"),
            ObservedAt = f.Timestamp("observed_at"),
        };
    }

    private static PostRecord ParsePost(Fields f, long lineNumber)
    {
        var platform = Platform(f);
        var id = f.RequiredString("id");
        var deleted = f.Bool("deleted") ?? false;
        if (deleted)
        {
            // A deletion needs only platform and id; whatever else it carries is not kept.
            return new PostRecord { LineNumber = lineNumber, Platform = platform, Id = id, AccountId = f.String("account_id"), Deleted = true, ObservedAt = f.Timestamp("observed_at") };
        }
        return new PostRecord
        {
            LineNumber = lineNumber,
            Platform = platform,
            Id = id,
            AccountId = f.RequiredString("account_id"),
            CreatedAt = f.Timestamp("created_at") ?? throw new ImportLineException("missing required field 'created_at'"),
            Text = f.String("text"),
            Lang = f.String("lang"),
            ReplyTo = f.Reference("reply_to"),
            QuoteOf = f.Reference("quote_of"),
            RepostOf = f.Reference("repost_of"),
            Mentions = f.Strings("mentions"),
            Hashtags = f.Strings("hashtags")?.Select(NormaliseHashtag).Where(h => h.Length > 0).Distinct().ToList(),
            Urls = f.Strings("urls"),
            Likes = f.Int("likes"),
            Replies = f.Int("replies"),
            Reposts = f.Int("reposts"),
            Quotes = f.Int("quotes"),
            ObservedAt = f.Timestamp("observed_at"),
        };
    }

    private static RelationshipRecord ParseRelationship(Fields f, long lineNumber)
    {
        var kind = f.RequiredString("kind");
        if (!RelationshipKinds.All.Contains(kind))
        {
            throw new ImportLineException($"field 'kind' is '{kind}': expected one of {string.Join(", ", RelationshipKinds.All)}");
        }
        var platform = f.String("platform");
        var accountId = f.String("account_id");
        var person = f.String("person");
        var npi = f.String("npi");
        if (platform is not null)
        {
            CheckPlatform(platform);
        }
        var byAccount = platform is not null && accountId is not null;
        if (!byAccount && person is null && npi is null)
        {
            throw new ImportLineException("a relationship must name platform and account_id, or person, or npi");
        }
        return new RelationshipRecord
        {
            LineNumber = lineNumber,
            Platform = platform,
            AccountId = accountId,
            Person = person,
            Npi = npi,
            Kind = kind,
            Since = f.Date("since"),
        };
    }

    private static string Platform(Fields f)
    {
        var platform = f.RequiredString("platform");
        CheckPlatform(platform);
        return platform;
    }

    private static void CheckPlatform(string platform)
    {
        if (!Platforms.All.Contains(platform))
        {
            throw new ImportLineException($"field 'platform' is '{platform}': expected one of {string.Join(", ", Platforms.All)}");
        }
    }

    private static string? Country(Fields f)
    {
        var country = f.String("country");
        if (country is null)
        {
            return null;
        }
        if (country.Length != 2 || !char.IsAsciiLetter(country[0]) || !char.IsAsciiLetter(country[1]))
        {
            throw new ImportLineException($"field 'country' is '{country}': expected an ISO 3166-1 alpha-2 code such as US or GB");
        }
        return country.ToUpperInvariant();
    }

    internal static string NormaliseHashtag(string tag) => tag.Trim().TrimStart('#').ToLowerInvariant();

    private static string FirstSentence(string message)
    {
        // System.Text.Json ends with " Path: ... | LineNumber: 0 | BytePositionInLine: 7."; keep the
        // reason and the column (the line number is the file's, reported beside it).
        var column = System.Text.RegularExpressions.Regex.Match(message, @"BytePositionInLine: (\d+)");
        var end = message.IndexOfAny(['|']);
        var path = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (path > 0 && (end < 0 || path < end))
        {
            end = path;
        }
        var reason = (end > 0 ? message[..end] : message).Trim().TrimEnd('.', ' ', '|').Replace(" LineNumber: 0", "", StringComparison.Ordinal);
        return column.Success ? $"{reason} (at byte {column.Groups[1].Value})" : reason;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Typed access to an object's fields with messages that name the field.</summary>
    private readonly struct Fields(JsonElement root)
    {
        private JsonElement? Get(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

        public string RequiredString(string name) =>
            String(name) is { Length: > 0 } value ? value : throw new ImportLineException($"missing required field '{name}'");

        public string? String(string name)
        {
            var value = Get(name);
            if (value is null)
            {
                return null;
            }
            if (value.Value.ValueKind != JsonValueKind.String)
            {
                throw WrongType(name, "a string", value.Value);
            }
            // PostgreSQL text cannot hold U+0000; it carries no meaning in a name or a post.
            var text = value.Value.GetString()!;
            return text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text;
        }

        public bool? Bool(string name)
        {
            var value = Get(name);
            return value?.ValueKind switch
            {
                null => null,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw WrongType(name, "true or false", value.Value),
            };
        }

        public long? Count(string name)
        {
            var value = Get(name);
            if (value is null)
            {
                return null;
            }
            if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt64(out var number))
            {
                throw WrongType(name, "a whole number", value.Value);
            }
            return number >= 0 ? number : throw new ImportLineException($"field '{name}' is {number}: it cannot be negative");
        }

        public int? Int(string name)
        {
            var count = Count(name);
            return count is null ? null : count <= int.MaxValue ? (int)count : throw new ImportLineException($"field '{name}' is {count}: too large");
        }

        public DateTime? Timestamp(string name)
        {
            var text = String(name);
            if (text is null)
            {
                return null;
            }
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
            {
                throw new ImportLineException($"field '{name}' is '{text}': expected an ISO 8601 time such as 2026-10-02T14:03:00Z");
            }
            return parsed.UtcDateTime;
        }

        public DateOnly? Date(string name)
        {
            var text = String(name);
            if (text is null)
            {
                return null;
            }
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return DateOnly.FromDateTime(time.UtcDateTime);
            }
            throw new ImportLineException($"field '{name}' is '{text}': expected a date such as 2024-05-01");
        }

        /// <summary>Null when the field is absent (or JSON null).</summary>
        public IReadOnlyList<string>? Strings(string name)
        {
            var value = Get(name);
            if (value is null)
            {
                return null;
            }
            if (value.Value.ValueKind != JsonValueKind.Array)
            {
                throw WrongType(name, "an array of strings", value.Value);
            }
            var list = new List<string>(value.Value.GetArrayLength());
            foreach (var item in value.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw WrongType(name, "an array of strings", item);
                }
                var text = item.GetString()!.Replace("\0", "", StringComparison.Ordinal);
                if (text.Length > 0)
                {
                    list.Add(text);
                }
            }
            return list;
        }

        public PostReference? Reference(string name)
        {
            var value = Get(name);
            if (value is null)
            {
                return null;
            }
            if (value.Value.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(name, "an object with post_id and account_id", value.Value);
            }
            var inner = new Fields(value.Value);
            var reference = new PostReference(inner.String("post_id"), inner.String("account_id"));
            return reference.PostId is null && reference.AccountId is null ? null : reference;
        }

        private static ImportLineException WrongType(string name, string expected, JsonElement actual) =>
            new($"field '{name}' must be {expected}, not {Describe(actual.ValueKind)}");
    }
}

/// <summary>Why one line cannot be imported; the message is shown with the line number.</summary>
public sealed class ImportLineException(string message) : Exception(message);
