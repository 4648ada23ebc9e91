using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>The profile editor, its live preview, versions and restore, over HTTP against the app with its job server.</summary>
public sealed class AdminProfilesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private async Task<(string Connection, int ProfileId)> ScoredWorldAsync(string? optedOutHandle = null)
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(AdminWorld.Lines())).Clean);
        if (optedOutHandle is not null)
        {
            await Sql.ExecuteAsync(db.ConnectionString, $"INSERT INTO opt_outs (platform, handle, reason, created_at) VALUES ('x', '{optedOutHandle}', 'request', now())");
        }
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        var saved = await scoring.SaveProfileAsync(AdminWorld.Awareness);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        return (db.ConnectionString, saved.Profile!.ProfileId);
    }

    private static async Task<long> WaitForCompleteRunsAsync(string connection, int profileId, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var done = await Sql.CountAsync(connection, $"SELECT count(*) FROM scoring_runs WHERE profile_id = {profileId} AND status = 'complete'");
            var failed = await Sql.ScalarAsync(connection, $"SELECT error FROM scoring_runs WHERE profile_id = {profileId} AND status = 'failed' LIMIT 1");
            Assert.Null(failed);
            if (done >= count)
            {
                return (long)(await Sql.ScalarAsync(connection, $"SELECT max(id) FROM scoring_runs WHERE profile_id = {profileId} AND status = 'complete'"))!;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"No {count} complete runs of profile {profileId} within 3 minutes.");
    }

    private static Dictionary<string, string> EditForm(string html, IReadOnlyDictionary<string, double> weights, string minConfidence = "0.5")
    {
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(html),
            ["Form.Name"] = AdminWorld.Awareness.Name,
            ["Form.Hashtags"] = "bcsm",
            ["Form.Keywords"] = "",
            ["Form.Countries"] = "",
            ["Form.WindowDays"] = "365",
            ["Form.MinHcpConfidence"] = minConfidence,
            ["Form.Active"] = "true",
            // The scope select shows the stored profile's scope (a general-awareness profile).
            ["Form.Scope"] = AdminWorld.Awareness.EffectiveScope,
            ["Form.BaseVersion"] = System.Text.RegularExpressions.Regex.Match(html, "name=\"Form.BaseVersion\" value=\"(\\d+)\"").Groups[1].Value,
        };
        for (var q = 0; q < Questions.Count; q++)
        {
            form[$"Form.Weights[{q}]"] = weights.GetValueOrDefault(Questions.All[q]).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return form;
    }

    [Fact]
    public async Task The_preview_of_new_weights_equals_the_scoring_run_that_saving_them_queues()
    {
        // One person has opted out: left out of both runs, and of the preview. (An opt-out between
        // the runs changes the population, so the signals' percentiles: not "the same signals".)
        var (connection, profileId) = await ScoredWorldAsync(optedOutHandle: "doc07");
        var optedOut = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE handle = 'doc07'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var name = Uri.EscapeDataString(AdminWorld.Awareness.Name);

        var editor = await admin.GetStringAsync($"/Admin/Profiles/Edit?name={name}");
        Assert.Contains("Are they trusted among online HCP peers?", editor);
        Assert.Contains("Negative: prefer people with little public reach.", editor);

        // The preview panel for the scientific weights (what htmx posts as the sliders move).
        var previewResponse = await admin.PostAsync("/Admin/Profiles/Edit?handler=Preview", new FormUrlEncodedContent(EditForm(editor, AdminWorld.ScientificWeights)));
        Assert.Equal(HttpStatusCode.OK, previewResponse.StatusCode);
        var panel = await previewResponse.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"preview-table\"", panel);
        Assert.DoesNotContain("<html", panel);

        // A change of scope takes a run: the preview says so instead of pretending to show it.
        var scoped = EditForm(editor, AdminWorld.ScientificWeights);
        scoped["Form.Scope"] = DolMapper.Scoring.ProfileDefinition.TopicScope;
        var scopedPanel = System.Net.WebUtility.HtmlDecode(await (await admin.PostAsync("/Admin/Profiles/Edit?handler=Preview", new FormUrlEncodedContent(scoped))).Content.ReadAsStringAsync());
        Assert.Contains("scope: all → topic", scopedPanel);

        var preview = await app.Services.GetRequiredService<ProfilePreview>()
            .PreviewAsync(profileId, Weights.Create(AdminWorld.ScientificWeights, out _), CancellationToken.None);
        Assert.NotNull(preview);
        Assert.Equal(AdminWorld.Persons - 1, preview.Persons);
        Assert.Equal(ProfilePreview.Top, preview.Top.Count);
        Assert.DoesNotContain(preview.Top, e => e.PersonId == optedOut);
        Assert.True(preview.Entering > 0, "the scientific weights should bring someone into the top 25");
        Assert.Equal(preview.Entering, preview.Leaving.Count);
        foreach (var e in preview.Top)
        {
            Assert.Contains($"data-person=\"{e.PersonId}\"", panel);
        }

        // Now only the awareness weights: the preview is the ranking as it is.
        var same = await app.Services.GetRequiredService<ProfilePreview>()
            .PreviewAsync(profileId, AdminWorld.Awareness.ToWeights(), CancellationToken.None);
        Assert.All(same!.Top, e => Assert.Equal(e.RankNow, e.RankThen));
        Assert.Empty(same.Leaving);

        // Save: a new version, a queued run that the app's job server completes.
        var save = await admin.PostAsync("/Admin/Profiles/Edit?handler=Save", new FormUrlEncodedContent(EditForm(editor, AdminWorld.ScientificWeights)));
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        Assert.StartsWith("/Admin/Profiles/Versions", save.Headers.Location!.OriginalString);
        var run = await WaitForCompleteRunsAsync(connection, profileId, 2);

        // The run's ranks (the opted-out person was left out at run time) equal the preview's.
        var ranks = (await Sql.ColumnAsync(connection, $"SELECT person_id || ':' || rank || ':' || round(score::numeric, 9) FROM person_scores WHERE run_id = {run} ORDER BY rank"))
            .Select(r => r.Split(':')).ToDictionary(r => long.Parse(r[0]), r => (Rank: int.Parse(r[1]), Score: decimal.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(AdminWorld.Persons - 1, ranks.Count);
        foreach (var e in preview.Top.Concat(preview.Leaving))
        {
            Assert.Equal(ranks[e.PersonId].Rank, e.RankThen);
            Assert.Equal(ranks[e.PersonId].Score, Math.Round((decimal)e.ScoreThen, 9));
        }
        Assert.Equal(ranks.Where(r => r.Value.Rank <= ProfilePreview.Top).OrderBy(r => r.Value.Rank).Select(r => r.Key), preview.Top.Select(e => e.PersonId));
    }

    [Fact]
    public async Task Saving_versions_records_who_when_and_the_diff_and_any_version_can_be_restored()
    {
        var (connection, profileId) = await ScoredWorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var name = Uri.EscapeDataString(AdminWorld.Awareness.Name);
        var editor = await admin.GetStringAsync($"/Admin/Profiles/Edit?name={name}");
        var form = EditForm(editor, AdminWorld.ScientificWeights, minConfidence: "0.6");
        Assert.Equal("1", form["Form.BaseVersion"]);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/Admin/Profiles/Edit?handler=Save", new FormUrlEncodedContent(form))).StatusCode);

        // A second save from the same (now stale) editor is refused and saves nothing.
        var stale = EditForm(editor, AdminWorld.Awareness.Weights);
        var refused = await admin.PostAsync("/Admin/Profiles/Edit?handler=Save", new FormUrlEncodedContent(stale));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("while you edited version 1", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(2, await Sql.CountAsync(connection, $"SELECT count(*) FROM scoring_profile_versions WHERE profile_id = {profileId}"));

        var versions = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/Profiles/Versions?name={name}"));
        Assert.Contains("weights.science", versions);
        Assert.Contains("weights.public_influence", versions);
        Assert.Contains(TestApp.Demo(Roles.Admin).Email, versions);

        var audit = await Sql.ScalarAsync(connection, "SELECT details::text FROM audit_log WHERE action = 'profile.version' ORDER BY id DESC LIMIT 1");
        using (var details = JsonDocument.Parse((string)audit!))
        {
            Assert.Equal(2, details.RootElement.GetProperty("version").GetInt32());
            var changes = details.RootElement.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("field").GetString()!, c => (c.GetProperty("before").GetString(), c.GetProperty("after").GetString()));
            Assert.Equal(("0", "1"), changes["weights.science"]);
            Assert.Equal(("1", "-0.5"), changes["weights.public_influence"]);
            Assert.Equal(("0.5", "0.6"), changes["min_hcp_confidence"]);
            Assert.False(changes.ContainsKey("weights.geography"));
        }
        Assert.Equal(TestApp.Demo(Roles.Admin).Email, await Sql.ScalarAsync(connection, "SELECT user_name FROM audit_log WHERE action = 'profile.version' ORDER BY id DESC LIMIT 1"));

        // Restore version 1: saved as version 3 with version 1's definition, and a run queued.
        var v1 = (int)(await Sql.ScalarAsync(connection, $"SELECT id FROM scoring_profile_versions WHERE profile_id = {profileId} AND version = 1"))!;
        var restore = await admin.PostAsync($"/Admin/Profiles/Versions?handler=Restore&name={name}&versionId={v1}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(versions) }));
        Assert.Equal(HttpStatusCode.Redirect, restore.StatusCode);
        await using (var scoring = await ScoringServices.CreateAsync(connection, storeModel: false))
        {
            var latest = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().LatestAsync(profileId, CancellationToken.None));
            Assert.Equal(3, latest!.Version);
            Assert.True(latest.Definition.SameAs(AdminWorld.Awareness));
        }
        var restored = (string)(await Sql.ScalarAsync(connection, "SELECT details::text FROM audit_log WHERE action = 'profile.version' ORDER BY id DESC LIMIT 1"))!;
        Assert.Equal(1, JsonDocument.Parse(restored).RootElement.GetProperty("restored_from").GetInt32());
        Assert.Contains("Restored version 1 as version 3", WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/Profiles/Versions?name={name}")));
        await WaitForCompleteRunsAsync(connection, profileId, 3);
    }

    [Fact]
    public async Task Profiles_import_and_export_as_json_and_a_bad_file_changes_nothing()
    {
        var (connection, profileId) = await ScoredWorldAsync();
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var exported = await admin.GetAsync($"/Admin/Profiles?handler=Export&name={Uri.EscapeDataString(AdminWorld.Awareness.Name)}");
        Assert.Equal("application/json", exported.Content.Headers.ContentType!.MediaType);
        Assert.Equal("dolmapper-profile-admin-test-awareness.json", exported.Content.Headers.ContentDisposition!.FileName);
        var json = await exported.Content.ReadAsStringAsync();
        Assert.True(ProfileDefinition.ParseMany(json, out _).Single().SameAs(AdminWorld.Awareness));

        async Task<string> ImportAsync(string content)
        {
            var page = await admin.GetStringAsync("/Admin/Profiles");
            using var body = new MultipartFormDataContent
            {
                { new StringContent(TestApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
                { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(content)), "file", "profiles.json" },
            };
            var response = await admin.PostAsync("/Admin/Profiles?handler=Import", body);
            return response.StatusCode == HttpStatusCode.Redirect
                ? WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Profiles"))
                : WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }

        var bad = json.Replace("\"science\": 0", "\"science\": 3", StringComparison.Ordinal);
        Assert.NotEqual(json, bad);
        var refused = await ImportAsync($"[{bad}, {{\"name\": \"Second\", \"hashtags\": [\"x\"], \"weights\": {{\"relevance\": 1}}}}]");
        Assert.Contains("Nothing was imported", refused);
        Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM scoring_profiles"));

        var good = await ImportAsync(json.Replace("\"science\": 0", "\"science\": 0.75", StringComparison.Ordinal));
        Assert.Contains("saved 'Admin test - awareness' v2", good);
        Assert.Equal(2, await Sql.CountAsync(connection, $"SELECT count(*) FROM scoring_profile_versions WHERE profile_id = {profileId}"));
    }
}
