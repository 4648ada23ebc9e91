using System.Text.Json;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Import;
using static DolMapper.Web.Ingestion.Sources.JsonFields;

namespace DolMapper.Web.Ingestion.Sources.Bluesky;

/// <summary>A page of Bluesky search results as import records.</summary>
public sealed record BlueskyPage(
    IReadOnlyList<ImportRecord> Records, IReadOnlyList<(string Reason, string Raw)> Rejected,
    IReadOnlyList<string> Authors, string? Cursor, string? NewestIndexedAt, int Count);

/// <summary>
/// Maps <c>app.bsky.feed.defs#postView</c> (the post record, its reply and embed references, and
/// its facets for mentions, links and tags) and <c>app.bsky.actor.defs#profileViewDetailed</c>.
/// The post id is the at:// URI and the account id the DID; a reference's author is the DID inside
/// the referenced URI.
/// </summary>
public static class BlueskyMapper
{
    public static BlueskyPage MapSearch(string body, DateTime observedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return new BlueskyPage([], [($"the Bluesky response is not valid JSON: {e.Message}", body)], [], null, null, 0);
        }
        using (document)
        {
            var root = document.RootElement;
            var records = new List<ImportRecord>();
            var rejected = new List<(string, string)>();
            var authors = new List<string>();
            string? newest = null;
            var count = 0;
            if (root.TryGetProperty("posts", out var posts) && posts.ValueKind == JsonValueKind.Array)
            {
                foreach (var post in posts.EnumerateArray())
                {
                    count++;
                    try
                    {
                        var (account, record, indexedAt) = Post(post, observedAt);
                        records.Add(account);
                        records.Add(record);
                        if (!authors.Contains(account.Id))
                        {
                            authors.Add(account.Id);
                        }
                        if (indexedAt is not null && (newest is null || string.CompareOrdinal(indexedAt, newest) > 0))
                        {
                            newest = indexedAt;
                        }
                    }
                    catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
                    {
                        rejected.Add(($"a Bluesky post could not be read: {e.Message}", post.GetRawText()));
                    }
                }
            }
            var cursor = root.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return new BlueskyPage(records, rejected, authors, cursor, newest, count);
        }
    }

    /// <summary>
    /// An author feed (<c>feed</c> of <c>feedViewPost</c>): each item's post, stopping at the first
    /// post indexed at or before <paramref name="until"/> (already seen); a repost by the feed's
    /// owner becomes a repost record of theirs. <see cref="BlueskyPage.Cursor"/> is null when the
    /// feed ended or reached <paramref name="until"/>.
    /// </summary>
    public static BlueskyPage MapAuthorFeed(string body, string? until, DateTime observedAt)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return new BlueskyPage([], [($"the Bluesky response is not valid JSON: {e.Message}", body)], [], null, null, 0);
        }
        using (document)
        {
            var records = new List<ImportRecord>();
            var rejected = new List<(string, string)>();
            var authors = new List<string>();
            string? newest = null;
            var count = 0;
            var reachedSeen = false;
            foreach (var item in Items(document.RootElement, "feed"))
            {
                try
                {
                    var post = item.GetProperty("post");
                    var (account, record, indexedAt) = Post(post, observedAt);
                    var repostedBy = item.TryGetProperty("reason", out var reason) && Optional(reason, "$type") == "app.bsky.feed.defs#reasonRepost"
                        ? reason.GetProperty("by") : (JsonElement?)null;
                    var sortAt = repostedBy is not null ? Optional(item.GetProperty("reason"), "indexedAt") ?? indexedAt : indexedAt;
                    if (until is not null && sortAt is not null && string.CompareOrdinal(sortAt, until) <= 0)
                    {
                        reachedSeen = true;
                        break;
                    }
                    count++;
                    records.Add(account);
                    records.Add(record);
                    AddAuthor(authors, account.Id);
                    if (repostedBy is { } by)
                    {
                        var reposter = Required(by, "did");
                        AddAuthor(authors, reposter);
                        records.Add(new PostRecord
                        {
                            Platform = Platforms.Bluesky,
                            // A repost record's own URI is not in the feed view; one account reposts a post once,
                            // so the reposter and the post make a stable key.
                            Id = $"repost:{reposter}:{record.Id}",
                            AccountId = reposter,
                            CreatedAt = Time(item.GetProperty("reason"), "indexedAt") ?? record.CreatedAt,
                            RepostOf = new PostReference(record.Id, record.AccountId),
                            ObservedAt = observedAt,
                        });
                    }
                    if (sortAt is not null && (newest is null || string.CompareOrdinal(sortAt, newest) > 0))
                    {
                        newest = sortAt;
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
                {
                    rejected.Add(($"a Bluesky feed item could not be read: {e.Message}", item.GetRawText()));
                }
            }
            var cursor = !reachedSeen && document.RootElement.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return new BlueskyPage(records, rejected, authors, cursor, newest, count);
        }
    }

    private static void AddAuthor(List<string> authors, string did)
    {
        if (!authors.Contains(did))
        {
            authors.Add(did);
        }
    }

    public static (IReadOnlyList<ImportRecord> Records, IReadOnlyList<(string Reason, string Raw)> Rejected) MapProfiles(string body, DateTime observedAt)
    {
        var records = new List<ImportRecord>();
        var rejected = new List<(string, string)>();
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("profiles", out var profiles) && profiles.ValueKind == JsonValueKind.Array)
            {
                foreach (var profile in profiles.EnumerateArray())
                {
                    try
                    {
                        records.Add(new AccountRecord
                        {
                            Platform = Platforms.Bluesky,
                            Id = Required(profile, "did"),
                            Handle = Optional(profile, "handle"),
                            Name = Optional(profile, "displayName"),
                            Bio = Optional(profile, "description"),
                            Followers = Count(profile, "followersCount"),
                            Following = Count(profile, "followsCount"),
                            PostsCount = Count(profile, "postsCount"),
                            CreatedAt = Time(profile, "createdAt"),
                            ObservedAt = observedAt,
                        });
                    }
                    catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
                    {
                        rejected.Add(($"a Bluesky profile could not be read: {e.Message}", profile.GetRawText()));
                    }
                }
            }
        }
        catch (JsonException e)
        {
            rejected.Add(($"the Bluesky profiles response is not valid JSON: {e.Message}", body));
        }
        return (records, rejected);
    }

    private static (AccountRecord Account, PostRecord Post, string? IndexedAt) Post(JsonElement post, DateTime observedAt)
    {
        var uri = Required(post, "uri");
        var author = post.GetProperty("author");
        var did = Required(author, "did");
        var record = post.GetProperty("record");
        var account = new AccountRecord
        {
            Platform = Platforms.Bluesky,
            Id = did,
            Handle = Optional(author, "handle"),
            Name = Optional(author, "displayName"),
            ObservedAt = observedAt,
        };

        PostReference? reply = null, quote = null;
        if (record.TryGetProperty("reply", out var replyRef) && replyRef.TryGetProperty("parent", out var parent))
        {
            var parentUri = Required(parent, "uri");
            reply = new PostReference(parentUri, DidOf(parentUri));
        }
        if (record.TryGetProperty("embed", out var embed) && QuotedUri(embed) is { } quoted)
        {
            quote = new PostReference(quoted, DidOf(quoted));
        }
        var mentions = new List<string>();
        var links = new List<string>();
        var tags = new List<string>();
        if (record.TryGetProperty("facets", out var facets) && facets.ValueKind == JsonValueKind.Array)
        {
            foreach (var facet in facets.EnumerateArray())
            {
                if (!facet.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }
                foreach (var feature in features.EnumerateArray())
                {
                    switch (Optional(feature, "$type"))
                    {
                        case "app.bsky.richtext.facet#mention" when Optional(feature, "did") is { } m && !mentions.Contains(m):
                            mentions.Add(m);
                            break;
                        case "app.bsky.richtext.facet#link" when Optional(feature, "uri") is { } l:
                            links.Add(l);
                            break;
                        case "app.bsky.richtext.facet#tag" when Optional(feature, "tag") is { } t:
                            tags.Add(ImportLineParser.NormaliseHashtag(t));
                            break;
                    }
                }
            }
        }
        var langs = record.TryGetProperty("langs", out var l2) && l2.ValueKind == JsonValueKind.Array && l2.GetArrayLength() > 0 ? l2[0].GetString() : null;
        return (account, new PostRecord
        {
            Platform = Platforms.Bluesky,
            Id = uri,
            AccountId = did,
            CreatedAt = Time(record, "createdAt") ?? throw new InvalidOperationException($"post {uri} has no createdAt"),
            Text = Optional(record, "text"),
            Lang = langs,
            ReplyTo = reply,
            QuoteOf = quote,
            Mentions = mentions,
            Hashtags = tags.Distinct().ToList(),
            Urls = links,
            Likes = (int?)Count(post, "likeCount"),
            Replies = (int?)Count(post, "replyCount"),
            Reposts = (int?)Count(post, "repostCount"),
            Quotes = (int?)Count(post, "quoteCount"),
            ObservedAt = observedAt,
        }, Optional(post, "indexedAt"));
    }

    /// <summary>The quoted post of an <c>app.bsky.embed.record</c> or <c>recordWithMedia</c> embed.</summary>
    private static string? QuotedUri(JsonElement embed) => Optional(embed, "$type") switch
    {
        "app.bsky.embed.record" => embed.TryGetProperty("record", out var r) ? Optional(r, "uri") : null,
        "app.bsky.embed.recordWithMedia" => embed.TryGetProperty("record", out var outer) && outer.TryGetProperty("record", out var inner) ? Optional(inner, "uri") : null,
        _ => null,
    };

    /// <summary>at://did:plc:abc/app.bsky.feed.post/xyz → did:plc:abc</summary>
    public static string? DidOf(string uri)
    {
        const string prefix = "at://";
        if (!uri.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var end = uri.IndexOf('/', prefix.Length);
        var authority = end < 0 ? uri[prefix.Length..] : uri[prefix.Length..end];
        return authority.StartsWith("did:", StringComparison.Ordinal) ? authority : null;
    }
}
