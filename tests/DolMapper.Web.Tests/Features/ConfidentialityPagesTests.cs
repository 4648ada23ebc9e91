using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>A post that may describe an identifiable patient case is shown masked and marked (docs/compliance.md, "Confidentiality").</summary>
public sealed class ConfidentialityPagesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_case_description_is_masked_and_marked_on_the_DOL_page_and_analysts_can_open_it_as_posted()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        const string Case = "45M with crushing chest pain in clinic today, troponin up. What next? #bcsm";
        const string Plain = "New phase 3 data in HER2-positive disease #bcsm";
        Assert.True((await db.ImportAsync([
            JsonSerializer.Serialize(new { type = "account", platform = "x", id = "1", handle = "onc1", name = "Dr One, MD", bio = "Medical oncologist." }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "1", account_id = "1", created_at = "2026-09-01T12:00:00Z", text = Case, hashtags = new[] { "bcsm" }, likes = 900 }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "2", account_id = "1", created_at = "2026-09-02T12:00:00Z", text = Plain, hashtags = new[] { "bcsm" }, likes = 800 }),
        ])).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(new ProfileDefinition { Name = "Conf", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1 } })).Saved);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        var person = (long)(await Sql.ScalarAsync(db.ConnectionString, "SELECT id FROM persons LIMIT 1"))!;
        await using var app = await TestApp.StartAsync(db.ConnectionString);

        var brand = WebUtility.HtmlDecode(await (await app.SignInAsync(Roles.BrandManager)).GetStringAsync($"/Profiles/{person}?profile=Conf"));
        Assert.Contains("may identify a patient — masked", brand);
        Assert.DoesNotContain("45M", brand);
        Assert.Contains("[age] with crushing chest pain", brand);
        Assert.Contains(Plain, brand);
        Assert.DoesNotContain("as posted", brand);

        var analyst = WebUtility.HtmlDecode(await (await app.SignInAsync(Roles.Analyst)).GetStringAsync($"/Profiles/{person}?profile=Conf"));
        Assert.Contains("may identify a patient — masked", analyst);
        Assert.Contains("as posted", analyst);
        Assert.Contains(Case, analyst);
    }
}
