using System.Text.RegularExpressions;

namespace DolMapper.Scoring;

/// <summary>
/// The raw measure of each question exactly as docs/scoring.md defines it. Each function takes
/// the aggregated evidence of one person and returns a value ≥ 0 where 0 means "no evidence".
/// </summary>
public static partial class SignalFormulas
{
    private static readonly double Ln21 = Math.Log(21);

    /// <summary>Kind weights where an engagement's kind matters (reply, quote, mention, repost).</summary>
    public static double KindWeight(string kind) => kind switch
    {
        "reply" => 1.0,
        "quote" => 1.0,
        "mention" => 0.7,
        "repost" => 0.5,
        _ => 0,
    };

    /// <summary>
    /// Q1: (r + 1) / (n + 10) · min(1, ln(1 + r) / ln 21) — a Bayesian-smoothed share of relevant
    /// posts (prior 10% over 10 posts) times a volume factor that is full at 20 relevant posts.
    /// 2 of 2 gives 0.09; 200 of 220 gives 0.87; none gives 0.
    /// </summary>
    public static double Relevance(int relevantPosts, int posts)
    {
        if (relevantPosts <= 0 || posts <= 0)
        {
            return 0;
        }
        return (relevantPosts + 1.0) / (posts + 10.0) * Math.Min(1, Math.Log(1 + relevantPosts) / Ln21);
    }

    /// <summary>Q4's stored raw measure: posts per week over the window.</summary>
    public static double PostsPerWeek(int posts, double windowDays) => windowDays <= 0 ? 0 : posts / (windowDays / 7.0);

    /// <summary>
    /// Q4's ranked value: posts per week × (0.5 + 0.5 · reply share) × share of the window's weeks
    /// with a post — conversation and steadiness count, not volume alone.
    /// </summary>
    public static double ActivityComposite(int posts, int replies, int weeksActive, double windowDays)
    {
        if (posts <= 0)
        {
            return 0;
        }
        var weeks = Math.Max(1, Math.Ceiling(windowDays / 7.0));
        var replyShare = Math.Clamp((double)replies / posts, 0, 1);
        return PostsPerWeek(posts, windowDays) * (0.5 + 0.5 * replyShare) * Math.Min(1, weeksActive / weeks);
    }

    /// <summary>
    /// Q5: 0.5 · ln(1 + followers) + ln(1 + engagements from non-HCP accounts per post) + ln(1 +
    /// reach per post), where reach per post is (likes + reposts + quotes of their posts) / posts —
    /// audience size, how much of the public answers each post and how far each post travels, each
    /// log-scaled. Per post, so that posting more is activity (Q4), not public influence.
    /// </summary>
    public static double PublicInfluence(long followers, long nonHcpEngagements, long likes, long reposts, long quotes, int posts) =>
        PublicInfluence(followers, posts <= 0 ? 0 : (double)nonHcpEngagements / posts, posts <= 0 ? 0 : (double)(likes + reposts + quotes) / posts);

    /// <summary>Q5 from the per-post figures already worked out (in the topic, with the overall ones as priors).</summary>
    public static double PublicInfluence(long followers, double nonHcpEngagementsPerPost, double reachPerPost) =>
        0.5 * Math.Log(1 + Math.Max(0, followers)) + Math.Log(1 + Math.Max(0, nonHcpEngagementsPerPost)) + Math.Log(1 + Math.Max(0, reachPerPost));

    /// <summary>
    /// Q6: three parts of equal weight, each 0..1 — breadth (min(1, platforms with a posting account / 3)),
    /// profile completeness, and min(1, account age in years / 5).
    /// </summary>
    public static double Presence(int activePlatforms, double completeness, double accountAgeYears) =>
        Math.Clamp(activePlatforms / 3.0, 0, 1) + Math.Clamp(completeness, 0, 1) + Math.Clamp(accountAgeYears / 5, 0, 1);

    /// <summary>Q7: the relationship kind's value, halved when it began more than three years before the snapshot.</summary>
    public static double Relationship(string? kind, DateOnly? since, DateTime snapshot)
    {
        var value = kind switch
        {
            "advisory_board" => 1.0,
            "investigator" => 0.9,
            "speaker" => 0.8,
            "consultant" => 0.7,
            "employee" => 0.5,
            _ => 0.0,
        };
        if (value > 0 && since is { } start && start.ToDateTime(TimeOnly.MinValue) < snapshot.AddYears(-3))
        {
            value *= 0.5;
        }
        return value;
    }

    /// <summary>
    /// Q8: 10 · (s + 1) / (n + 10) for s posts with scholarly links of n (zero without any) +
    /// 0.25 per distinct congress tagged + ln(1 + matched publications).
    /// </summary>
    public static double Science(double scholarlyPosts, double posts, int congresses, int publications)
    {
        var links = scholarlyPosts <= 0 || posts <= 0 ? 0 : 10.0 * (scholarlyPosts + 1) / (posts + 10);
        return links + 0.25 * Math.Max(0, congresses) + Math.Log(1 + Math.Max(0, publications));
    }

    /// <summary>
    /// Q9 with target countries: (conversation partners in a target country + 1 if the person's own
    /// country is a target) / (partners with a known country + 1).
    /// </summary>
    public static double GeographyFit(int engagersInTarget, int engagersWithCountry, bool ownCountryInTarget) =>
        (engagersInTarget + (ownCountryInTarget ? 1.0 : 0.0)) / (engagersWithCountry + 1.0);

    /// <summary>Q9 without targets: the entropy (nats) of the conversation partners' countries — reach across borders.</summary>
    public static double CountryEntropy(IEnumerable<int> engagersPerCountry)
    {
        var counts = engagersPerCountry.Where(c => c > 0).ToList();
        double total = counts.Sum();
        if (total == 0)
        {
            return 0;
        }
        return -counts.Sum(c => c / total * Math.Log(c / total));
    }

    /// <summary>
    /// Q9 without targets: how much more of a person's conversation stays at home than the field's
    /// does. The home share of their partners, <paramref name="homePartners"/> of
    /// <paramref name="partnersWithCountry"/>, is read with the home country's typical share as a
    /// prior worth five partners (so three partners say little), then set against the home country's
    /// share of everyone's partners: 0 when they talk with the world as the field does, 1 when all
    /// of it stays at home, below 0 when less stays home than the field's mix would have. A large
    /// country is not local for being large: half of a US physician's partners in the US is what the
    /// field looks like, half of an Irish one's is a local voice.
    /// </summary>
    public static double HomeBias(int homePartners, int partnersWithCountry, double typicalHomeShare, double fieldHomeShare)
    {
        const double prior = 5;
        var share = (homePartners + prior * typicalHomeShare) / (partnersWithCountry + prior);
        return fieldHomeShare >= 1 ? 0 : (share - fieldHomeShare) / (1 - fieldHomeShare);
    }

    /// <summary>Q9's label: local (one country ≥ 80% of partners with a country), national (≥ 50%), global, or unknown.</summary>
    public static string GeographyLabel(int topCountryEngagers, int engagersWithCountry) =>
        engagersWithCountry == 0 ? "unknown"
        : topCountryEngagers >= 0.8 * engagersWithCountry ? "local"
        : topCountryEngagers >= 0.5 * engagersWithCountry ? "national"
        : "global";

    /// <summary>
    /// Q10: 100 · (engagements with patient advocates and organisations + 0.5 · posts with community
    /// hashtags + 0.25 · replies to non-HCP accounts) / (engagements they made + posts) — the share
    /// of what they do that goes to patient communities.
    /// </summary>
    public static double Community(int communityEngagements, int communityHashtagPosts, int repliesToNonHcp, int engagementsMade, int posts) =>
        CommunityShare(CommunityWork(communityEngagements, communityHashtagPosts, repliesToNonHcp), engagementsMade + posts);

    /// <summary>Q10's numerator: community engagements + 0.5 · community-hashtag posts + 0.25 · replies to non-HCPs.</summary>
    public static double CommunityWork(int communityEngagements, int communityHashtagPosts, int repliesToNonHcp) =>
        communityEngagements + 0.5 * communityHashtagPosts + 0.25 * repliesToNonHcp;

    /// <summary>Q10 from its numerator and denominator (engagements made + posts).</summary>
    public static double CommunityShare(double work, double actions) => actions <= 0 ? 0 : 100.0 * work / actions;

    /// <summary>How many observations the person's overall share is worth when a share is read in the topic.</summary>
    public const double TopicPriorWeight = 10;

    /// <summary>
    /// A share read in the topic (<paramref name="part"/> of <paramref name="whole"/>), estimated with
    /// the person's overall share as a prior worth <see cref="TopicPriorWeight"/> observations: three
    /// relevant posts without a scholarly link do not make a person who links to papers every other
    /// post a zero, while fifty relevant posts speak for themselves.
    /// </summary>
    public static (double Part, double Whole) InTopicShare(double part, double whole, double overallPart, double overallWhole) =>
        overallWhole <= 0 ? (part, whole) : (part + TopicPriorWeight * overallPart / overallWhole, whole + TopicPriorWeight);

    /// <summary>
    /// What a text says once links, hashtags, mentions, digits and spaces are set aside, in lower
    /// case: bot-like accounts repeat this while varying the link (docs/scoring.md).
    /// </summary>
    public static string BotTextKey(string? text) =>
        string.IsNullOrEmpty(text) ? "" : SetAside().Replace(text.ToLowerInvariant(), "");

    /// <summary>The share of texts that repeat another: 1 − distinct ÷ all.</summary>
    public static double RepeatedShare(int distinct, int all) => all == 0 ? 0 : 1 - (double)distinct / all;

    [GeneratedRegex(@"(https?://\S+)|([#@][\p{L}\p{N}_]+)|[0-9]+|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex SetAside();
}
