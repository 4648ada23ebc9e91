using System.Net;
using DolMapper.Scoring.Personas;
using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>Personas (docs/personas.md): trained after a run, named, described, stable across runs, shown on their page.</summary>
[Trait("Category", "Slow")]
public sealed class PersonaTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static async Task<long> LatestRunAsync(string connection, string profilePrefix) =>
        (long)(await Sql.ScalarAsync(connection, $"SELECT max(r.id) FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id WHERE p.name LIKE '{profilePrefix}%' AND r.status = 'complete'"))!;

    [Fact]
    public async Task Every_scored_person_gets_a_named_described_persona_and_the_planted_archetypes_show_through()
    {
        var world = await ScoredDemoWorld.GetAsync(postgres);
        var connection = world.Scoring.ConnectionString;
        var run = await LatestRunAsync(connection, "Oncology");
        await using var source = NpgsqlDataSource.Create(connection);
        var report = await new PersonaTraining(source, NullLogger<PersonaTraining>.Instance).TrainAsync(run, CancellationToken.None);
        output.WriteLine(report.Message);
        Assert.True(report.Trained, report.Message);
        Assert.InRange(report.K, PersonaClustering.MinK, PersonaClustering.MaxK);
        Assert.Equal(report.K, report.Names!.Distinct().Count());
        Assert.All(report.Names!, n => Assert.True(PersonaNaming.NameOf.Values.Contains(n) || n.StartsWith("Quiet Clinician", StringComparison.Ordinal) || n.StartsWith("Generalist", StringComparison.Ordinal), n));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores s WHERE s.run_id = {run} AND NOT EXISTS (SELECT 1 FROM persona_assignments pm WHERE pm.run_id = s.run_id AND pm.person_id = s.person_id)"));
        Assert.Equal(await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores WHERE run_id = {run}"),
            await Sql.CountAsync(connection, $"SELECT sum(member_count) FROM personas WHERE model_id = {report.ModelId}"));
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM personas WHERE model_id = {report.ModelId} AND (description NOT LIKE 'Think: %Feel: %Do: %' OR traits -> 'think' -> 'hashtags' IS NULL)"));
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM trained_models m JOIN scoring_runs r ON r.profile_id = m.profile_id AND r.id = " + run + " WHERE m.kind = 'personas' AND m.is_active"));
        // Locality comes from the run's evidence: whom each person engages, by country, counted while scoring.
        Assert.True(await Sql.CountAsync(connection, $"SELECT count(*) FROM person_score_evidence WHERE run_id = {run} AND (evidence -> 'geography' ->> 'engaged_own_country')::int > 0") > 0);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_score_evidence WHERE run_id = {run} AND (evidence -> 'geography' ->> 'engaged_own_country')::int > (evidence -> 'geography' ->> 'engaged_with_country')::int"));

        // Against the generator's archetypes (the adjusted Rand index is reported in docs/personas.md).
        var keys = (await Sql.ColumnAsync(connection, $"SELECT p.public_id || '|' || s.persona_id FROM persona_assignments s JOIN persons p ON p.id = s.person_id WHERE s.run_id = {run}"))
            .Select(r => r.Split('|')).ToDictionary(r => r[0], r => int.Parse(r[1]));
        var planted = world.Truth.Where(t => t.Archetype is not null && keys.ContainsKey(t.PersonId)).ToList();
        var archetypes = planted.Select(t => t.Archetype!).Distinct().Order().ToList();
        var ari = PersonaClustering.AdjustedRandIndex(planted.Select(t => archetypes.IndexOf(t.Archetype!)).ToList(), planted.Select(t => keys[t.PersonId]).ToList());
        output.WriteLine($"adjusted Rand index against the planted archetypes: {ari:0.000} over {planted.Count} persons");
        Assert.True(ari > 0.2, $"ARI {ari:0.000}: the personas should reflect the planted archetypes far better than chance (0)");

        // The page: every persona with its size, think/feel/do, a radar, and a link to its members' ranking.
        await using var app = await TestApp.StartAsync(connection);
        var brand = await app.SignInAsync(Roles.BrandManager);
        var profile = Uri.EscapeDataString(DolMapper.Web.Scoring.ExampleProfiles.OncologyScientificExchange.Name);
        var page = WebUtility.HtmlDecode(await brand.GetStringAsync($"/Personas?profile={profile}"));
        foreach (var name in report.Names!)
        {
            Assert.Contains(name, page);
        }
        Assert.Equal(report.K, System.Text.RegularExpressions.Regex.Matches(page, "data-testid=\"persona\"").Count);
        var biggest = (int)(await Sql.ScalarAsync(connection, $"SELECT id FROM personas WHERE model_id = {report.ModelId} ORDER BY member_count DESC LIMIT 1"))!;
        var members = WebUtility.HtmlDecode(await brand.GetStringAsync($"/Rankings?profile={profile}&persona={biggest}"));
        var expected = await Sql.CountAsync(connection, $"SELECT count(*) FROM persona_assignments WHERE run_id = {run} AND persona_id = {biggest}");
        Assert.Contains($"{expected:N0} persons", members);
    }

    [Fact]
    public async Task Persona_names_stay_with_their_people_when_the_data_changes_a_little()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var scoring = await ScoringServices.CreateAsync(connection);
        Assert.True((await scoring.SeedDemoWorldAsync(new DemoWorldOptions { Persons = 800, Posts = 60_000, Seed = 9 })).Clean);
        await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().SaveAsync(DolMapper.Web.Scoring.ExampleProfiles.OncologyScientificExchange, "test", CancellationToken.None));
        var training = new PersonaTraining(scoring.Get<NpgsqlDataSource>(), NullLogger<PersonaTraining>.Instance);

        var first = Assert.Single(await scoring.ScoreAsync());
        var before = await training.TrainAsync(first.RunId!.Value, CancellationToken.None);
        Assert.True(before.Trained, before.Message);
        // A little changes: 3% of posts are deleted at the source.
        await Sql.ExecuteAsync(connection, "UPDATE posts SET deleted_at = now() WHERE id % 33 = 0");
        var second = Assert.Single(await scoring.ScoreAsync());
        var after = await training.TrainAsync(second.RunId!.Value, CancellationToken.None);
        Assert.True(after.Trained, after.Message);
        output.WriteLine(before.Message);
        output.WriteLine(after.Message);

        // The same kinds of people keep their names: most persons keep the persona name they had.
        var names = await Sql.ColumnAsync(connection, $"""
            SELECT a.name || '|' || b.name FROM persona_assignments x JOIN personas a ON a.id = x.persona_id
            JOIN persona_assignments y ON y.person_id = x.person_id AND y.run_id = {second.RunId} JOIN personas b ON b.id = y.persona_id
            WHERE x.run_id = {first.RunId}
            """);
        var kept = names.Count(n => n.Split('|')[0] == n.Split('|')[1]) / (double)names.Count;
        output.WriteLine($"{kept:P1} of {names.Count} persons keep their persona's name");
        Assert.True(kept >= 0.8, $"{kept:P1} kept their persona's name");
        var shared = before.Names!.Intersect(after.Names!).Count();
        Assert.True(shared >= Math.Min(before.K, after.K) - 1, $"names before: {string.Join(", ", before.Names!)}; after: {string.Join(", ", after.Names!)}");
    }

    [Fact]
    public async Task Too_few_scored_persons_give_a_clear_message_and_keep_no_model()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(DolMapper.Web.Tests.Features.AdminWorld.Lines().Take(200))).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(DolMapper.Web.Tests.Features.AdminWorld.Awareness);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete);
        var report = await new PersonaTraining(scoring.Get<NpgsqlDataSource>(), NullLogger<PersonaTraining>.Instance).TrainAsync(run.RunId!.Value, CancellationToken.None);
        Assert.False(report.Trained);
        Assert.Contains("personas need at least 24", report.Message);
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM trained_models WHERE kind = 'personas'"));
    }
}
