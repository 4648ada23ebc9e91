using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>The networks the pages draw (docs/dashboard.md, "Network"): who engages whom among a profile's top, and around one DOL.</summary>
public sealed class NetworkTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Net onc", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
    };

    /// <summary>
    /// Five oncologists: 2 replies three times to 1 and mentions 3 once; 3 replies to 1 once; 4
    /// replies to 2 twice; 5 engages nobody. Person 1 posts most.
    /// </summary>
    private async Task<string> WorldAsync()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        var counts = new[] { 12, 8, 6, 5, 4 };
        for (var a = 1; a <= 5; a++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"{a}", handle = $"user{a}", name = $"Dr Person {a}, MD", bio = "Medical oncologist.", country = "GB" }));
            for (var i = 0; i < counts[a - 1]; i++)
            {
                (string Post, string Account)? reply = (a, i) switch
                {
                    (2, < 3) => ($"{1000 + i}", "1"),
                    (3, 0) => ("1000", "1"),
                    (4, < 2) => ($"{2000 + i}", "2"),
                    _ => null,
                };
                lines.Add(JsonSerializer.Serialize(new
                {
                    type = "post", platform = "x", id = $"{a * 1000 + i}", account_id = $"{a}",
                    created_at = new DateTime(2026, 9, 1, 9, 0, 0, DateTimeKind.Utc).AddDays(i).ToString("O"), text = "news #bcsm", hashtags = new[] { "bcsm" },
                    reply_to = reply is { } r ? new { post_id = r.Post, account_id = r.Account } : null,
                    mentions = (a, i) == (2, 5) ? new[] { "3" } : Array.Empty<string>(),
                }));
            }
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        return db.ConnectionString;
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task The_top_network_has_the_ranked_persons_and_who_engaged_whom_how_often()
    {
        var connection = await WorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);
        var ids = (await Sql.ColumnAsync(connection, "SELECT public_id || '=' || id FROM persons")).Select(r => r.Split('=')).ToDictionary(p => p[0], p => p[1]);

        var graph = await JsonAsync(client, "/Rankings/network.json?profile=Net%20onc&top=100");
        var nodes = graph.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(5, nodes.Count);
        Assert.Equal(ids["x:1"], nodes[0].GetProperty("id").GetString());
        Assert.Equal(1, nodes[0].GetProperty("rank").GetInt32());
        Assert.Equal($"/Profiles/{ids["x:1"]}?profile=Net%20onc", nodes[0].GetProperty("url").GetString());
        var edges = graph.GetProperty("edges").EnumerateArray()
            .ToDictionary(e => (e.GetProperty("source").GetString(), e.GetProperty("target").GetString()), e => e.GetProperty("weight").GetInt32());
        Assert.Equal(3, edges[(ids["x:2"], ids["x:1"])]);
        Assert.Equal(1, edges[(ids["x:2"], ids["x:3"])]);
        Assert.Equal(1, edges[(ids["x:3"], ids["x:1"])]);
        Assert.Equal(2, edges[(ids["x:4"], ids["x:2"])]);
        Assert.Equal(4, edges.Count);

        // An opted-out person is drawn nowhere, and their ties go with them.
        await Sql.ExecuteAsync(connection, $"INSERT INTO opt_outs (person_id, reason, created_at) VALUES ({ids["x:2"]}, 'request', now())");
        graph = await JsonAsync(client, "/Rankings/network.json?profile=Net%20onc");
        Assert.DoesNotContain(graph.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("id").GetString() == ids["x:2"]);
        Assert.Equal(1, Assert.Single(graph.GetProperty("edges").EnumerateArray()).GetProperty("weight").GetInt32());
        // Ranks close up as on the rankings page.
        Assert.Equal(new[] { 1, 2, 3, 4 }, graph.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("rank").GetInt32()));

        // The page: its table of strongest ties reads the same network.
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/Network?profile=Net%20onc"));
        Assert.Contains("4 people, 1 ties between them", page);
        Assert.Contains("data-network=\"/Rankings/network.json?profile=Net%20onc&top=100\"", page);
    }

    [Fact]
    public async Task A_DOLs_network_holds_them_their_engaged_peers_and_the_ties_among_them()
    {
        var connection = await WorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.Analyst);
        var ids = (await Sql.ColumnAsync(connection, "SELECT public_id || '=' || id FROM persons")).Select(r => r.Split('=')).ToDictionary(p => p[0], p => p[1]);

        var graph = await JsonAsync(client, $"/Profiles/{ids["x:1"]}/network.json?profile=Net%20onc");
        var nodes = graph.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("focus").GetBoolean());
        // Person 1, and the two who engage them; 4 and 5 have no tie with 1.
        Assert.Equal(new[] { ids["x:1"], ids["x:2"], ids["x:3"] }.Order(), nodes.Keys.Order());
        Assert.True(nodes[ids["x:1"]]);
        Assert.Equal(3, graph.GetProperty("edges").GetArrayLength());

        var dolPage = await client.GetStringAsync($"/Profiles/{ids["x:1"]}?profile=Net%20onc");
        Assert.Contains($"data-network=\"/Profiles/{ids["x:1"]}/network.json?profile=Net%20onc\"", dolPage);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/Profiles/99999999/network.json?profile=Net%20onc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/Profiles/{ids["x:1"]}/network.json?profile=Nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/Network?profile=Nope")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/Rankings/network.json?profile=Net%20onc")).StatusCode);
    }
}
