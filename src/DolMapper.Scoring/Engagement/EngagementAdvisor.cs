using DolMapper.Scoring.Patients;
using System.Globalization;

namespace DolMapper.Scoring.Engagement;

/// <summary>The kinds of post whose engagement the advice compares (docs/engagement.md).</summary>
public static class PostFormats
{
    /// <summary>A reply to their own post: a thread.</summary>
    public const string Thread = "thread";
    /// <summary>A link to a journal, preprint server, registry or PubMed.</summary>
    public const string JournalLink = "journal_link";
    /// <summary>A post with a congress hashtag.</summary>
    public const string Congress = "congress";
    /// <summary>A post with a patient-community hashtag: patient stories and support.</summary>
    public const string PatientStory = "patient_story";
    /// <summary>A link to a video.</summary>
    public const string Video = "video";
    /// <summary>Anything else of their own (not a repost).</summary>
    public const string Post = "post";

    /// <summary>Every format, in the order they are read.</summary>
    public static IReadOnlyList<string> All { get; } = [Thread, JournalLink, Congress, PatientStory, Video, Post];

    /// <summary>The format in words.</summary>
    public static string Words(string format) => format switch
    {
        Thread => "threads",
        JournalLink => "journal links",
        Congress => "congress coverage",
        PatientStory => "patient stories",
        Video => "video links",
        _ => "plain posts",
    };

    private static readonly string[] VideoHosts = ["youtube.com", "youtu.be", "vimeo.com", "tiktok.com"];

    /// <summary>The format of a post (the first that applies, in the order of <see cref="All"/>).</summary>
    public static string Of(bool selfReply, IReadOnlyList<string>? hashtags, IReadOnlyList<string>? urls)
    {
        if (selfReply)
        {
            return Thread;
        }
        if (urls is { Count: > 0 } && urls.Any(ScoringVocabulary.IsScholarlyUrl))
        {
            return JournalLink;
        }
        if (hashtags is { Count: > 0 } && hashtags.Any(ScoringVocabulary.IsCongressHashtag))
        {
            return Congress;
        }
        if (hashtags is { Count: > 0 } && hashtags.Any(h => ScoringVocabulary.CommunityHashtags.Contains(h, StringComparer.OrdinalIgnoreCase)))
        {
            return PatientStory;
        }
        if (urls is { Count: > 0 } && urls.Any(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && VideoHosts.Any(h => uri.Host.Equals(h, StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase))))
        {
            return Video;
        }
        return Post;
    }
}

/// <summary>The collaboration types the advice can suggest (docs/engagement.md).</summary>
public static class Collaborations
{
    /// <summary>Peer trust and science: an advisory board.</summary>
    public const string AdvisoryBoard = "advisory_board";
    /// <summary>Public influence and activity: speaking or educational content.</summary>
    public const string SpeakerOrEducation = "speaker_or_education";
    /// <summary>Congress posts: coverage of a congress.</summary>
    public const string CongressCoverage = "congress_coverage";
    /// <summary>Community: a patient-programme partnership.</summary>
    public const string PatientProgramme = "patient_programme";
    /// <summary>A broadcaster: co-created content.</summary>
    public const string ContentCoCreation = "content_co_creation";
    /// <summary>Nothing stands out: follow and engage first.</summary>
    public const string Follow = "follow_and_engage";
    /// <summary>A patient advisory role (patient influencers).</summary>
    public const string PatientAdvisory = "patient_advisory";
    /// <summary>Co-design of patient materials, services or studies (patient influencers).</summary>
    public const string CoDesign = "co_design";

    /// <summary>The type in words.</summary>
    public static string Words(string kind) => kind switch
    {
        AdvisoryBoard => "advisory board",
        SpeakerOrEducation => "speaker or educational content",
        CongressCoverage => "congress coverage",
        PatientProgramme => "patient-programme partnership",
        ContentCoCreation => "content co-creation",
        PatientAdvisory => "patient advisory role",
        CoDesign => "co-design of patient materials, services or studies",
        _ => "follow and engage with their posts first",
    };
}

/// <summary>What one person did in a scoring run's window, as the advice reads it.</summary>
/// <param name="Platforms">Per platform: their own posts (not reposts) and the engagement those received.</param>
/// <param name="HourOfWeekUtc">Their own posts per hour of the week in UTC: index (ISO day − 1) × 24 + hour, Monday 00:00 first.</param>
/// <param name="Formats">Per format (<see cref="PostFormats"/>): posts and engagement received.</param>
/// <param name="Country">Where they live (ISO alpha-2), for their time zone; null when unknown.</param>
/// <param name="Signals">Their normalised signals in the run (0–1) by question key.</param>
public sealed record EngagementInputs(
    IReadOnlyDictionary<string, (int Posts, long Engagement)> Platforms,
    int[] HourOfWeekUtc,
    IReadOnlyDictionary<string, (int Posts, long Engagement)> Formats,
    string? Country,
    IReadOnlyDictionary<string, double> Signals);

/// <summary>How one could engage a person, each part with its reason in words.</summary>
public sealed record EngagementAdvice(
    string Channel, string ChannelReason,
    string BestTimes, IReadOnlyList<int> BestHoursUtc, string TimeZone, string TimesReason,
    IReadOnlyList<string> TopFormats, string FormatsReason,
    IReadOnlyList<string> Collaborations, IReadOnlyList<string> CollaborationReasons);

/// <summary>
/// Engagement suggestions (docs/engagement.md), derived from a person's own evidence: <b>where</b>
/// (the platform where their posts earn the most engagement), <b>when</b> (the days and the
/// two-hour window in which they post most, in their country's time zone when it is known),
/// <b>what</b> (the formats whose posts earn them more than their average) and <b>how</b>
/// (collaboration types matched to their signals). Advice, not a rule: every part says why.
/// </summary>
public static class EngagementAdvisor
{
    /// <summary>Signals at or above this percentile count as strong.</summary>
    public const double Strong = 0.8;
    /// <summary>Posts a format needs before its engagement is compared.</summary>
    public const int MinFormatPosts = 3;
    /// <summary>Congress posts that make congress coverage a suggestion.</summary>
    public const int MinCongressPosts = 3;

    /// <summary>The rules that apply to any engagement, shown beside every suggestion (not legal advice).</summary>
    public const string Reminder =
        "Engaging HCPs and patients is regulated: disclose every transfer of value, pay fair market value for services actually needed, " +
        "never promote prescription medicines to the public, and follow the local code (ABPI in the UK, EFPIA's in Europe, PhRMA's in the US, and the like). " +
        "These suggestions are not legal advice; your compliance team decides.";

    /// <summary>The main time zone of a country (the one most of its people live in); UTC when it is not known.</summary>
    public static string TimeZoneOf(string? country) => country?.ToUpperInvariant() switch
    {
        "US" => "America/New_York", "CA" => "America/Toronto", "MX" => "America/Mexico_City", "BR" => "America/Sao_Paulo", "AR" => "America/Argentina/Buenos_Aires",
        "GB" => "Europe/London", "IE" => "Europe/Dublin", "PT" => "Europe/Lisbon", "ES" => "Europe/Madrid", "FR" => "Europe/Paris", "DE" => "Europe/Berlin",
        "IT" => "Europe/Rome", "NL" => "Europe/Amsterdam", "BE" => "Europe/Brussels", "CH" => "Europe/Zurich", "AT" => "Europe/Vienna", "SE" => "Europe/Stockholm",
        "NO" => "Europe/Oslo", "DK" => "Europe/Copenhagen", "FI" => "Europe/Helsinki", "PL" => "Europe/Warsaw", "GR" => "Europe/Athens",
        "NG" => "Africa/Lagos", "ZA" => "Africa/Johannesburg", "EG" => "Africa/Cairo", "KE" => "Africa/Nairobi",
        "IN" => "Asia/Kolkata", "JP" => "Asia/Tokyo", "CN" => "Asia/Shanghai", "KR" => "Asia/Seoul", "SG" => "Asia/Singapore", "AE" => "Asia/Dubai", "IL" => "Asia/Jerusalem",
        "AU" => "Australia/Sydney", "NZ" => "Pacific/Auckland",
        _ => "UTC",
    };

    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private static string Platform(string platform) => platform switch
    {
        "x" => "X",
        "bluesky" => "Bluesky",
        "mastodon" => "Mastodon",
        _ => platform,
    };

    /// <summary>The advice for <paramref name="inputs"/>; null when they posted nothing of their own in the window.</summary>
    public static EngagementAdvice? Advise(EngagementInputs inputs, DateTime at)
    {
        var posts = inputs.Platforms.Values.Sum(p => p.Posts);
        if (posts == 0)
        {
            return null;
        }
        var culture = CultureInfo.InvariantCulture;

        // Where: the most engagement received, then the most posts.
        var engagement = inputs.Platforms.Values.Sum(p => p.Engagement);
        var (channel, best) = inputs.Platforms.OrderByDescending(p => p.Value.Engagement).ThenByDescending(p => p.Value.Posts).ThenBy(p => p.Key, StringComparer.Ordinal).First();
        var channelReason = inputs.Platforms.Count == 1
            ? $"All their posts in the window are on {Platform(channel)}."
            : engagement == 0
                ? $"{Percent(best.Posts, posts)} of their posts are on {Platform(channel)} (none earned engagement yet)."
                : $"{Percent(best.Engagement, engagement)} of the engagement they received ({best.Engagement.ToString("N0", culture)} of {engagement.ToString("N0", culture)}) came on {Platform(channel)}, where they write {Percent(best.Posts, posts)} of their posts.";

        // When: their two-hour window and their days, in their country's time zone.
        var zoneId = TimeZoneOf(inputs.Country);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var offset = (int)Math.Round(zone.GetUtcOffset(at).TotalHours);
        var localWeek = new int[168];
        for (var h = 0; h < 168; h++)
        {
            localWeek[((h + offset) % 168 + 168) % 168] += inputs.HourOfWeekUtc[h];
        }
        var byHour = Enumerable.Range(0, 24).Select(hour => Enumerable.Range(0, 7).Sum(d => localWeek[d * 24 + hour])).ToArray();
        var startHour = Enumerable.Range(0, 24).OrderByDescending(h => byHour[h] + byHour[(h + 1) % 24]).ThenBy(h => h).First();
        var inWindow = byHour[startHour] + byHour[(startHour + 1) % 24];
        var byDay = Enumerable.Range(0, 7).Select(d => Enumerable.Range(0, 24).Sum(h => localWeek[d * 24 + h])).ToArray();
        var days = Enumerable.Range(0, 7).OrderByDescending(d => byDay[d]).ThenBy(d => d).Take(3).Where(d => byDay[d] > 0).OrderBy(d => d).ToList();
        var bestTimes = $"{string.Join(", ", days.Select(d => DayNames[d]))} {startHour:00}:00–{(startHour + 2) % 24:00}:00 ({zoneId})";
        var bestHoursUtc = new[] { ((startHour - offset) % 24 + 24) % 24, ((startHour + 1 - offset) % 24 + 24) % 24 };
        var timesReason = $"{Percent(inWindow, posts)} of their posts go out between {startHour:00}:00 and {(startHour + 2) % 24:00}:00 {(zoneId == "UTC" ? "UTC (their time zone is not known)" : $"in {zoneId}, their country's main time zone")}; "
            + $"{Percent(days.Sum(d => byDay[d]), posts)} on {string.Join(", ", days.Select(d => DayNames[d]))}.";

        // What: the formats whose posts earn more than their average.
        var average = (double)engagement / posts;
        // Plain posts are what is left, not a format to suggest.
        var formats = inputs.Formats.Where(f => f.Value.Posts >= MinFormatPosts && f.Key != PostFormats.Post)
            .Select(f => (Format: f.Key, PerPost: (double)f.Value.Engagement / f.Value.Posts, f.Value.Posts))
            .Where(f => f.PerPost > average && f.PerPost > 0)
            .OrderByDescending(f => f.PerPost).ThenBy(f => f.Format, StringComparer.Ordinal)
            .Take(2).ToList();
        var formatsReason = formats.Count == 0
            ? $"No threads, journal links, congress coverage, patient stories or video links earn them more than their average ({average.ToString("0.#", culture)} engagements a post) over at least {MinFormatPosts} posts."
            : string.Join("; ", formats.Select(f => $"{PostFormats.Words(f.Format)} earn {(average == 0 ? "" : (f.PerPost / average).ToString("0.0", culture) + "× ")}their average ({f.PerPost.ToString("0.#", culture)} engagements a post over {f.Posts} posts)")) + ".";

        // How: collaboration types matched to their signals.
        double Signal(string key) => inputs.Signals.TryGetValue(key, out var v) ? v : 0;
        string Top(string key) => $"top {Math.Max(1, (int)Math.Round(100 * (1 - Signal(key))))}%";
        var kinds = new List<string>();
        var reasons = new List<string>();
        if (inputs.Signals.ContainsKey(PatientQuestions.Trust))
        {
            PatientCollaborations(Signal, Top, kinds, reasons);
        }
        else if (Signal(Questions.PeerTrust) >= Strong && Signal(Questions.Science) >= Strong)
        {
            kinds.Add(Scoring.Engagement.Collaborations.AdvisoryBoard);
            reasons.Add($"peers trust them ({Top(Questions.PeerTrust)}) and they engage with the science ({Top(Questions.Science)})");
        }
        if (!inputs.Signals.ContainsKey(PatientQuestions.Trust) && Signal(Questions.PublicInfluence) >= Strong && Signal(Questions.Activity) >= Strong)
        {
            kinds.Add(Scoring.Engagement.Collaborations.SpeakerOrEducation);
            reasons.Add($"they reach the public ({Top(Questions.PublicInfluence)}) and post a lot ({Top(Questions.Activity)})");
        }
        if (inputs.Formats.TryGetValue(PostFormats.Congress, out var congress) && congress.Posts >= MinCongressPosts)
        {
            kinds.Add(Scoring.Engagement.Collaborations.CongressCoverage);
            reasons.Add($"they covered congresses in {congress.Posts} posts");
        }
        if (!inputs.Signals.ContainsKey(PatientQuestions.Trust) && Signal(Questions.Community) >= Strong)
        {
            kinds.Add(Scoring.Engagement.Collaborations.PatientProgramme);
            reasons.Add($"they support patient communities ({Top(Questions.Community)})");
        }
        var threads = inputs.Formats.TryGetValue(PostFormats.Thread, out var t) ? t.Posts : 0;
        if (Signal(Questions.Activity) >= Strong && threads * 5 < posts && kinds.Count == 0)
        {
            kinds.Add(Scoring.Engagement.Collaborations.ContentCoCreation);
            reasons.Add($"they broadcast a lot ({Top(Questions.Activity)}) and rarely thread");
        }
        if (kinds.Count == 0)
        {
            kinds.Add(Scoring.Engagement.Collaborations.Follow);
            reasons.Add("no signal stands out enough to suggest a collaboration yet");
        }
        return new EngagementAdvice(channel, channelReason, bestTimes, bestHoursUtc, zoneId, timesReason,
            [.. formats.Select(f => f.Format)], formatsReason, kinds, reasons);
    }

    /// <summary>
    /// A patient influencer's collaborations: a patient advisory role when patients and HCPs trust
    /// them and the sources they link hold up, co-design (of materials, services or studies) when they
    /// support other patients on the condition, content co-creation when they reach many steadily.
    /// </summary>
    private static void PatientCollaborations(Func<string, double> signal, Func<string, string> top, List<string> kinds, List<string> reasons)
    {
        if (signal(PatientQuestions.Trust) >= Strong && signal(PatientQuestions.InformationQuality) >= 0.5)
        {
            kinds.Add(Scoring.Engagement.Collaborations.PatientAdvisory);
            reasons.Add($"patients and HCPs trust them ({top(PatientQuestions.Trust)}) and the health sources they link hold up");
        }
        if (signal(PatientQuestions.Support) >= Strong && signal(PatientQuestions.ConditionRelevance) >= Strong)
        {
            kinds.Add(Scoring.Engagement.Collaborations.CoDesign);
            reasons.Add($"they support other patients ({top(PatientQuestions.Support)}) and talk about the condition ({top(PatientQuestions.ConditionRelevance)})");
        }
        if (signal(PatientQuestions.Reach) >= Strong && signal(PatientQuestions.Consistency) >= Strong && signal(PatientQuestions.InformationQuality) >= 0.5)
        {
            kinds.Add(Scoring.Engagement.Collaborations.ContentCoCreation);
            reasons.Add($"they reach many ({top(PatientQuestions.Reach)}) and post steadily ({top(PatientQuestions.Consistency)})");
        }
    }

    private static string Percent(long part, long whole) => whole == 0 ? "0%" : (100.0 * part / whole).ToString("0", CultureInfo.InvariantCulture) + "%";
}
