namespace DolMapper.Scoring;

/// <summary>
/// The ten profiling questions, identified by the stable keys of docs/formats.md, "Question keys".
/// The order of <see cref="All"/> is the contract order used in profiles, CSV headers and the UI.
/// </summary>
public static class Questions
{
    /// <summary>Q1: do they post relevant content?</summary>
    public const string Relevance = "relevance";
    /// <summary>Q2: do they have an HCP or a public following?</summary>
    public const string HcpFollowing = "hcp_following";
    /// <summary>Q3: are they trusted among online HCP peers?</summary>
    public const string PeerTrust = "peer_trust";
    /// <summary>Q4: are they active in online conversations?</summary>
    public const string Activity = "activity";
    /// <summary>Q5: do they have a public influence?</summary>
    public const string PublicInfluence = "public_influence";
    /// <summary>Q6: do they have a social media presence?</summary>
    public const string Presence = "presence";
    /// <summary>Q7: are they in an existing relationship with you?</summary>
    public const string Relationship = "relationship";
    /// <summary>Q8: are they engaged in the online scientific community?</summary>
    public const string Science = "science";
    /// <summary>Q9: is their online influence local or global?</summary>
    public const string Geography = "geography";
    /// <summary>Q10: do they support other health communities or patient groups?</summary>
    public const string Community = "community";

    /// <summary>All ten keys in contract order (Q1 first).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Relevance, HcpFollowing, PeerTrust, Activity, PublicInfluence,
        Presence, Relationship, Science, Geography, Community,
    ];

    /// <summary>The number of questions.</summary>
    public const int Count = 10;

    /// <summary>Zero-based position of <paramref name="key"/> in <see cref="All"/>, or -1 if it is not a question key.</summary>
    public static int IndexOf(string key)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>True when <paramref name="key"/> is one of the ten keys (exact, lower case).</summary>
    public static bool IsKey(string key) => IndexOf(key) >= 0;

    /// <summary>
    /// Each question in words, what its signal measures, and what a negative weight asks for — the
    /// text beside each weight in the profile editor.
    /// </summary>
    public static IReadOnlyList<QuestionText> Texts { get; } =
    [
        new(Relevance, "Do they post relevant content?", "share of their posts on the profile's topic (hashtags, keywords and co-occurring tags), smoothed so 2 of 2 is not 100%", "prefer people who rarely post on the topic"),
        new(HcpFollowing, "Do they have an HCP or a public following?", "how many of the people who engage with them are HCPs, and the HCP share", "prefer people followed mostly by the public"),
        new(PeerTrust, "Are they trusted among online HCP peers?", "PageRank on the HCP-to-HCP engagement graph", "prefer people HCP peers engage with little"),
        new(Activity, "Are they active in online conversations?", "posts a week, share of replies, weeks active, days since the last post", "prefer quiet, occasional posters"),
        new(PublicInfluence, "Do they have a public influence?", "followers (log-scaled) and engagement from non-HCP accounts", "prefer people with little public reach"),
        new(Presence, "Do they have a social media presence?", "platforms with an active account, profile completeness, account age", "prefer people on few platforms with new accounts"),
        new(Relationship, "Are they in an existing relationship with you?", "the CRM relationship's kind and how recent it is", "prefer new voices with no relationship yet"),
        new(Science, "Are they engaged in the online scientific community?", "links to scholarly sources, congress hashtags, matched PubMed publications", "prefer people who do not post science"),
        new(Geography, "Is their online influence local or global?", "fit of their engagers' countries to the target countries, else the spread of countries", "prefer influence outside the target countries"),
        new(Community, "Do they support other health communities or patient groups?", "engagement with patient groups, community hashtags, replies to non-HCPs", "prefer people who stay among peers"),
    ];

    /// <summary>The words of question <paramref name="key"/>.</summary>
    public static QuestionText TextOf(string key) => Texts[IndexOf(key) is var i and >= 0 ? i : throw new ArgumentException($"'{key}' is not a question key.", nameof(key))];
}

/// <summary>A question's key, the question, what its signal measures, and what a negative weight prefers.</summary>
public sealed record QuestionText(string Key, string Question, string Measures, string Negative);
