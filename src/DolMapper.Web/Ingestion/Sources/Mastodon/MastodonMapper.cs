using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Import;
using static DolMapper.Web.Ingestion.Sources.JsonFields;

namespace DolMapper.Web.Ingestion.Sources.Mastodon;

public sealed record MastodonPage(IReadOnlyList<ImportRecord> Records, IReadOnlyList<(string Reason, string Raw)> Rejected, int Count);

/// <summary>
/// Maps Mastodon <c>Status</c> and <c>Account</c> entities. The post id is the status <c>uri</c>
/// (the same on every instance that saw it, so a status seen on two instances is stored once); the
/// account id is <c>user@instance</c>; HTML content becomes plain text; a boost is a repost of the
/// boosted status, which is stored too.
/// </summary>
public static partial class MastodonMapper
{
    public static MastodonPage Map(string body, string instance, DateTime observedAt)
    {
        var host = new Uri(instance).Host;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return new MastodonPage([], [($"the Mastodon response is not valid JSON: {e.Message}", body)], 0);
        }
        using (document)
        {
            var records = new List<ImportRecord>();
            var rejected = new List<(string, string)>();
            var count = 0;
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return new MastodonPage([], [("a Mastodon timeline should be a JSON array", body.Length > 2000 ? body[..2000] : body)], 0);
            }
            foreach (var status in document.RootElement.EnumerateArray())
            {
                count++;
                try
                {
                    Status(status, host, observedAt, records);
                }
                catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
                {
                    rejected.Add(($"a Mastodon status could not be read: {e.Message}", status.GetRawText()));
                }
            }
            return new MastodonPage(records, rejected, count);
        }
    }

    private static void Status(JsonElement status, string host, DateTime observedAt, List<ImportRecord> records)
    {
        var account = Account(status.GetProperty("account"), host, observedAt);
        records.Add(account);
        var uri = Required(status, "uri");
        PostReference? repost = null;
        if (status.TryGetProperty("reblog", out var reblog) && reblog.ValueKind == JsonValueKind.Object)
        {
            var boostedAccount = Account(reblog.GetProperty("account"), host, observedAt);
            Status(reblog, host, observedAt, records);
            repost = new PostReference(Required(reblog, "uri"), boostedAccount.Id);
        }

        var mentions = new List<string>();
        var byLocalId = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mention in Items(status, "mentions"))
        {
            var acct = Acct(Required(mention, "acct"), host);
            byLocalId[Required(mention, "id")] = acct;
            if (!mentions.Contains(acct))
            {
                mentions.Add(acct);
            }
        }
        PostReference? reply = null;
        if (Optional(status, "in_reply_to_account_id") is { } replyAccount)
        {
            // The parent is known here only by this instance's local ids: its author is found among the mentions.
            reply = new PostReference(null, replyAccount == Required(status.GetProperty("account"), "id") ? account.Id : byLocalId.GetValueOrDefault(replyAccount));
        }
        var html = Optional(status, "content") ?? "";
        records.Add(new PostRecord
        {
            Platform = Platforms.Mastodon,
            Id = uri,
            AccountId = account.Id,
            CreatedAt = Time(status, "created_at") ?? throw new InvalidOperationException($"status {uri} has no created_at"),
            Text = repost is null ? PlainText(html) : null,
            Lang = Optional(status, "language"),
            ReplyTo = reply is { AccountId: not null } ? reply : null,
            RepostOf = repost,
            Mentions = mentions,
            Hashtags = [.. Items(status, "tags").Select(t => Optional(t, "name")).OfType<string>().Select(ImportLineParser.NormaliseHashtag).Distinct()],
            Urls = Links(html),
            Likes = (int?)Count(status, "favourites_count"),
            Replies = (int?)Count(status, "replies_count"),
            Reposts = (int?)Count(status, "reblogs_count"),
            Quotes = (int?)Count(status, "quotes_count"),
            ObservedAt = observedAt,
        });
    }

    /// <summary>An <c>Account</c> entity (from a lookup) as an account record.</summary>
    public static AccountRecord MapAccount(string body, string instance, DateTime observedAt)
    {
        using var document = JsonDocument.Parse(body);
        return Account(document.RootElement, new Uri(instance).Host, observedAt);
    }

    private static AccountRecord Account(JsonElement account, string host, DateTime observedAt)
    {
        var acct = Acct(Required(account, "acct"), host);
        return new AccountRecord
        {
            Platform = Platforms.Mastodon,
            Id = acct,
            Handle = acct,
            Name = Optional(account, "display_name") is { Length: > 0 } name ? name : Optional(account, "username"),
            Bio = Optional(account, "note") is { } note ? PlainText(note) : null,
            Url = Optional(account, "url"),
            Followers = Count(account, "followers_count"),
            Following = Count(account, "following_count"),
            PostsCount = Count(account, "statuses_count"),
            CreatedAt = Time(account, "created_at"),
            ObservedAt = observedAt,
        };
    }

    /// <summary>A local account's acct is just the user name: add this instance.</summary>
    private static string Acct(string acct, string host) => (acct.Contains('@', StringComparison.Ordinal) ? acct : $"{acct}@{host}").ToLowerInvariant();

    [GeneratedRegex("<br\\s*/?>|</p>\\s*<p>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreaks();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("<a\\s[^>]*href=\"([^\"]+)\"[^>]*>")]
    private static partial Regex Anchors();

    /// <summary>Mastodon's HTML as the text a reader sees: paragraphs and breaks as new lines, tags dropped, entities decoded.</summary>
    public static string PlainText(string html)
    {
        var text = LineBreaks().Replace(html, "\n");
        text = Tags().Replace(text, "");
        return WebUtility.HtmlDecode(text).Trim();
    }

    /// <summary>Links in the content that are not mentions or hashtags.</summary>
    private static List<string> Links(string html) =>
        [.. Anchors().Matches(html)
            .Where(m => !m.Value.Contains("class=\"mention", StringComparison.Ordinal) && !m.Value.Contains("hashtag", StringComparison.Ordinal)
                        && !m.Value.Contains("u-url mention", StringComparison.Ordinal))
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct()];
}
