using System.Net;
using System.Text.Json;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>Opt-outs, erasure, the audit log page, and that every admin page and action is the admin's alone.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class AdminComplianceTests(PostgresFixture postgres)
{
    private async Task<(ImportDatabase Db, int ProfileId)> ScoredWorldAsync()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(AdminWorld.Lines())).Clean);
        // doc05 also has a Bluesky account under the same person key, a CRM record, and is quarantined once.
        Assert.True((await db.ImportAsync([
            JsonSerializer.Serialize(new { type = "account", platform = "bluesky", id = "did:plc:doc05", handle = "doc05.bsky.social", name = AdminWorld.Name(5), bio = "Oncologist.", person = "x:5" }),
            JsonSerializer.Serialize(new { type = "relationship", platform = "x", account_id = "5", kind = "speaker", since = "2025-01-01" }),
        ])).Clean);
        await db.ImportAsync(["{\"type\":\"post\",\"platform\":\"x\",\"id\":\"bad\",\"account_id\":\"5\",\"handle\":\"doc05\"}"]);
        Assert.True(await db.CountAsync("SELECT count(*) FROM quarantine WHERE raw LIKE '%doc05%'") > 0);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        var saved = await scoring.SaveProfileAsync(AdminWorld.Awareness);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        return (db, saved.Profile!.ProfileId);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string getPath, string postPath, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await client.GetStringAsync(getPath));
        return await client.PostAsync(postPath, new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task An_opt_out_takes_effect_at_once_and_an_erasure_leaves_only_the_opt_out_and_a_reimport_stores_nothing()
    {
        var (db, _) = await ScoredWorldAsync();
        var connection = db.ConnectionString;
        var person = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE handle = 'doc05'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var profile = Uri.EscapeDataString(AdminWorld.Awareness.Name);
        Assert.Contains(AdminWorld.Name(5), await analyst.GetStringAsync($"/Rankings/export.csv?profile={profile}"));

        // A reason is required.
        var noReason = await PostAsync(admin, "/Admin/OptOuts", "/Admin/OptOuts?handler=Add", new() { ["By"] = "Handle", ["Platform"] = "x", ["Value"] = "@DOC05", ["Reason"] = "" });
        Assert.Contains("Give the reason", WebUtility.HtmlDecode(await noReason.Content.ReadAsStringAsync()));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM opt_outs"));

        // Opt out by handle (any case, with '@'): the whole person is covered, at once.
        var added = await PostAsync(admin, "/Admin/OptOuts", "/Admin/OptOuts?handler=Add", new() { ["By"] = "Handle", ["Platform"] = "x", ["Value"] = "@DOC05", ["Reason"] = "e-mail of 2026-11-20" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM opt_outs WHERE parent_id IS NULL AND handle = 'DOC05' AND person_key = 'x:5'"));
        Assert.Equal(2, await db.CountAsync("SELECT count(*) FROM opt_outs WHERE parent_id IS NOT NULL"));
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/OptOuts"));
        Assert.Contains("x @DOC05", page);
        Assert.DoesNotContain(AdminWorld.Name(5), await analyst.GetStringAsync($"/Rankings?profile={profile}"));
        Assert.DoesNotContain(AdminWorld.Name(5), await analyst.GetStringAsync($"/Rankings/export.csv?profile={profile}"));
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/Profiles/{person}?profile={profile}")).StatusCode);
        var again = await PostAsync(admin, "/Admin/OptOuts", "/Admin/OptOuts?handler=Add", new() { ["By"] = "Person", ["Value"] = "x:5", ["Reason"] = "again" });
        Assert.Contains("already opted out", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));

        // Erasure needs the confirmation, then leaves no row of theirs anywhere but the opt-outs.
        var unconfirmed = await PostAsync(admin, "/Admin/OptOuts", "/Admin/OptOuts?handler=Erase", new() { ["personId"] = $"{person}", ["erasureReason"] = "DSR 2026-11-21" });
        Assert.Contains("cannot be undone", WebUtility.HtmlDecode(await unconfirmed.Content.ReadAsStringAsync()));
        Assert.Equal(1, await db.CountAsync($"SELECT count(*) FROM persons WHERE id = {person}"));
        var erased = await PostAsync(admin, "/Admin/OptOuts", "/Admin/OptOuts?handler=Erase", new() { ["personId"] = $"{person}", ["erasureReason"] = "DSR 2026-11-21", ["confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, erased.StatusCode);
        Assert.Contains("Only the opt-out record remains", WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/OptOuts")));

        var traces = new[] { "doc05", "Person05", "did:plc:doc05", "x:5" };
        var tables = await Sql.ColumnAsync(connection, """
            SELECT format('%I', table_name) FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('opt_outs', '__ef_migrations_history')
            """);
        Assert.Contains("posts", tables);
        foreach (var table in tables)
        {
            foreach (var trace in traces)
            {
                Assert.True(await db.CountAsync($"SELECT count(*) FROM {table} t WHERE t::text ILIKE '%{trace}%'") == 0, $"{table} still holds '{trace}'");
            }
        }
        // By id too: no posts, interactions (either way), scores, evidence, CRM records or accounts.
        Assert.Equal(0, await db.CountAsync($"SELECT count(*) FROM person_scores WHERE person_id = {person}"));
        Assert.Equal(0, await db.CountAsync($"SELECT count(*) FROM person_score_evidence WHERE person_id = {person}"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM posts WHERE platform = 'x' AND (account_id NOT IN (SELECT id FROM accounts) OR reply_to_account_external_id = '5' OR '5' = ANY (mention_external_ids))"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM interactions WHERE source_account_id NOT IN (SELECT id FROM accounts) OR target_account_id NOT IN (SELECT id FROM accounts)"));
        Assert.Equal(AdminWorld.Persons - 1, await db.CountAsync("SELECT count(*) FROM persons"));
        var audit = (string)(await db.ScalarAsync("SELECT details::text FROM audit_log WHERE action = 'person.erased'"))!;
        Assert.True(JsonDocument.Parse(audit).RootElement.GetProperty("removed").GetProperty("posts").GetInt64() > 0);
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'optout.created'"));

        // A re-import of everything, and a new account under their person key, stores nothing of theirs.
        var report = await db.ImportAsync(AdminWorld.Lines().Append(
            JsonSerializer.Serialize(new { type = "account", platform = "mastodon", id = "https://med.social/@doc05", handle = "doc05@med.social", name = "P. Tester", person = "x:5" })));
        Assert.True(report.Counts.OptedOut > 0);
        Assert.Equal(AdminWorld.Persons - 1, await db.CountAsync("SELECT count(*) FROM persons WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = persons.id AND a.is_stub)"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM accounts WHERE handle ILIKE 'doc05%' OR external_id IN ('5', 'did:plc:doc05', 'https://med.social/@doc05')"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM persons WHERE public_id = 'x:5'"));
    }

    [Fact]
    public async Task The_audit_log_page_filters_and_exports_what_it_shows()
    {
        var (db, _) = await ScoredWorldAsync();
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);
        var analyst = await app.SignInAsync(Roles.Analyst);
        (await analyst.GetAsync($"/Rankings/export.csv?profile={Uri.EscapeDataString(AdminWorld.Awareness.Name)}")).EnsureSuccessStatusCode();

        var all = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Audit"));
        Assert.Contains("data-action=\"export.csv\"", all);
        Assert.Contains("data-action=\"profile.created\"", all);
        var exports = await admin.GetStringAsync("/Admin/Audit?action=export.csv");
        Assert.Contains("data-action=\"export.csv\"", exports);
        Assert.DoesNotContain("data-action=\"profile.created\"", exports);
        Assert.Contains(TestApp.Demo(Roles.Analyst).Email, exports);
        var byText = await admin.GetStringAsync($"/Admin/Audit?q={Uri.EscapeDataString("no such text at all")}");
        Assert.DoesNotContain("data-testid=\"audit-row\"", byText);
        var future = await admin.GetStringAsync("/Admin/Audit?from=2099-01-01");
        Assert.DoesNotContain("data-testid=\"audit-row\"", future);

        var csv = await admin.GetAsync("/Admin/Audit?handler=Export&action=export.csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,user,action,target,details", lines[0]);
        Assert.Single(lines.Skip(1));
        Assert.Contains(",export.csv,", lines[1]);
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'audit.exported'"));
        // The log stays append-only underneath the page.
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => Sql.ExecuteAsync(db.ConnectionString, "DELETE FROM audit_log"));
    }

    [Fact]
    public async Task Every_admin_page_and_action_is_refused_to_analysts_and_brand_managers()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var pages = app.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/'))
            .Where(p => p.StartsWith("/Admin/", StringComparison.Ordinal))
            .Select(p => System.Text.RegularExpressions.Regex.Replace(p, "\\{[^}]+\\}", "1"))
            .Distinct().ToList();
        Assert.Contains("/Admin/Profiles/Edit", pages);
        Assert.Contains("/Admin/OptOuts", pages);
        Assert.Contains("/Admin/Audit", pages);
        Assert.Contains("/Admin/Persons/Review", pages);
        Assert.Contains("/Admin/CrmUpload", pages);
        string[] actions =
        [
            "/Admin/Profiles?handler=Run&id=1", "/Admin/Profiles?handler=Import", "/Admin/Profiles/Edit?handler=Save", "/Admin/Profiles/Edit?handler=Preview",
            "/Admin/Profiles/Versions?handler=Restore&name=x&versionId=1", "/Admin/OptOuts?handler=Add", "/Admin/OptOuts?handler=Erase", "/Admin/Audit?handler=Export",
            "/Admin/Users?handler=Invite", "/Admin/Users?handler=Role&id=x", "/Admin/Users?handler=Disable&id=x", "/Admin/Users?handler=Enable&id=x",
            "/Admin/Users?handler=Reset&id=x", "/Admin/Users?handler=Remove&id=x",
            "/Admin/Crm?handler=Upload", "/Admin/Crm?handler=Edit&id=1", "/Admin/Crm?handler=Delete&id=1", "/Admin/CrmUpload?handler=Commit&id=1", "/Admin/CrmUpload?handler=Discard&id=1",
            "/Admin/Persons?handler=Merge", "/Admin/Persons?handler=Dismiss", "/Admin/Persons?handler=Undo", "/Admin/Persons/Person?handler=Split&id=1",
            "/Admin/Persons/Review?handler=Confirm",
        ];
        foreach (var role in new[] { Roles.Analyst, Roles.BrandManager })
        {
            var client = await app.SignInAsync(role);
            var token = TestApp.AntiforgeryToken(await client.GetStringAsync("/Rankings"));
            foreach (var page in pages)
            {
                Assert.True((await client.GetAsync(page)).StatusCode == HttpStatusCode.Forbidden, $"{role} GET {page}");
            }
            foreach (var action in actions)
            {
                var response = await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["Value"] = "doc01", ["Reason"] = "r" }));
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} POST {action}: {response.StatusCode}");
            }
        }
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM opt_outs"));
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'export%'"));
    }
}
