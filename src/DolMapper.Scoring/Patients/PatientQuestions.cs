namespace DolMapper.Scoring.Patients;

/// <summary>
/// The questions a patient influencer profile asks (issue 22; docs/patients.md when the profiles
/// land), each with its key, the question and how it is measured. A patient profile's weights name
/// these keys as an HCP profile's name the ten of <see cref="Questions"/>.
/// </summary>
public static class PatientQuestions
{
    /// <summary>Audience and engagement received.</summary>
    public const string Reach = "reach";
    /// <summary>Engagement from other patients and especially from HCPs.</summary>
    public const string Trust = "trust";
    /// <summary>The profile's condition area in bio and posts.</summary>
    public const string ConditionRelevance = "condition_relevance";
    /// <summary>Steady posting over the window.</summary>
    public const string Consistency = "consistency";
    /// <summary>Replies to and amplification of other patients, support hashtags.</summary>
    public const string Support = "support";
    /// <summary>Reputable against low-quality health sources linked.</summary>
    public const string InformationQuality = "information_quality";

    /// <summary>The keys in their fixed order (the order of signals, weights and columns).</summary>
    public static IReadOnlyList<string> All { get; } = [Reach, Trust, ConditionRelevance, Consistency, Support, InformationQuality];

    /// <summary>The question each key answers.</summary>
    public static string Question(string key) => key switch
    {
        Reach => "How large is their audience, and how much does it engage?",
        Trust => "Do other patients, and above all HCPs, engage with them?",
        ConditionRelevance => "Do they talk about the profile's condition area?",
        Consistency => "Do they post steadily over the window?",
        Support => "Do they reply to and amplify other patients?",
        InformationQuality => "Do the health sources they link hold up?",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a patient question"),
    };

    /// <summary>How each is measured, in words.</summary>
    public static string Measure(string key) => key switch
    {
        Reach => "ln(1 + followers) + ln(1 + engagement received in the window)",
        Trust => "the distinct patients (×1) and HCPs (×3) who engage with them, as a share of everyone who does (with 10 others assumed), growing with their number up to 50",
        ConditionRelevance => "the share of their posts on the profile's conditions, the bio counting as 5 posts",
        Consistency => "the share of the window's weeks with a post, lowered by bursts",
        Support => "replies to and reposts of other patients and posts with support hashtags, per post (5 posts assumed)",
        InformationQuality => "reputable health links against low-quality ones (each counting 3), starting from neutral",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a patient question"),
    };

    /// <summary>True when <paramref name="key"/> is a patient question.</summary>
    public static bool IsKey(string? key) => key is not null && All.Contains(key);
}

/// <summary>What a patient influencer did over a window, as the patient questions read it.</summary>
public sealed record PatientActivity
{
    /// <summary>Followers of their accounts.</summary>
    public long Followers { get; init; }
    /// <summary>Likes, replies, reposts and quotes their posts received.</summary>
    public long EngagementReceived { get; init; }
    /// <summary>Distinct patients (advocates, caregivers) who replied to, quoted, reposted or mentioned them.</summary>
    public int PatientEngagers { get; init; }
    /// <summary>Distinct HCPs who did.</summary>
    public int HcpEngagers { get; init; }
    /// <summary>Everyone else who did.</summary>
    public int OtherEngagers { get; init; }
    /// <summary>Their own posts (not reposts).</summary>
    public int Posts { get; init; }
    /// <summary>Of those, the posts on the profile's conditions.</summary>
    public int ConditionPosts { get; init; }
    /// <summary>True when a bio of theirs talks about the profile's conditions.</summary>
    public bool BioOnCondition { get; init; }
    /// <summary>Weeks of the window with a post of theirs.</summary>
    public int ActiveWeeks { get; init; }
    /// <summary>Weeks in the window.</summary>
    public int WindowWeeks { get; init; }
    /// <summary>The coefficient of variation of their posts a week over the active weeks (0: as steady as can be).</summary>
    public double WeeklyVariation { get; init; }
    /// <summary>Their replies to patients.</summary>
    public int RepliesToPatients { get; init; }
    /// <summary>Their reposts and quotes of patients.</summary>
    public int RepostsOfPatients { get; init; }
    /// <summary>Their posts with a support hashtag.</summary>
    public int SupportHashtagPosts { get; init; }
    /// <summary>Links to reputable health sources.</summary>
    public int ReputableLinks { get; init; }
    /// <summary>Links to sources on the low-quality list.</summary>
    public int LowQualityLinks { get; init; }
}

/// <summary>The raw measure of each patient question (normalised among the population as the ten are).</summary>
public static class PatientSignalFormulas
{
    /// <summary>Untrusted engagers assumed, so two friends are not full trust.</summary>
    public const double TrustPrior = 10;
    /// <summary>How much more an HCP's engagement weighs than a patient's.</summary>
    public const double HcpWeight = 3;
    /// <summary>How much a low-quality link weighs against a reputable one.</summary>
    public const double LowQualityWeight = 3;

    /// <summary>The raw measure of <see cref="PatientQuestions.Reach"/> (<see cref="PatientQuestions.Measure"/>).</summary>
    public static double Reach(PatientActivity a) => Math.Log(1 + a.Followers) + Math.Log(1 + a.EngagementReceived);

    /// <summary>The raw measure of <see cref="PatientQuestions.Trust"/> (<see cref="PatientQuestions.Measure"/>).</summary>
    public static double Trust(PatientActivity a)
    {
        var trusted = a.PatientEngagers + HcpWeight * a.HcpEngagers;
        var share = trusted / (trusted + a.OtherEngagers + TrustPrior);
        return share * Math.Min(1, Math.Log(1 + trusted) / Math.Log(51));
    }

    /// <summary>The raw measure of <see cref="PatientQuestions.ConditionRelevance"/> (<see cref="PatientQuestions.Measure"/>).</summary>
    public static double ConditionRelevance(PatientActivity a) => (a.ConditionPosts + (a.BioOnCondition ? 5.0 : 0)) / (a.Posts + 5.0);

    /// <summary>The raw measure of <see cref="PatientQuestions.Consistency"/> (<see cref="PatientQuestions.Measure"/>).</summary>
    public static double Consistency(PatientActivity a) =>
        a.WindowWeeks == 0 ? 0 : (double)a.ActiveWeeks / a.WindowWeeks / (1 + a.WeeklyVariation / 2);

    /// <summary>The raw measure of <see cref="PatientQuestions.Support"/> (<see cref="PatientQuestions.Measure"/>).</summary>
    public static double Support(PatientActivity a) => (a.RepliesToPatients + a.RepostsOfPatients + a.SupportHashtagPosts) / (a.Posts + 5.0);

    /// <summary>The raw measure of <see cref="PatientQuestions.InformationQuality"/> (<see cref="PatientQuestions.Measure"/>).</summary>
    public static double InformationQuality(PatientActivity a) => (a.ReputableLinks + 1.0) / (a.ReputableLinks + LowQualityWeight * a.LowQualityLinks + 2.0);

    /// <summary>Every question's raw measure, in the order of <see cref="PatientQuestions.All"/>.</summary>
    public static double[] All(PatientActivity a) => [Reach(a), Trust(a), ConditionRelevance(a), Consistency(a), Support(a), InformationQuality(a)];
}
