namespace DolMapper.Web.Tests.Ingestion.Sources;

/// <summary>searchPosts and getProfiles responses in the shape of the app.bsky lexicons (postView, profileViewDetailed).</summary>
public static class BlueskyPayloads
{
    public const string Page1 = """
        {
          "posts": [
            {
              "uri": "at://did:plc:jane7abc/app.bsky.feed.post/3lc2aaaa2k22", "cid": "bafyreia1",
              "author": {"did": "did:plc:jane7abc", "handle": "drjanedoe.bsky.social", "displayName": "Jane Doe, MD", "avatar": "https://cdn.bsky.app/img/avatar/plain/did:plc:jane7abc/x@jpeg", "labels": [], "createdAt": "2023-05-01T00:00:00.000Z"},
              "record": {
                "$type": "app.bsky.feed.post", "createdAt": "2026-11-20T14:03:00.000Z", "langs": ["en"],
                "text": "New phase 3 data #bcsm with @oncnurse.bsky.social doi.org/10.1056/NEJMoa2412345",
                "facets": [
                  {"$type": "app.bsky.richtext.facet", "index": {"byteStart": 18, "byteEnd": 23}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "bcsm"}]},
                  {"$type": "app.bsky.richtext.facet", "index": {"byteStart": 29, "byteEnd": 50}, "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:sam9xyz"}]},
                  {"$type": "app.bsky.richtext.facet", "index": {"byteStart": 51, "byteEnd": 84}, "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://doi.org/10.1056/NEJMoa2412345"}]}
                ]
              },
              "replyCount": 1, "repostCount": 4, "likeCount": 22, "quoteCount": 1, "indexedAt": "2026-11-20T14:03:01.118Z", "labels": []
            }
          ],
          "cursor": "1"
        }
        """;

    public const string Page2 = """
        {
          "posts": [
            {
              "uri": "at://did:plc:sam9xyz/app.bsky.feed.post/3lc2bbbb3k22", "cid": "bafyreib2",
              "author": {"did": "did:plc:sam9xyz", "handle": "oncnurse.bsky.social", "displayName": "Sam Lee RN"},
              "record": {
                "$type": "app.bsky.feed.post", "createdAt": "2026-11-20T15:00:00.000Z", "langs": ["en"],
                "text": "This will change how we counsel patients #bcsm",
                "reply": {
                  "root": {"uri": "at://did:plc:jane7abc/app.bsky.feed.post/3lc2aaaa2k22", "cid": "bafyreia1"},
                  "parent": {"uri": "at://did:plc:jane7abc/app.bsky.feed.post/3lc2aaaa2k22", "cid": "bafyreia1"}
                },
                "facets": [{"index": {"byteStart": 41, "byteEnd": 46}, "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "bcsm"}]}]
              },
              "replyCount": 0, "repostCount": 0, "likeCount": 3, "quoteCount": 0, "indexedAt": "2026-11-20T15:00:00.900Z"
            },
            {
              "uri": "at://did:plc:bob4pqr/app.bsky.feed.post/3lc2cccc4k22", "cid": "bafyreic3",
              "author": {"did": "did:plc:bob4pqr", "handle": "pharmbob.bsky.social", "displayName": "Pharm Bob"},
              "record": {
                "$type": "app.bsky.feed.post", "createdAt": "2026-11-20T16:30:00.000Z", "langs": ["en"], "text": "Important read #bcsm",
                "embed": {"$type": "app.bsky.embed.record", "record": {"uri": "at://did:plc:jane7abc/app.bsky.feed.post/3lc2aaaa2k22", "cid": "bafyreia1"}}
              },
              "replyCount": 0, "repostCount": 0, "likeCount": 1, "quoteCount": 0, "indexedAt": "2026-11-20T16:30:02.000Z"
            }
          ]
        }
        """;

    public const string Profiles = """
        {
          "profiles": [
            {"did": "did:plc:jane7abc", "handle": "drjanedoe.bsky.social", "displayName": "Jane Doe, MD", "description": "Breast oncologist. Views my own.",
             "followersCount": 5120, "followsCount": 300, "postsCount": 800, "createdAt": "2023-05-01T00:00:00.000Z", "indexedAt": "2026-11-01T00:00:00.000Z"},
            {"did": "did:plc:sam9xyz", "handle": "oncnurse.bsky.social", "displayName": "Sam Lee RN", "description": "Oncology nurse",
             "followersCount": 210, "followsCount": 180, "postsCount": 95, "createdAt": "2023-09-01T00:00:00.000Z"},
            {"did": "did:plc:bob4pqr", "handle": "pharmbob.bsky.social", "displayName": "Pharm Bob", "description": "Clinical pharmacist",
             "followersCount": 40, "followsCount": 60, "postsCount": 30, "createdAt": "2024-01-01T00:00:00.000Z"}
          ]
        }
        """;
}
