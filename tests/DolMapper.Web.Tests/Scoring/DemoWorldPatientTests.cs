using DolMapper.Scoring.Hcp;
using DolMapper.Web.Demo;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>
/// The example patient profile on the demo world (docs/patients.md, docs/demo-world.md "Planted
/// patient influencers"): the planted trusted influencers fill its top, the misinformation spreader
/// and the loud voices stay out of it, and the two kinds of ranking never share a person.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DemoWorldPatientTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static async Task<long> RunOf(string connection, string profile) => (long)(await Sql.ScalarAsync(connection, $"""
        SELECT r.id FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
        WHERE p.name = '{profile}' AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1
        """))!;

    [Fact]
    public async Task Trusted_patient_influencers_fill_the_top_and_the_spreader_stays_out_of_the_top_20()
    {
        var scored = await ScoredDemoWorld.GetAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        var run = await RunOf(connection, ExampleProfiles.BreastCancerPatientVoices.Name);
        var ranked = await Sql.ColumnAsync(connection, $"SELECT n.public_id FROM patient_scores s JOIN persons n ON n.id = s.person_id WHERE s.run_id = {run} ORDER BY s.rank");
        var planted = scored.Truth.Where(t => t.PlantedPatient is not null).ToDictionary(t => t.PersonId, t => t.PlantedPatient!);
        string? Kind(string publicId) => planted.GetValueOrDefault(scored.TruthByAccount.GetValueOrDefault(publicId, publicId));
        for (var i = 0; i < Math.Min(25, ranked.Count); i++)
        {
            output.WriteLine($"#{i + 1} {ranked[i]} {Kind(ranked[i]) ?? "-"}");
        }
        var precision = ranked.Take(10).Count(id => Kind(id) is { } k && PlantedPatients.TrustedKinds.Contains(k)) / 10.0;
        var spreader = ranked.FindIndex(id => Kind(id) == PlantedPatients.Spreader) + 1;
        var loud = ranked.Select((id, i) => (Kind(id), i + 1)).Where(x => x.Item1 == PlantedPatients.Loud).Select(x => x.Item2).ToList();
        output.WriteLine($"{ranked.Count} ranked; precision@10 {precision:F2}; spreader at #{spreader}; loud voices at {string.Join(", ", loud.Select(r => "#" + r))}");
        Assert.Equal(PlantedPatients.TrustedCount + 1 + PlantedPatients.LoudCount + 1, planted.Count);
        Assert.True(precision >= 0.8, $"precision@10 {precision:F2}");
        Assert.True(spreader > 20, $"the misinformation spreader is ranked #{spreader}");
        Assert.All(loud, r => Assert.True(r > 10, $"a loud voice with little trust is ranked #{r}"));
    }

    [Fact]
    public async Task No_HCP_is_in_a_patient_ranking_and_no_patient_in_an_HCP_ranking()
    {
        var scored = await ScoredDemoWorld.GetAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        var run = await RunOf(connection, ExampleProfiles.BreastCancerPatientVoices.Name);
        var hcpLabels = string.Join(", ", HcpLabels.Hcp.Select(l => $"'{l}'"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM patient_scores s JOIN persons n ON n.id = s.person_id WHERE s.run_id = {run} AND n.profession IN ({hcpLabels})"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores s JOIN persons n ON n.id = s.person_id WHERE n.profession = '{HcpLabels.PatientAdvocate}'"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM patient_scores p JOIN person_scores s ON s.person_id = p.person_id"));

        // Against the world's truth: who the patient ranking holds, and who the HCP rankings hold.
        var ranked = await Sql.ColumnAsync(connection, $"SELECT n.public_id FROM patient_scores s JOIN persons n ON n.id = s.person_id WHERE s.run_id = {run}");
        var truth = scored.Truth.ToDictionary(t => t.PersonId);
        var professions = ranked.Select(id => truth[scored.TruthByAccount.GetValueOrDefault(id, id)].Profession).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine("patient ranking by true profession: " + string.Join(", ", professions.Select(p => $"{p.Key} {p.Value}")));
        var hcps = professions.Where(p => HcpLabels.IsHcp(p.Key)).Sum(p => p.Value);
        foreach (var id in ranked.Where(id => HcpLabels.IsHcp(truth[scored.TruthByAccount.GetValueOrDefault(id, id)].Profession)))
        {
            output.WriteLine(string.Join(" | ", await Sql.ColumnAsync(connection, $"""
                SELECT n.public_id || ' conf ' || coalesce(n.hcp_confidence, 0) || ' ' || coalesce(n.classification_evidence::text, '') || ' bios: ' || coalesce((SELECT string_agg(coalesce(a.bio, '∅') || ' / ' || coalesce(a.name, ''), ' || ') FROM accounts a WHERE a.person_id = n.id), '')
                FROM persons n WHERE n.public_id = '{id}'
                """)));
        }
        Assert.True(hcps == 0, $"{hcps} true HCPs in the patient ranking");
        var patientsInHcpRankings = scored.TakenForHcps.Count(id => truth.TryGetValue(scored.TruthByAccount.GetValueOrDefault(id, id), out var t) && t.Profession == HcpLabels.PatientAdvocate);
        output.WriteLine($"true patients taken for HCPs by some HCP ranking: {patientsInHcpRankings}");
    }

    [Fact]
    public async Task Patient_influencers_get_engagement_suggestions_with_patient_roles()
    {
        var scored = await ScoredDemoWorld.GetAsync(postgres);
        var connection = scored.Scoring.ConnectionString;
        var run = await RunOf(connection, ExampleProfiles.BreastCancerPatientVoices.Name);
        var report = await scored.Scoring.InScopeAsync(sp => sp.GetRequiredService<EngagementSuggestions>().ComputeAsync(run, CancellationToken.None));
        output.WriteLine(report.Message);
        var top = await Sql.ColumnAsync(connection, $"""
            SELECT array_to_string(e.collaborations, ',') FROM patient_scores s JOIN person_engagement e ON e.run_id = s.run_id AND e.person_id = s.person_id
            WHERE s.run_id = {run} AND s.rank <= 10 ORDER BY s.rank
            """);
        Assert.Equal(10, top.Count);
        output.WriteLine(string.Join(" | ", top));
        Assert.True(top.Count(c => c.Contains(DolMapper.Scoring.Engagement.Collaborations.PatientAdvisory, StringComparison.Ordinal)) >= 8, string.Join(" | ", top));
        Assert.DoesNotContain(top, c => c.Contains(DolMapper.Scoring.Engagement.Collaborations.AdvisoryBoard, StringComparison.Ordinal));
    }
}
