using DolMapper.Scoring.Hcp;

namespace DolMapper.Scoring;

/// <summary>
/// Everything one scoring run reads, in flat arrays indexed densely (persons p, accounts a). The web
/// project's loader fills it from PostgreSQL; tests build small ones by hand.
/// </summary>
public sealed class ScoringInputs
{
    /// <summary>The run's "now": the newest post's time in the database (not the clock, so an archive scores the same).</summary>
    public DateTime Snapshot;
    /// <summary>The window's start (Snapshot minus WindowDays).</summary>
    public DateTime From;
    /// <summary>The profile's window in days.</summary>
    public int WindowDays;
    /// <summary>Posts in the window.</summary>
    public long WindowPosts;
    /// <summary>Posts in the window that carry one of the profile's hashtags.</summary>
    public long PostsWithProfileTag;
    /// <summary>Terms added to the profile's topic by co-occurrence (topic expansion).</summary>
    public IReadOnlyList<TopicExpansionTerm> Expansion = [];
    /// <summary>The topic's hashtags: the profile's and the expansion's.</summary>
    public string[] TopicTags = [];
    /// <summary>Accounts flagged bot-like for this run (never scored; their posts count for no one).</summary>
    public int BotAccounts;

    // Persons (dense index p).
    /// <summary>Each person's database id.</summary>
    public long[] PersonIds = [];
    /// <summary>Each person's public id (platform:account id).</summary>
    public string[] PersonPublicIds = [];
    /// <summary>Each person's display name, if any.</summary>
    public string?[] PersonNames = [];
    /// <summary>Each person's profession (an HCP label, or public/organisation/patient…).</summary>
    public string?[] Profession = [];
    /// <summary>Each person's specialty, if known.</summary>
    public string?[] Specialty = [];
    /// <summary>The classifier's confidence in each person's profession.</summary>
    public double[] HcpConfidence = [];
    /// <summary>Each person's country (ISO code), if known.</summary>
    public string?[] Country = [];
    /// <summary>The confidence in each person's country.</summary>
    public double[] CountryConfidence = [];
    /// <summary>Each person's NPI, if known.</summary>
    public string?[] Npi = [];
    /// <summary>Whether each person opted out (never scored).</summary>
    public bool[] OptedOut = [];
    /// <summary>The profile said nothing about a role (classification evidence "uninformative").</summary>
    public bool[] Uninformative = [];
    /// <summary>Dense person index by database id.</summary>
    public Dictionary<long, int> PersonIndex = [];

    // Accounts (dense index a).
    /// <summary>Dense account index by database id.</summary>
    public Dictionary<long, int> AccountIndex = [];
    /// <summary>The person index of each account (-1 for none).</summary>
    public int[] AccountPerson = [];
    /// <summary>Each account's platform, as an index into <see cref="PlatformNames"/>.</summary>
    public byte[] AccountPlatform = [];
    /// <summary>Each account's follower count.</summary>
    public long[] AccountFollowers = [];
    /// <summary>How complete each account's profile is (0–1).</summary>
    public double[] AccountCompleteness = [];
    /// <summary>When each account was created, if known.</summary>
    public DateTime?[] AccountCreated = [];
    /// <summary>Whether each account was flagged bot-like.</summary>
    public bool[] AccountBot = [];
    /// <summary>Each account's handle (null for none); with the names, what the rankings' search matches.</summary>
    public string?[] AccountHandle = [];

    // Per-account post aggregates over the window (accounts with posts only).
    /// <summary>Per-account post aggregates over the window (accounts with posts only).</summary>
    public List<AccountPosts> Posts = [];
    // Keyed by the account's database id: these load in parallel with the accounts themselves.
    /// <summary>Congress hashtags each account used, by account database id.</summary>
    public Dictionary<long, string[]> CongressTagsByAccount = [];
    /// <summary>Posts linking scholarly sources, by account database id.</summary>
    public Dictionary<long, int> ScholarlyByAccount = [];
    /// <summary>Posts on the profile's topic, by account database id.</summary>
    public Dictionary<long, int> RelevantByAccount = [];
    /// <summary>Per-account aggregates of the window's relevant posts (the topic's reading of activity, reach, science and community), by account database id.</summary>
    public Dictionary<long, TopicPosts> TopicByAccount = [];

    // Interactions in the window: source account, target account, kind (0 reply, 1 quote, 2 mention, 3 repost).
    /// <summary>Each interaction's source account index.</summary>
    public int[] InteractionSource = [];
    /// <summary>Each interaction's target account index.</summary>
    public int[] InteractionTarget = [];
    /// <summary>Each interaction's kind, as an index into <see cref="KindNames"/>.</summary>
    public byte[] InteractionKind = [];
    /// <summary>How many interactions the arrays hold.</summary>
    public int InteractionCount;
    /// <summary>Each interaction's own post (the reply, quote, repost or mentioning post), by database id; released once the topic flags are set.</summary>
    public long[] InteractionPost = [];
    /// <summary>Whether each interaction belongs to the topic: its post is relevant, or replies to, quotes or reposts a relevant post. Empty: no topic reading.</summary>
    public bool[] InteractionInTopic = [];

    // CRM relationships by person index: the strongest.
    /// <summary>The strongest CRM relationship of each person index that has one.</summary>
    public Dictionary<int, (string Kind, DateOnly? Since)> Relationships = [];
    /// <summary>Matched publications per person index.</summary>
    public Dictionary<int, int> Publications = [];
    /// <summary>The titles of each person's matched publications (person index), for the topic's reading once the topic is known.</summary>
    public Dictionary<int, List<string>> PublicationTitles = [];
    /// <summary>Matched publications whose titles name the topic (a keyword, or a topic hashtag in the title's letters), per person index.</summary>
    public Dictionary<int, int> TopicPublications = [];

    /// <summary>Platform names by <see cref="AccountPlatform"/> value.</summary>
    public static readonly string[] PlatformNames = ["x", "bluesky", "mastodon", "facebook", "tiktok", "youtube", "linkedin", "other"];
    /// <summary>Interaction kind names by <see cref="InteractionKind"/> value.</summary>
    public static readonly string[] KindNames = ["reply", "quote", "mention", "repost"];

    /// <summary>Whether person <paramref name="p"/> is classified an HCP with at least <paramref name="minConfidence"/>.</summary>
    public bool IsHcp(int p, double minConfidence) => HcpLabels.IsHcp(Profession[p]) && HcpConfidence[p] >= minConfidence;
}

/// <summary>One account's relevant posts over the window, aggregated (the in-topic counterpart of <see cref="AccountPosts"/>).</summary>
public sealed class TopicPosts
{
    /// <summary>Relevant posts.</summary>
    public int Posts;
    /// <summary>Relevant posts that are reposts of another's post (a repost whose text matched).</summary>
    public int Shares;
    /// <summary>Relevant posts that are replies.</summary>
    public int Replies;
    /// <summary>Weeks 0–62 of the window with a relevant post, one bit each.</summary>
    public long WeeksLow;
    /// <summary>Weeks 63–125 of the window with a relevant post, one bit each.</summary>
    public long WeeksHigh;
    /// <summary>Relevant posts with a patient-community hashtag.</summary>
    public int CommunityPosts;
    /// <summary>Relevant posts linking a scholarly source.</summary>
    public int Scholarly;
    /// <summary>Likes the relevant posts received.</summary>
    public long Likes;
    /// <summary>Reposts the relevant posts received.</summary>
    public long Reposts;
    /// <summary>Quotes the relevant posts received.</summary>
    public long Quotes;

    /// <summary>Adds one relevant post, in week <paramref name="week"/> of the window (0-based).</summary>
    public void Add(int week, bool reply, bool community, bool scholarly, long likes, long reposts, long quotes)
    {
        Posts++;
        Replies += reply ? 1 : 0;
        if (week is >= 0 and < 63)
        {
            WeeksLow |= 1L << week;
        }
        else if (week is >= 63 and < 126)
        {
            WeeksHigh |= 1L << (week - 63);
        }
        CommunityPosts += community ? 1 : 0;
        Scholarly += scholarly ? 1 : 0;
        Likes += likes;
        Reposts += reposts;
        Quotes += quotes;
    }
}

/// <summary>
/// One account's posts over the window, aggregated. <c>Shares</c> are the account's own reposts of
/// others' posts: they count as activity, but a share carries no words, links or engagement of its
/// own, so the shares among posts (relevance, science, community, reach per post) leave them out.
/// </summary>
public sealed record AccountPosts(
    long AccountId, int Posts, int Replies, long WeeksLow, long WeeksHigh, DateTime LastPost, int ProfileTagged, int CommunityPosts,
    long Likes, long Reposts, long Quotes, int Shares = 0);

