using System.Globalization;
using System.Text.Json;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Import;

namespace DolMapper.Web.Ingestion.Sources.X;

/// <summary>A page of X API v2 results turned into import records.</summary>
public sealed record XPage(
    IReadOnlyList<ImportRecord> Records, IReadOnlyList<(string Reason, string Raw)> Rejected,
    string? NewestId, string? NextToken, int ResultCount);

/// <summary>
/// Maps the documented v2 payload — <c>data</c>, <c>includes.users</c>, <c>includes.tweets</c>,
/// <c>meta</c> and the partial-error <c>errors</c> array — to DolMapper's import records. A
/// malformed item is rejected with its reason and the rest of the page still counts.
/// </summary>
public static class XMapper
{
    public static XPage Map(string body, DateTime observedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return new XPage([], [($"the X response is not valid JSON: {e.Message}", body)], null, null, 0);
        }
        using (document)
        {
            var root = document.RootElement;
            var records = new List<ImportRecord>();
            var rejected = new List<(string, string)>();
            var users = new Dictionary<string, string>(StringComparer.Ordinal); // username → id

            if (root.TryGetProperty("includes", out var includes) && includes.TryGetProperty("users", out var userArray) && userArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var user in userArray.EnumerateArray())
                {
                    try
                    {
                        var account = User(user, observedAt);
                        records.Add(account);
                        if (account.Handle is not null)
                        {
                            users[account.Handle.ToLowerInvariant()] = account.Id;
                        }
                    }
                    catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
                    {
                        rejected.Add(($"an X user could not be read: {e.Message}", user.GetRawText()));
                    }
                }
            }

            var authors = new Dictionary<string, string>(StringComparer.Ordinal); // tweet id → author id
            var tweets = new List<JsonElement>();
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                tweets.AddRange(data.EnumerateArray());
            }
            if (includes.ValueKind == JsonValueKind.Object && includes.TryGetProperty("tweets", out var included) && included.ValueKind == JsonValueKind.Array)
            {
                tweets.AddRange(included.EnumerateArray());
            }
            foreach (var tweet in tweets)
            {
                if (tweet.ValueKind == JsonValueKind.Object && tweet.TryGetProperty("id", out var id) && tweet.TryGetProperty("author_id", out var author)
                    && id.ValueKind == JsonValueKind.String && author.ValueKind == JsonValueKind.String)
                {
                    authors[id.GetString()!] = author.GetString()!;
                }
            }
            foreach (var tweet in tweets)
            {
                try
                {
                    records.Add(Tweet(tweet, authors, users, observedAt));
                }
                catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
                {
                    rejected.Add(($"an X post could not be read: {e.Message}", tweet.GetRawText()));
                }
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var title = error.TryGetProperty("title", out var t) ? t.ToString() : "error";
                    var detail = error.TryGetProperty("detail", out var d) ? d.ToString() : "";
                    rejected.Add(($"X reported a partial error: {title}: {detail}", error.GetRawText()));
                }
            }

            string? newest = null, next = null;
            var count = 0;
            if (root.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                newest = meta.TryGetProperty("newest_id", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                next = meta.TryGetProperty("next_token", out var nt) && nt.ValueKind == JsonValueKind.String ? nt.GetString() : null;
                count = meta.TryGetProperty("result_count", out var rc) && rc.ValueKind == JsonValueKind.Number ? rc.GetInt32() : 0;
            }
            return new XPage(records, rejected, newest, next, count);
        }
    }

    /// <summary>The ids of a user lookup (<c>data</c> is the list of users); handles not found are skipped.</summary>
    public static IReadOnlyList<string> UserIds(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? [.. data.EnumerateArray().Select(u => u.TryGetProperty("id", out var id) ? id.GetString() : null).OfType<string>()]
            : [];
    }

    private static AccountRecord User(JsonElement user, DateTime observedAt)
    {
        var metrics = user.TryGetProperty("public_metrics", out var m) ? m : default;
        return new AccountRecord
        {
            Platform = Platforms.X,
            Id = user.GetProperty("id").GetString() ?? throw new InvalidOperationException("a user without an id"),
            Handle = OptionalString(user, "username"),
            Name = OptionalString(user, "name"),
            Bio = OptionalString(user, "description"),
            Location = OptionalString(user, "location"),
            Url = OptionalString(user, "url") is { Length: > 0 } url ? url : null,
            Verified = user.TryGetProperty("verified", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null,
            CreatedAt = OptionalTime(user, "created_at"),
            Followers = Count(metrics, "followers_count"),
            Following = Count(metrics, "following_count"),
            PostsCount = Count(metrics, "tweet_count"),
            ObservedAt = observedAt,
        };
    }

    private static PostRecord Tweet(JsonElement tweet, Dictionary<string, string> authors, Dictionary<string, string> users, DateTime observedAt)
    {
        var id = tweet.GetProperty("id").GetString() ?? throw new InvalidOperationException("a post without an id");
        var author = tweet.GetProperty("author_id").GetString() ?? throw new InvalidOperationException($"post {id} has no author_id");
        var createdAt = OptionalTime(tweet, "created_at") ?? throw new InvalidOperationException($"post {id} has no created_at");
        PostReference? reply = null, quote = null, repost = null;
        if (tweet.TryGetProperty("referenced_tweets", out var references) && references.ValueKind == JsonValueKind.Array)
        {
            foreach (var reference in references.EnumerateArray())
            {
                var refId = reference.GetProperty("id").GetString()!;
                var refAuthor = authors.GetValueOrDefault(refId);
                switch (reference.GetProperty("type").GetString())
                {
                    case "replied_to":
                        reply = new PostReference(refId, refAuthor ?? OptionalString(tweet, "in_reply_to_user_id"));
                        break;
                    case "quoted":
                        quote = new PostReference(refId, refAuthor);
                        break;
                    case "retweeted":
                        repost = new PostReference(refId, refAuthor);
                        break;
                }
            }
        }
        // Without "entities" the payload does not say (an expanded tweet may lack them): keep what is stored.
        List<string>? mentions = null, hashtags = null, urls = null;
        if (tweet.TryGetProperty("entities", out var entities) && entities.ValueKind == JsonValueKind.Object)
        {
            (mentions, hashtags, urls) = ([], [], []);
            foreach (var mention in Items(entities, "mentions"))
            {
                var mentioned = OptionalString(mention, "id") ?? (OptionalString(mention, "username") is { } name ? users.GetValueOrDefault(name.ToLowerInvariant()) : null);
                if (mentioned is not null && !mentions.Contains(mentioned))
                {
                    mentions.Add(mentioned);
                }
            }
            hashtags.AddRange(Items(entities, "hashtags").Select(h => OptionalString(h, "tag")).OfType<string>().Select(ImportLineParser.NormaliseHashtag).Distinct());
            urls.AddRange(Items(entities, "urls").Select(u => OptionalString(u, "expanded_url") ?? OptionalString(u, "url")).OfType<string>());
        }
        var metrics = tweet.TryGetProperty("public_metrics", out var m) ? m : default;
        return new PostRecord
        {
            Platform = Platforms.X,
            Id = id,
            AccountId = author,
            CreatedAt = createdAt,
            Text = OptionalString(tweet, "text"),
            Lang = OptionalString(tweet, "lang"),
            ReplyTo = reply,
            QuoteOf = quote,
            RepostOf = repost,
            Mentions = mentions,
            Hashtags = hashtags,
            Urls = urls,
            Likes = (int?)Count(metrics, "like_count"),
            Replies = (int?)Count(metrics, "reply_count"),
            Reposts = (int?)Count(metrics, "retweet_count"),
            Quotes = (int?)Count(metrics, "quote_count"),
            ObservedAt = observedAt,
        };
    }

    private static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"'{name}' should be a string, not {value.ValueKind}"),
        } : null;

    private static DateTime? OptionalTime(JsonElement element, string name) =>
        OptionalString(element, name) is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime
            : null;

    private static long? Count(JsonElement metrics, string name) =>
        metrics.ValueKind == JsonValueKind.Object && metrics.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetInt64() : throw new FormatException($"'{name}' should be a number, not {value.ValueKind}")
            : null;
}
