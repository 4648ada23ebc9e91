using System.Net;
using System.Text.Json;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>Opt-outs, erasure, the audit log page, and that every admin page and action is the admin's alone.</summary>
public sealed class AdminComplianceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
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
    public async Task After_an_erasure_a_full_dump_holds_no_identifier_of_the_person_outside_the_opt_out_registry()
    {
        var (db, _) = await ScoredWorldAsync();
        var connection = db.ConnectionString;
        var person = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE handle = 'doc05'"))!;
        // An NPI and a bio only they have; a second person (own key, NPI, name) an admin merged into them;
        // someone else's post naming their @handle; a failed upload of their raw lines; the table a
        // crashed scoring run left; a persona assignment; an export searched by their name.
        Assert.True((await db.ImportAsync([
            JsonSerializer.Serialize(new { type = "account", platform = "x", id = "5", npi = "1234567893", bio = "Zebracorn oncologist.", observed_at = "2030-01-01T00:00:00Z" }),
            JsonSerializer.Serialize(new { type = "account", platform = "x", id = "777", handle = "doc05alias", name = "Zorba Alias-Tester", npi = "1987654321", person = "pk-alias-77" }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "p-mention", account_id = "6", created_at = "2026-06-20T10:00:00Z", text = "Great point @doc05 and @DOC05! cc @doc06" }),
        ])).Clean);
        var alias = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE handle = 'doc05alias'"))!;
        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var merged = await new DolMapper.Web.Persons.PersonMerging(dataSource).MergeAsync(person, alias, "manual", "admin", CancellationToken.None);
        Assert.True(merged.Done, merged.Refusal?.ToString());
        var run = (long)(await db.ScalarAsync("SELECT max(id) FROM scoring_runs"))!;
        // A run's table being written, made by the owner as dolmapper_run_scores_create makes it.
        await Sql.ExecuteAsync(postgres.OwnerConnectionString(connection), $"""
            CREATE TABLE person_scores_run_999999 (LIKE person_scores INCLUDING DEFAULTS);
            GRANT SELECT, INSERT, DELETE ON person_scores_run_999999 TO {PostgresFixture.AppRole};
            """);
        await Sql.ExecuteAsync(connection, $"""
            INSERT INTO ingestion_runs (id, kind, query, triggered_by, started_at, status, fetched, new, updated, duplicates, rejected, errors, reads_used, bytes_read, details)
            VALUES (4242, 'import', 'up.jsonl', 'a', now(), 'failed', 0, 0, 0, 0, 0, 1, 0, 0, '{"{}"}');
            INSERT INTO uploads (id, file_name, size_bytes, allow_relationships, uploaded_by, created_at, run_id)
            VALUES (4242, 'up.jsonl', 10, false, 'a', now(), 4242);
            INSERT INTO upload_chunks (upload_id, sequence, data) VALUES (4242, 0, convert_to('{"{"}"type":"account","platform":"x","id":"5","handle":"doc05","name":"Dr. Person05 Tester, MD"{"}"}', 'UTF8'));
            INSERT INTO person_scores_run_999999 SELECT * FROM person_scores WHERE person_id = {person};
            WITH persona AS (
                INSERT INTO personas (key, name, centroid, traits, member_count, created_at) VALUES ('test', 'Test persona', '{"{}"}', '{"{}"}', 1, now()) RETURNING id)
            INSERT INTO persona_assignments (run_id, person_id, persona_id) SELECT {run}, {person}, id FROM persona ON CONFLICT DO NOTHING;
            """);
        Assert.Equal(1L, await db.CountAsync($"SELECT count(*) FROM persona_assignments WHERE person_id = {person}"));
        await using (var app = await TestApp.StartAsync(connection))
        {
            var analyst = await app.SignInAsync(Roles.Analyst);
            Assert.Contains("Person05", await analyst.GetStringAsync($"/Rankings/export.csv?profile={Uri.EscapeDataString(AdminWorld.Awareness.Name)}&q=Person05"));
        }

        var erased = await new DolMapper.Web.Compliance.OptOutRegistry(dataSource).EraseAsync(person, "DSR 2026-12-01", "admin", CancellationToken.None);

        Assert.True(erased.Done, erased.Message);
        Assert.Contains("1 person(s) merged with them", erased.Message);
        var dump = await DumpAsync(connection);
        Assert.Contains("Dr. Person06 Tester, MD", dump);
        foreach (var trace in new[] { "doc05", "Person05", "did:plc:doc05", "1234567893", "Zebracorn", "Zorba", "pk-alias-77", "1987654321" })
        {
            var at = dump.IndexOf(trace, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"the dump still holds '{trace}': ...{(at < 0 ? "" : dump[Math.Max(0, at - 300)..Math.Min(dump.Length, at + 100)])}...");
        }
        // Others' posts keep their text, with the handle gone.
        Assert.Equal("Great point @[erased] and @[erased]! cc @doc06", await db.ScalarAsync("SELECT text FROM posts WHERE external_id = 'p-mention'"));
        // The registry still blocks every key of the group.
        foreach (var key in new[] { "x:5", "pk-alias-77" })
        {
            Assert.Equal(1L, await db.CountAsync($"SELECT count(*) FROM opt_outs WHERE person_key = '{key}'"));
        }
        var again = await db.ImportAsync([JsonSerializer.Serialize(new { type = "account", platform = "mastodon", id = "z@m.social", handle = "z@m.social", name = "Z", person = "pk-alias-77" })]);
        Assert.Equal(1L, again.Counts.OptedOut);
    }

    /// <summary>pg_dump of the whole database's data, except the opt-out registry's.</summary>
    private static async Task<string> DumpAsync(string connectionString)
    {
        var c = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var pgCtl = DolMapper.Web.Infrastructure.LocalDatabase.PostgresBinaries.Find(null).PgCtl;
        var bin = Path.GetDirectoryName(File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl)!;
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(bin, "pg_dump"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--data-only", "--exclude-table-data=opt_outs", "-h", c.Host!, "-p", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", c.Username!, "-d", c.Database! })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PGPASSWORD"] = c.Password;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return await output;
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
        // Nothing changed: only the sign-ins are in the audit log.
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'export%' AND action NOT LIKE 'auth.%'"));
    }
}
