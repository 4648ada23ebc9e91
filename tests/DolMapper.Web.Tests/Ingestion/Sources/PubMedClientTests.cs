using System.Collections.Concurrent;
using System.Diagnostics;
using DolMapper.Web.Ingestion.Sources.PubMed;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DolMapper.Web.Tests.Ingestion.Sources;

public class PubMedClientTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private readonly ConcurrentQueue<(DateTime At, string Query)> _requests = new();
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        _server = LocalServer.Create();
        _server.MapGet("/entrez/eutils/esearch.fcgi", async context => { _requests.Enqueue((DateTime.UtcNow, context.Request.QueryString.Value!)); await context.Response.WriteAsync(PubMedPayloads.Search); });
        _server.MapGet("/entrez/eutils/esummary.fcgi", async context => { _requests.Enqueue((DateTime.UtcNow, context.Request.QueryString.Value!)); await context.Response.WriteAsync(PubMedPayloads.Summary); });
        await _server.StartAsync();
        _baseUrl = _server.Urls.Single() + "/entrez/eutils";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_author_search_returns_publications_with_journal_date_authors_and_doi_and_says_who_asks()
    {
        var client = new PubMedClient(new HttpClient());
        var identity = new PubMedIdentity("dolmapper", "team@example.org", null);

        var ids = await client.SearchAsync(_baseUrl, "Doe J[Author]", identity, 200, CancellationToken.None);
        var publications = await client.SummariesAsync(_baseUrl, [.. ids], identity, CancellationToken.None);

        Assert.Equal(["39876543", "39765432"], ids);
        var first = publications[0];
        Assert.Equal(("The New England journal of medicine", 2025, "10.1056/NEJMoa2412345"), (first.Journal, first.Year, first.Doi));
        Assert.Equal(["Doe J", "Smith A"], first.Authors);
        Assert.Null(publications[1].Doi);
        Assert.All(_requests, r => Assert.Contains("tool=dolmapper&email=team%40example.org", r.Query));
        Assert.Contains("term=Doe%20J%5BAuthor%5D", _requests.First().Query);
        Assert.DoesNotContain(_requests, r => r.Query.Contains("api_key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_key_requests_are_at_most_three_a_second_and_a_key_is_sent_when_given()
    {
        var client = new PubMedClient(new HttpClient());
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 4; i++)
        {
            await client.SearchAsync(_baseUrl, "oncology", new PubMedIdentity("dolmapper", "team@example.org", null), 10, CancellationToken.None);
        }
        // Four requests need at least three gaps of a third of a second.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(3 * 330), $"4 requests in {stopwatch.ElapsedMilliseconds} ms");

        await client.SearchAsync(_baseUrl, "oncology", new PubMedIdentity("dolmapper", "team@example.org", "KEY123"), 10, CancellationToken.None);
        Assert.Contains("api_key=KEY123", _requests.Last().Query);
    }
}

/// <summary>esearch and esummary responses in E-utilities' JSON mode.</summary>
public static class PubMedPayloads
{
    public const string Search = """
        {"header":{"type":"esearch","version":"0.3"},"esearchresult":{"count":"2","retmax":"2","retstart":"0","idlist":["39876543","39765432"],"translationset":[],"querytranslation":"doe j[Author]"}}
        """;

    public const string Summary = """
        {"header":{"type":"esummary","version":"0.3"},"result":{"uids":["39876543","39765432"],
          "39876543":{"uid":"39876543","pubdate":"2025 Jan 15","epubdate":"2024 Dec 1","source":"N Engl J Med",
            "authors":[{"name":"Doe J","authtype":"Author","clusterid":""},{"name":"Smith A","authtype":"Author","clusterid":""}],
            "lastauthor":"Smith A","title":"Trastuzumab deruxtecan in HER2-low breast cancer.","sortpubdate":"2025/01/15 00:00",
            "fulljournalname":"The New England journal of medicine",
            "articleids":[{"idtype":"pubmed","idtypen":1,"value":"39876543"},{"idtype":"doi","idtypen":3,"value":"10.1056/NEJMoa2412345"}]},
          "39765432":{"uid":"39765432","pubdate":"2024","source":"Lancet Oncol","authors":[{"name":"Doe J","authtype":"Author"}],
            "title":"Survivorship care after breast cancer.","articleids":[{"idtype":"pubmed","idtypen":1,"value":"39765432"}]}}}
        """;
}
