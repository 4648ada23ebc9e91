namespace DolMapper.Web.Tests.Ingestion.Sources;

/// <summary>
/// Recent-search pages in the shape of the X API v2 documentation's examples (tweet fields,
/// expansions author_id / referenced_tweets.id / entities.mentions.username, user fields).
/// </summary>
public static class XPayloads
{
    public const string Page1 = """
        {
          "data": [
            {
              "id": "1853211001", "edit_history_tweet_ids": ["1853211001"], "author_id": "2244994945", "lang": "en",
              "created_at": "2026-11-20T14:03:00.000Z", "conversation_id": "1853211001",
              "text": "New phase 3 data in #bcsm from @oncnurse https://t.co/abc",
              "entities": {
                "hashtags": [{"start": 20, "end": 25, "tag": "bcsm"}],
                "mentions": [{"start": 31, "end": 40, "username": "oncnurse", "id": "783214"}],
                "urls": [{"start": 41, "end": 64, "url": "https://t.co/abc", "expanded_url": "https://doi.org/10.1056/NEJMoa2412345", "display_url": "doi.org/10.1056/NEJMoa…"}]
              },
              "public_metrics": {"retweet_count": 12, "reply_count": 3, "like_count": 40, "quote_count": 1, "bookmark_count": 2, "impression_count": 5120}
            },
            {
              "id": "1853211002", "edit_history_tweet_ids": ["1853211002"], "author_id": "783214", "lang": "en",
              "created_at": "2026-11-20T15:00:00.000Z", "conversation_id": "1853211001", "in_reply_to_user_id": "2244994945",
              "text": "@drjanedoe This will change how we counsel patients.",
              "referenced_tweets": [{"type": "replied_to", "id": "1853211001"}],
              "entities": {"mentions": [{"start": 0, "end": 10, "username": "drjanedoe", "id": "2244994945"}]},
              "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 5, "quote_count": 0}
            }
          ],
          "includes": {
            "users": [
              {"id": "2244994945", "name": "Jane Doe, MD", "username": "drjanedoe", "created_at": "2012-03-01T00:00:00.000Z",
               "description": "Breast oncologist. Views my own.", "location": "Boston, MA", "verified": false, "url": "",
               "public_metrics": {"followers_count": 15230, "following_count": 812, "tweet_count": 9123, "listed_count": 120}},
              {"id": "783214", "name": "Sam Lee RN", "username": "oncnurse", "created_at": "2015-06-01T00:00:00.000Z",
               "description": "Oncology nurse", "location": "Toronto, ON", "verified": false,
               "public_metrics": {"followers_count": 300, "following_count": 400, "tweet_count": 2100, "listed_count": 3}}
            ]
          },
          "meta": {"newest_id": "1853211002", "oldest_id": "1853211001", "result_count": 2, "next_token": "page1"}
        }
        """;

    public const string Page2 = """
        {
          "data": [
            {
              "id": "1853211003", "edit_history_tweet_ids": ["1853211003"], "author_id": "99887766", "lang": "en",
              "created_at": "2026-11-19T09:00:00.000Z", "text": "Important read: https://t.co/q",
              "referenced_tweets": [{"type": "quoted", "id": "1853211001"}],
              "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 9, "quote_count": 0}
            },
            {
              "id": "1853211004", "edit_history_tweet_ids": ["1853211004"], "author_id": "99887766", "lang": "en",
              "created_at": "2026-11-19T10:00:00.000Z", "text": "RT @drjanedoe: New phase 3 data in #bcsm",
              "referenced_tweets": [{"type": "retweeted", "id": "1853211001"}],
              "public_metrics": {"retweet_count": 12, "reply_count": 0, "like_count": 0, "quote_count": 0}
            }
          ],
          "includes": {
            "users": [
              {"id": "99887766", "name": "Pharm Bob", "username": "pharmbob", "description": "Clinical pharmacist", "location": "Perth, WA",
               "public_metrics": {"followers_count": 50, "following_count": 90, "tweet_count": 700, "listed_count": 0}},
              {"id": "2244994945", "name": "Jane Doe, MD", "username": "drjanedoe",
               "public_metrics": {"followers_count": 15231, "following_count": 812, "tweet_count": 9124, "listed_count": 120}}
            ],
            "tweets": [
              {"id": "1853211001", "author_id": "2244994945", "created_at": "2026-11-20T14:03:00.000Z", "text": "New phase 3 data in #bcsm from @oncnurse https://t.co/abc",
               "public_metrics": {"retweet_count": 13, "reply_count": 3, "like_count": 41, "quote_count": 1}}
            ]
          },
          "errors": [
            {"value": "1853200000", "detail": "Could not find tweet with referenced_tweets.id: [1853200000].", "title": "Not Found Error",
             "resource_type": "tweet", "parameter": "referenced_tweets.id", "resource_id": "1853200000", "type": "https://api.twitter.com/2/problems/resource-not-found"}
          ],
          "meta": {"newest_id": "1853211004", "oldest_id": "1853211003", "result_count": 2}
        }
        """;

    /// <summary>A page with one good post and one whose metrics are the wrong type.</summary>
    public const string PageWithBadItem = """
        {
          "data": [
            {"id": "1853211101", "author_id": "2244994945", "created_at": "2026-11-21T08:00:00.000Z", "text": "Good one #bcsm",
             "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 2, "quote_count": 0}},
            {"id": "1853211102", "author_id": "2244994945", "created_at": "2026-11-21T09:00:00.000Z", "text": "Broken one",
             "public_metrics": {"retweet_count": "many", "reply_count": 0, "like_count": 2, "quote_count": 0}}
          ],
          "includes": {"users": [{"id": "2244994945", "name": "Jane Doe, MD", "username": "drjanedoe"}]},
          "meta": {"newest_id": "1853211102", "oldest_id": "1853211101", "result_count": 2}
        }
        """;
}
