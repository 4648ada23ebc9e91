using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DolMapper.Web.Tests.Ingestion.Sources;

public class PubMedIngestionTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private WebApplication _server = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _server = LocalServer.Create();
        _server.MapGet("/eutils/esearch.fcgi", context => context.Response.WriteAsync(PubMedPayloads.Search));
        _server.MapGet("/eutils/esummary.fcgi", context => context.Response.WriteAsync(PubMedPayloads.Summary));
        await _server.StartAsync();
        _baseUrl = _server.Urls.Single() + "/eutils";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_ingest_verb_stores_publications_and_a_second_pass_stores_nothing_twice()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        string[] args = ["ingest", "pubmed", "--base-url", _baseUrl, "--query", "Doe J[Author]", $"--ConnectionStrings:DolMapper={connection}"];

        await using (var first = await CliProcess.RunAsync(args))
        {
            Assert.True(first.ExitCode == 0, first.StandardError);
            Assert.Contains("pubmed 'Doe J[Author]': 2 fetched in 1 page(s), 2 new, 0 updated", first.StandardOutput);
        }
        await using var second = await CliProcess.RunAsync(args);

        Assert.Contains("0 new, 0 updated, 2 duplicates", second.StandardOutput);
        Assert.Equal("10.1056/NEJMoa2412345 2025 {\"Doe J\",\"Smith A\"}", await Sql.ScalarAsync(connection, "SELECT doi || ' ' || year || ' ' || authors::text FROM publications WHERE pmid = '39876543'"));
    }
}
