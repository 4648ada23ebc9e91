using DolMapper.Scoring.Engagement;
using DolMapper.Scoring.Patients;

namespace DolMapper.Scoring.Tests.Patients;

/// <summary>Patient influencer profiles (docs/patients.md): the JSON, validation, scoring and the collaborations suggested.</summary>
public sealed class PatientProfileTests
{
    private const string Json = """
        {"name":"Breast cancer - patient voices","kind":"patient","conditions":["breast_cancer","rheumatology"],"hashtags":["#BCSM"],
         "window_days":180,"visible_to_brand_managers":true,
         "weights":{"reach":0.5,"trust":1,"condition_relevance":0.75,"consistency":0.5,"support":0.5,"information_quality":1}}
        """;

    [Fact]
    public void A_patient_profile_reads_validates_and_round_trips_with_its_own_questions()
    {
        var profile = Assert.Single(ProfileDefinition.ParseMany(Json, out var problems));
        Assert.Empty(problems);
        Assert.True(profile.IsPatient);
        Assert.True(profile.VisibleToBrandManagers);
        Assert.Equal(PatientQuestions.All, profile.QuestionKeys);
        Assert.Equal([0.5, 1, 0.75, 0.5, 0.5, 1], profile.OrderedWeights());
        // An area names every condition of it; a condition names itself.
        Assert.Contains(profile.ConditionsLookedFor, c => c.Key == "breast_cancer");
        Assert.Contains(profile.ConditionsLookedFor, c => c.Key == "lupus");
        Assert.DoesNotContain(profile.ConditionsLookedFor, c => c.Key == "lung_cancer");

        var json = profile.ToJson();
        Assert.Contains("\"kind\": \"patient\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("peer_trust", json, StringComparison.Ordinal);
        Assert.DoesNotContain("min_hcp_confidence", json, StringComparison.Ordinal);
        var again = Assert.Single(ProfileDefinition.ParseMany(json, out var none));
        Assert.Empty(none);
        Assert.True(profile.SameAs(again));
        Assert.False(profile.SameAs(again with { VisibleToBrandManagers = false }));
        Assert.Contains(again.ChangesFrom(profile with { Weights = new Dictionary<string, double> { ["trust"] = 1 } }), c => c.Field == "weights.reach" && c.After == "0.5");
    }

    [Fact]
    public void An_HCP_profile_says_its_kind_and_refuses_patient_settings()
    {
        var hcp = new ProfileDefinition { Name = "x", Hashtags = ["t"], Weights = new Dictionary<string, double> { ["relevance"] = 1 } };
        Assert.Empty(hcp.Validate());
        Assert.Contains("\"kind\": \"hcp\"", hcp.ToJson(), StringComparison.Ordinal);
        Assert.Contains((hcp with { Conditions = ["lupus"] }).Validate(), p => p.Contains("conditions apply to patient profiles only", StringComparison.Ordinal));
        Assert.Contains((hcp with { VisibleToBrandManagers = true }).Validate(), p => p.Contains("visible_to_brand_managers", StringComparison.Ordinal));
        Assert.Contains((hcp with { Kind = "nurse" }).Validate(), p => p.Contains("kind is 'nurse'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_patient_profile_refuses_HCP_questions_unknown_conditions_and_a_scope()
    {
        var patient = Assert.Single(ProfileDefinition.ParseMany(Json, out _));
        Assert.Contains((patient with { Weights = new Dictionary<string, double> { ["peer_trust"] = 1 } }).Validate(), p => p.Contains("'peer_trust' is not a patient question key", StringComparison.Ordinal));
        Assert.Contains((patient with { Weights = new Dictionary<string, double> { ["trust"] = 0 } }).Validate(), p => p.Contains("All weights are zero", StringComparison.Ordinal));
        Assert.Contains((patient with { Conditions = ["flu"] }).Validate(), p => p.Contains("'flu' is neither a condition", StringComparison.Ordinal));
        Assert.Contains((patient with { Scope = "topic" }).Validate(), p => p.Contains("scope applies to HCP profiles only", StringComparison.Ordinal));
        Assert.Contains((patient with { Conditions = [], Hashtags = [] }).Validate(), p => p.Contains("condition_relevance has a weight but nothing to look for", StringComparison.Ordinal));
    }

    private static PatientActivity Activity(int hcps, int others, int reputable, int lowQuality, long followers) => new()
    {
        Followers = followers, EngagementReceived = followers / 10, PatientEngagers = 5, HcpEngagers = hcps, OtherEngagers = others,
        Posts = 50, ConditionPosts = 30, BioOnCondition = true, ActiveWeeks = 40, WindowWeeks = 52, WeeklyVariation = 0.5,
        RepliesToPatients = 10, RepostsOfPatients = 5, SupportHashtagPosts = 20, ReputableLinks = reputable, LowQualityLinks = lowQuality,
    };

    [Fact]
    public void Trust_and_sound_sources_outrank_a_bigger_audience_under_the_example_weights()
    {
        var trusted = Activity(hcps: 30, others: 10, reputable: 12, lowQuality: 0, followers: 8_000);
        var spreader = Activity(hcps: 0, others: 200, reputable: 0, lowQuality: 40, followers: 300_000);
        var plain = Activity(hcps: 2, others: 20, reputable: 0, lowQuality: 0, followers: 500);
        var scores = PatientScoring.Compute([trusted, spreader, plain], [0.5, 1, 0.75, 0.5, 0.5, 1]);
        Assert.Equal([1, 3, 2], scores.Ranks);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(scores.Scores[i], scores.Contributions[i].Sum(), 9);
            Assert.InRange(scores.Scores[i], 0, 100);
        }
        Assert.Equal(1.0, scores.Signals[PatientQuestions.All.ToList().IndexOf(PatientQuestions.Reach)][1]);
        // A negative weight on reach turns it round: the smallest audience gets the most points from it.
        var humble = PatientScoring.Compute([trusted, spreader, plain], [-1, 0, 0, 0, 0, 0]);
        Assert.Equal(1, humble.Ranks[2]);
        Assert.Throws<ArgumentException>(() => PatientScoring.Compute([trusted], [0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public void The_reasons_say_what_was_found_in_words()
    {
        var a = Activity(hcps: 3, others: 4, reputable: 2, lowQuality: 1, followers: 1_234);
        Assert.Equal("3 HCPs and 5 other patients and caregivers replied to, quoted, reposted or mentioned them, of 12 people who did.", PatientScoring.Explain(PatientQuestions.Trust, a));
        Assert.Equal("2 links to reputable health sources and 1 link to sources on the low-quality list.", PatientScoring.Explain(PatientQuestions.InformationQuality, a));
        Assert.StartsWith("1,234 followers", PatientScoring.Explain(PatientQuestions.Reach, a), StringComparison.Ordinal);
        Assert.All(PatientQuestions.All, k => Assert.False(string.IsNullOrWhiteSpace(PatientScoring.Explain(k, a))));
    }

    [Fact]
    public void Patient_influencers_are_suggested_patient_roles_never_an_HCP_advisory_board()
    {
        var high = PatientQuestions.All.ToDictionary(k => k, _ => 0.95);
        var inputs = new EngagementInputs(new Dictionary<string, (int, long)> { ["x"] = (10, 100) }, new int[168], new Dictionary<string, (int, long)>(), "GB", high);
        inputs.HourOfWeekUtc[9] = 10;
        var advice = EngagementAdvisor.Advise(inputs, new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc))!;
        Assert.Equal([Collaborations.PatientAdvisory, Collaborations.CoDesign, Collaborations.ContentCoCreation], advice.Collaborations);
        // Sources that do not hold up: no advisory role, no content to co-create.
        var doubtful = new Dictionary<string, double>(high) { [PatientQuestions.InformationQuality] = 0.1 };
        var careful = EngagementAdvisor.Advise(inputs with { Signals = doubtful }, new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc))!;
        Assert.Equal([Collaborations.CoDesign], careful.Collaborations);
    }
}
