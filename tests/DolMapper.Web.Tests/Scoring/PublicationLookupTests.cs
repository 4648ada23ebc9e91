using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Sources;
using DolMapper.Web.Ingestion.Sources.PubMed;
using DolMapper.Web.Tests.Ingestion.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>Q8's publications: looked up with the PubMed client against a local fake E-utilities server, matched at scoring time.</summary>
public sealed class PublicationLookupTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private WebApplication _server = null!;
    private readonly ConcurrentQueue<string> _terms = new();

    public async Task InitializeAsync()
    {
        _server = LocalServer.Create();
        _server.MapGet("/eutils/esearch.fcgi", (HttpContext context) =>
        {
            _terms.Enqueue(context.Request.Query["term"].ToString());
            return context.Response.WriteAsync(PubMedPayloads.Search);
        });
        _server.MapGet("/eutils/esummary.fcgi", context => context.Response.WriteAsync(PubMedPayloads.Summary));
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Publications_count_for_the_oncologist_whose_specialty_the_titles_name_and_never_on_a_bare_name()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>
        {
            """{"type":"account","platform":"x","id":"1","handle":"janedoe_onc","name":"Dr. Jane Doe, MD","bio":"Breast medical oncologist. Clinical trials."}""",
            """{"type":"account","platform":"x","id":"2","handle":"johndoe_psych","name":"Dr. John Doe, MD","bio":"Consultant psychiatrist. Views my own."}""",
        };
        for (var i = 0; i < 10; i++)
        {
            foreach (var account in new[] { "1", "2" })
            {
                lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{account}-{i}", account_id = account,
                    created_at = new DateTime(2026, 10, 1 + i, 9, 0, 0, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture), text = $"Update {i} #medtwitter", hashtags = new[] { "medtwitter" } }));
            }
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.Get<DolMapper.Web.Scoring.HcpClassificationService>().ClassifyAsync(CancellationToken.None);

        var options = new SourcesOptions();
        options.PubMed.BaseUrl = _server.Urls.Single() + "/eutils";
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var lookup = new PublicationLookup(new PubMedClient(new HttpClient()), dataSource,
            new CrossProcessLock(db.ConnectionString, NullLogger<CrossProcessLock>.Instance), Microsoft.Extensions.Options.Options.Create(options), NullLogger<PublicationLookup>.Instance);
        var report = await lookup.RunAsync(null, "test", CancellationToken.None);
        Assert.NotNull(report);
        Assert.Equal(2L, await db.CountAsync("SELECT count(*) FROM publications"));
        Assert.Equal(2L, await db.CountAsync("SELECT count(*) FROM persons WHERE publications_checked_at IS NOT NULL"));
        Assert.Equal(1L, await db.CountAsync("SELECT count(*) FROM ingestion_runs WHERE status = 'complete' AND query LIKE 'author lookup%'"));
        Assert.Contains(_terms, t => t.Contains("\"Doe J\"[Author]", StringComparison.Ordinal) && t.Contains("cancer*[Title]", StringComparison.Ordinal));
        Assert.Contains(_terms, t => t.Contains("\"Doe J\"[Author]", StringComparison.Ordinal) && t.Contains("psychiat*[Title]", StringComparison.Ordinal));

        // Checked persons wait for the interval before the next lookup.
        Assert.Null(await lookup.RunAsync(null, "test", CancellationToken.None));

        // Over everything: the publications are matched by specialty, whatever the profile's topic.
        var profile = new ProfileDefinition { Name = "Science", Hashtags = ["medtwitter"], Scope = ProfileDefinition.AllScope, Weights = new Dictionary<string, double> { ["science"] = 1 } };
        await scoring.SaveProfileAsync(profile);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);
        async Task<int> PublicationsOf(string person) => int.Parse((string)(await db.ScalarAsync(
            $"SELECT s.evidence -> 'science' ->> 'publications' FROM person_score_evidence s JOIN persons p ON p.id = s.person_id WHERE p.public_id = '{person}' AND s.run_id = {run.RunId}"))!, CultureInfo.InvariantCulture);
        Assert.Equal(2, await PublicationsOf("x:1"));
        Assert.Equal(0, await PublicationsOf("x:2"));
    }

    [Theory]
    [InlineData("Dr. Jane A. Doe, MD", "Doe J", "Doe JA")]
    [InlineData("Prof. Dr. med. Thomas Keller", "Keller T", null)]
    [InlineData("Jane", null, null)]
    public void Author_forms_come_from_the_display_name(string name, string? first, string? second)
    {
        var term = PublicationLookup.Term(name, null, 2021);
        if (first is null)
        {
            Assert.Null(term);
            return;
        }
        Assert.Contains($"\"{first}\"[Author]", term);
        if (second is not null)
        {
            Assert.Contains($"\"{second}\"[Author]", term);
        }
        Assert.Contains("\"2021\"[PDAT]", term);
    }
}
