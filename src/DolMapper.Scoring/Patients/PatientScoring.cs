using System.Globalization;

namespace DolMapper.Scoring.Patients;

/// <summary>A patient profile's run, computed: per person (in the order given) the score, rank, tier, the six signals, raw measures and contributions.</summary>
public sealed record PatientScores(double[] Scores, int[] Ranks, string[] Tiers, double[][] Signals, double[][] Raw, double[][] Contributions);

/// <summary>
/// Scores patient influencers as the ten questions score HCPs (docs/patients.md): each question's raw
/// measure (<see cref="PatientSignalFormulas"/>) becomes its percentile rank among the population
/// (<see cref="PercentileRank"/>), and the score is 100 · Σ|wᵢ|·s′ᵢ / Σ|wᵢ| with s′ = 1 − s for a
/// negative weight; contributions are in score points and add up to the score.
/// </summary>
public static class PatientScoring
{
    /// <summary>Scores <paramref name="activities"/> with <paramref name="weights"/> (in <see cref="PatientQuestions.All"/> order, not all zero).</summary>
    public static PatientScores Compute(IReadOnlyList<PatientActivity> activities, IReadOnlyList<double> weights)
    {
        var q = PatientQuestions.All.Count;
        if (weights.Count != q)
        {
            throw new ArgumentException($"Expected {q} weights, got {weights.Count}.", nameof(weights));
        }
        var total = weights.Sum(Math.Abs);
        if (total == 0)
        {
            throw new ArgumentException("All weights are zero: give at least one question a weight.", nameof(weights));
        }
        var n = activities.Count;
        var raw = new double[q][];
        var signals = new double[q][];
        for (var k = 0; k < q; k++)
        {
            raw[k] = new double[n];
            signals[k] = new double[n];
        }
        for (var i = 0; i < n; i++)
        {
            var measures = PatientSignalFormulas.All(activities[i]);
            for (var k = 0; k < q; k++)
            {
                raw[k][i] = measures[k];
            }
        }
        for (var k = 0; k < q; k++)
        {
            PercentileRank.Normalise(raw[k], signals[k]);
        }
        var scores = new double[n];
        var contributions = new double[n][];
        for (var i = 0; i < n; i++)
        {
            contributions[i] = new double[q];
            for (var k = 0; k < q; k++)
            {
                var s = signals[k][i];
                var oriented = weights[k] < 0 ? 1 - s : s;
                contributions[i][k] = 100 * Math.Abs(weights[k]) * oriented / total;
                scores[i] += contributions[i][k];
            }
            scores[i] = Math.Clamp(scores[i], 0, 100);
        }
        // Ranks by score, ties in the order given (the caller orders persons by id), 1-based.
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var ranks = new int[n];
        var tiers = new string[n];
        for (var r = 0; r < n; r++)
        {
            ranks[order[r]] = r + 1;
            tiers[order[r]] = Scoring.Tiers.For(r + 1, n);
        }
        return new PatientScores(scores, ranks, tiers, signals, raw, contributions);
    }

    /// <summary>What a person's figures on question <paramref name="key"/> were, in words (the profile page's "why").</summary>
    public static string Explain(string key, PatientActivity a)
    {
        static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        static string Plural(double v, string one, string many) => $"{N(v)} {(v == 1 ? one : many)}";
        return key switch
        {
            PatientQuestions.Reach => $"{Plural(a.Followers, "follower", "followers")}; their posts drew {Plural(a.EngagementReceived, "like, reply or repost", "likes, replies and reposts")} in the window.",
            PatientQuestions.Trust => a.PatientEngagers + a.HcpEngagers + a.OtherEngagers == 0
                ? "Nobody replied to, quoted, reposted or mentioned them in the window."
                : $"{Plural(a.HcpEngagers, "HCP", "HCPs")} and {Plural(a.PatientEngagers, "other patient or caregiver", "other patients and caregivers")} replied to, quoted, reposted or mentioned them, of {Plural(a.PatientEngagers + a.HcpEngagers + a.OtherEngagers, "person", "people")} who did.",
            PatientQuestions.ConditionRelevance => $"{N(a.ConditionPosts)} of their {Plural(a.Posts, "post", "posts")} are on the profile's conditions{(a.BioOnCondition ? ", and their bio talks about them" : "; their bio does not mention them")}.",
            PatientQuestions.Consistency => a.WindowWeeks == 0 ? "No weeks in the window." : $"They posted in {N(a.ActiveWeeks)} of the window's {N(a.WindowWeeks)} weeks{(a.WeeklyVariation > 1.5 ? ", in bursts" : a.ActiveWeeks > 0 ? ", steadily" : "")}.",
            PatientQuestions.Support => $"{Plural(a.RepliesToPatients, "reply", "replies")} to other patients, {Plural(a.RepostsOfPatients, "repost or quote", "reposts and quotes")} of them, and {Plural(a.SupportHashtagPosts, "post", "posts")} with a support or community hashtag.",
            PatientQuestions.InformationQuality => a.ReputableLinks + a.LowQualityLinks == 0
                ? "They linked no health source on either list (neutral)."
                : $"{Plural(a.ReputableLinks, "link", "links")} to reputable health sources and {Plural(a.LowQualityLinks, "link", "links")} to sources on the low-quality list.",
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a patient question"),
        };
    }
}
