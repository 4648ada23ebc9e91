using DolMapper.Scoring.Patients;

namespace DolMapper.Scoring.Tests.Patients;

public sealed class PatientFoundationsTests
{
    [Theory]
    [InlineData("Living with metastatic breast cancer since 2018. #bcsm #metsmonday", "breast_cancer", "oncology")]
    [InlineData("Stage IV NSCLC, EGFR+. Never smoked.", "lung_cancer", "oncology")]
    [InlineData("Diabetes tipo 1 desde los 12 años. #insulin4all", "type_1_diabetes", "diabetes")]
    [InlineData("Maman d'un enfant atteint de mucoviscidose.", "cystic_fibrosis", "respiratory")]
    [InlineData("Leben mit Migräne und Multipler Sklerose", "migraine", "neurology")]
    [InlineData("Spoonie. Lupus warrior. #LupusWarrior", "lupus", "rheumatology")]
    [InlineData("Carer for my wife with Alzheimer's.", "dementia", "neurology")]
    [InlineData("Part of the #DOC since 2010", "diabetes", "diabetes")]
    public void Conditions_are_found_in_every_language_as_words_or_hashtags(string text, string condition, string area)
    {
        var found = ConditionLexicon.Find(text);
        Assert.Contains(found, c => c.Key == condition && c.Area == area);
        Assert.True(ConditionLexicon.TalksAbout(text, area));
    }

    [Theory]
    [InlineData("Went to the doc today, all fine.")]
    [InlineData("Dancer. Cancerian. Loves the sea.")]
    [InlineData("My dog eds is the best")]
    [InlineData("")]
    public void Words_that_only_look_like_a_condition_are_not_one(string text) => Assert.Empty(ConditionLexicon.Find(text));

    [Fact]
    public void A_condition_is_worded_as_talked_about_never_as_had()
    {
        var condition = ConditionLexicon.Find("Breast cancer survivor").First();
        Assert.Equal("talks about breast cancer", ConditionLexicon.Wording(condition));
        Assert.All(ConditionLexicon.All, c => Assert.StartsWith("talks about ", ConditionLexicon.Wording(c)));
    }

    [Theory]
    [InlineData("https://www.cdc.gov/diabetes/basics", HealthSources.Reputable)]
    [InlineData("https://en.who.int/news", HealthSources.Reputable)]
    [InlineData("https://www.nhs.uk/conditions/asthma/", HealthSources.Reputable)]
    [InlineData("https://pubmed.ncbi.nlm.nih.gov/12345678/", HealthSources.Reputable)]
    [InlineData("https://www.naturalnews.com/2026-01-01-miracle-cure.html", HealthSources.LowQuality)]
    [InlineData("https://articles.mercola.com/sites/articles/archive/x.aspx", HealthSources.LowQuality)]
    [InlineData("https://myblog.example.com/my-story", HealthSources.Other)]
    [InlineData("not a link", HealthSources.Other)]
    public void Links_are_reputable_low_quality_or_other(string url, string kind) => Assert.Equal(kind, HealthSources.Classify(url));

    [Fact]
    public void The_lists_do_not_overlap_and_are_not_empty()
    {
        Assert.True(HealthSources.ReputableList.Count >= 30);
        Assert.True(HealthSources.LowQualityList.Count >= 10);
        Assert.Empty(HealthSources.ReputableList.Intersect(HealthSources.LowQualityList));
    }

    private static readonly PatientActivity Typical = new()
    {
        Followers = 5_000, EngagementReceived = 2_000, PatientEngagers = 40, HcpEngagers = 10, OtherEngagers = 30, Posts = 200, ConditionPosts = 120,
        BioOnCondition = true, ActiveWeeks = 45, WindowWeeks = 52, WeeklyVariation = 0.5, RepliesToPatients = 60, RepostsOfPatients = 20, SupportHashtagPosts = 30,
        ReputableLinks = 15, LowQualityLinks = 0,
    };

    [Fact]
    public void Trust_comes_from_patients_and_above_all_HCPs_not_from_the_size_of_the_crowd()
    {
        // A loud account: ten times the audience, engaged by the public.
        var loud = Typical with { Followers = 500_000, EngagementReceived = 200_000, PatientEngagers = 5, HcpEngagers = 0, OtherEngagers = 2_000 };
        Assert.True(PatientSignalFormulas.Reach(loud) > PatientSignalFormulas.Reach(Typical));
        Assert.True(PatientSignalFormulas.Trust(loud) < PatientSignalFormulas.Trust(Typical) / 5);
        // An HCP's engagement weighs more than a patient's.
        Assert.True(PatientSignalFormulas.Trust(Typical with { HcpEngagers = 20, PatientEngagers = 30 }) > PatientSignalFormulas.Trust(Typical));
        // Two friends are not full trust.
        Assert.True(PatientSignalFormulas.Trust(Typical with { PatientEngagers = 2, HcpEngagers = 0, OtherEngagers = 0 }) < 0.2);
    }

    [Fact]
    public void Low_quality_sources_weigh_three_times_and_no_links_is_neutral()
    {
        Assert.Equal(0.5, PatientSignalFormulas.InformationQuality(Typical with { ReputableLinks = 0, LowQualityLinks = 0 }), 6);
        var spreader = Typical with { ReputableLinks = 5, LowQualityLinks = 5 };
        Assert.True(PatientSignalFormulas.InformationQuality(spreader) < 0.3);
        Assert.True(PatientSignalFormulas.InformationQuality(Typical) > 0.9);
    }

    [Fact]
    public void Relevance_consistency_and_support_read_shares_with_priors()
    {
        Assert.Equal(125.0 / 205, PatientSignalFormulas.ConditionRelevance(Typical), 6);
        Assert.Equal(5.0 / 6, PatientSignalFormulas.ConditionRelevance(new PatientActivity { Posts = 1, ConditionPosts = 0, BioOnCondition = true }), 6);
        Assert.True(PatientSignalFormulas.Consistency(Typical with { WeeklyVariation = 3 }) < PatientSignalFormulas.Consistency(Typical));
        Assert.Equal(0, PatientSignalFormulas.Consistency(new PatientActivity()));
        Assert.Equal(110.0 / 205, PatientSignalFormulas.Support(Typical), 6);
        Assert.Equal(PatientQuestions.All.Count, PatientSignalFormulas.All(Typical).Length);
        Assert.All(PatientQuestions.All, k => Assert.NotEmpty(PatientQuestions.Question(k) + PatientQuestions.Measure(k)));
        Assert.Empty(PatientQuestions.All.Intersect(Questions.All));
    }
}
