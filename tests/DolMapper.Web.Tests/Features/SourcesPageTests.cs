using System.Net;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Tests.Ingestion.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

public class SourcesPageTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private const string Token = "AAAA-page-bearer-SECRET-7788";
    private TestApp _app = null!;
    private FakeXServer _x = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _x = await FakeXServer.StartAsync();
        _x.Pages.AddRange([XPayloads.Page1, XPayloads.Page2]);
        _connectionString = await postgres.CreateMigratedDatabaseAsync();
        _app = await TestApp.StartAsync(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _x.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await client.GetStringAsync(page));
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task An_admin_adds_an_x_source_the_token_is_stored_encrypted_and_run_now_ingests_into_the_run_history()
    {
        var admin = await _app.SignInAsync(Roles.Admin);

        var saved = await PostFormAsync(admin, "/Admin/SourceEdit", "/Admin/SourceEdit", new()
        {
            ["Input.Name"] = "x-oncology", ["Input.Kind"] = "x", ["Input.BaseUrl"] = _x.BaseUrl, ["Input.Queries"] = "#bcsm OR #oncology",
            ["Input.Credential"] = Token, ["Input.Schedule"] = "0 */6 * * *", ["Input.Enabled"] = "true", ["Input.ConfirmAddress"] = "true",
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var list = System.Net.WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Sources"));
        Assert.Contains("x-oncology", list);
        Assert.Contains("••••7788", list);
        Assert.DoesNotContain(Token, list);
        var stored = (string)(await Sql.ScalarAsync(_connectionString, "SELECT protected_credentials FROM sources WHERE name = 'x-oncology'"))!;
        Assert.DoesNotContain(Token, stored);
        // The change and the credential change are audited, by whom; the token is in no audit entry.
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, $"SELECT count(*) FROM audit_log WHERE action = 'source.credential_changed' AND target = 'x-oncology' AND user_name = '{TestApp.Demo(Roles.Admin).Email}'"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM audit_log WHERE action = 'source.created'"));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, $"SELECT count(*) FROM audit_log WHERE details::text LIKE '%{Token}%'"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value LIKE 'ingest-source-%'"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value LIKE 'reconcile-source-%'"));

        var id = await Sql.CountAsync(_connectionString, "SELECT id FROM sources WHERE name = 'x-oncology'");
        var test = await PostFormAsync(admin, "/Admin/Sources", $"/Admin/Sources?handler=Test&id={id}", []);
        Assert.Equal(HttpStatusCode.Redirect, test.StatusCode);
        Assert.Contains("Connection works", System.Net.WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Sources")));
        Assert.Contains("max_results=10", _x.Requests.Last());
        var run = await PostFormAsync(admin, "/Admin/Sources", $"/Admin/Sources?handler=Run&id={id}", []);
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Sql.CountAsync(_connectionString, "SELECT count(*) FROM ingestion_runs WHERE kind = 'ingest' AND status = 'complete'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the queued pass did not finish");
            await Task.Delay(200);
        }
        Assert.Equal(4L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.All(_x.Authorizations, a => Assert.Equal($"Bearer {Token}", a));
        Assert.Contains("data-testid=\"runs-table\"", await admin.GetStringAsync("/Admin/Sources"));
    }

    [Fact]
    public async Task A_stored_secret_is_never_sent_to_a_new_address_and_an_unknown_host_needs_the_admins_confirmation()
    {
        var admin = await _app.SignInAsync(Roles.Admin);
        Dictionary<string, string> Form(string url, string? credential = null, bool confirm = false)
        {
            var form = new Dictionary<string, string> { ["Input.Name"] = "x-main", ["Input.Kind"] = "x", ["Input.BaseUrl"] = url, ["Input.Queries"] = "#bcsm" };
            if (credential is not null)
            {
                form["Input.Credential"] = credential;
            }
            if (confirm)
            {
                form["Input.ConfirmAddress"] = "true";
            }
            return form;
        }
        async Task<string> RefusedAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }

        // Plain http to another machine, and an unknown host without confirmation, are refused.
        Assert.Contains("Use https", await RefusedAsync(await PostFormAsync(admin, "/Admin/SourceEdit", "/Admin/SourceEdit", Form("http://collector.example/api", Token, confirm: true))));
        Assert.Contains("is not api.x.com or api.twitter.com", await RefusedAsync(await PostFormAsync(admin, "/Admin/SourceEdit", "/Admin/SourceEdit", Form("https://collector.example", Token))));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM sources"));

        // X's own host needs no confirmation.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, "/Admin/SourceEdit", "/Admin/SourceEdit", Form("https://api.x.com", Token))).StatusCode);
        var id = await Sql.CountAsync(_connectionString, "SELECT id FROM sources WHERE name = 'x-main'");

        // Only the address changed (to the local fake server, confirmed): the stored token is not carried over.
        var moved = await RefusedAsync(await PostFormAsync(admin, $"/Admin/SourceEdit?id={id}", $"/Admin/SourceEdit?id={id}", Form(_x.BaseUrl, confirm: true)));
        Assert.Contains("enter the credentials again", moved);
        Assert.Equal("https://api.x.com", await Sql.ScalarAsync(_connectionString, $"SELECT base_url FROM sources WHERE id = {id}"));
        await PostFormAsync(admin, "/Admin/Sources", $"/Admin/Sources?handler=Test&id={id}", []);
        Assert.Empty(_x.Authorizations);

        // With the credential given again it is saved, and the audit entry names the old and the new address.
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(admin, $"/Admin/SourceEdit?id={id}", $"/Admin/SourceEdit?id={id}", Form(_x.BaseUrl, "NEW-" + Token, confirm: true))).StatusCode);
        var audit = (string)(await Sql.ScalarAsync(_connectionString, "SELECT details::text FROM audit_log WHERE action = 'source.updated' ORDER BY id DESC LIMIT 1"))!;
        Assert.Contains("\"base_url_before\": \"https://api.x.com\"", audit);
        Assert.Contains($"\"base_url\": \"{_x.BaseUrl}\"", audit);
        Assert.Contains("\"address_confirmed\": true", audit);
    }

    [Fact]
    public async Task A_bad_schedule_or_no_query_is_refused_with_a_message_and_nothing_is_saved()
    {
        var admin = await _app.SignInAsync(Roles.Admin);

        var response = await PostFormAsync(admin, "/Admin/SourceEdit", "/Admin/SourceEdit", new()
        {
            ["Input.Name"] = "broken", ["Input.Kind"] = "pubmed", ["Input.BaseUrl"] = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils", ["Input.Queries"] = "", ["Input.Schedule"] = "every day",
        });

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Give at least one query.", page);
        Assert.Contains("Not a cron expression", page);
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM sources"));
    }

    [Fact]
    public async Task Analysts_and_brand_managers_cannot_open_the_sources_pages()
    {
        foreach (var role in new[] { Roles.Analyst, Roles.BrandManager })
        {
            var client = await _app.SignInAsync(role);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/Admin/Sources")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/Admin/SourceEdit")).StatusCode);
        }
    }

    [Fact]
    public async Task A_job_that_meets_a_rate_limit_stops_and_schedules_itself_for_the_reset_instead_of_waiting()
    {
        int id;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourceStore>().SaveAsync(
                new DolMapper.Web.Ingestion.Sources.SourceForm(null, "x-limited", "x", _x.BaseUrl, ["#bcsm"], false, null, null, Token, ConfirmAddress: true), CancellationToken.None);
        }
        _x.ThenRateLimited(DateTimeOffset.UtcNow.AddHours(1));

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.IngestSourceJob>().RunAsync(id, CancellationToken.None);
        }

        Assert.Single(_x.Requests);
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM hangfire.job WHERE statename = 'Scheduled' AND invocationdata::text LIKE '%IngestSourceJob%'"));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM source_cursors"));
    }

    [Fact]
    public async Task An_x_source_stops_at_its_daily_read_budget_and_keeps_its_cursor()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourceStore>().SaveAsync(
            new DolMapper.Web.Ingestion.Sources.SourceForm(null, "x-budget", "x", _x.BaseUrl, ["#bcsm"], false, null, 2, Token, ConfirmAddress: true), CancellationToken.None);

        var result = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourcePasses>().RunAsync(id, "test", CancellationToken.None);

        var report = Assert.Single(result.Reports);
        Assert.Contains("daily read budget of 2", report.Stopped);
        Assert.Single(_x.Requests);
        Assert.Equal(2L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM source_cursors"));
        Assert.Equal(2L, await Sql.CountAsync(_connectionString, $"SELECT reads_used FROM ingestion_runs WHERE source_id = {id}"));
    }

    [Fact]
    public async Task Tracked_accounts_are_backfilled_from_their_timelines_each_from_its_own_cursor()
    {
        // Jane's timeline: the first page of the search payload stands in for her older posts.
        _x.Timelines["drjanedoe"] = ("2244994945", [XPayloads.Page1, XPayloads.Page2]);
        _x.Pages.Clear();
        _x.Pages.Add("{\"meta\":{\"result_count\":0}}");
        await using var scope = _app.Services.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourceStore>().SaveAsync(
            new DolMapper.Web.Ingestion.Sources.SourceForm(null, "x-tracked", "x", _x.BaseUrl, ["#nothing"], false, null, null, Token, ["@drjanedoe", "nobody_here"], ConfirmAddress: true), CancellationToken.None);

        var first = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourcePasses>().RunAsync(id, "test", CancellationToken.None);
        var second = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourcePasses>().RunAsync(id, "test", CancellationToken.None);

        Assert.Equal(4L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.Equal("1853211002", await Sql.ScalarAsync(_connectionString, "SELECT value FROM source_cursors WHERE query = 'timeline:2244994945'"));
        Assert.Contains(_x.Requests, r => r.StartsWith("/2/users/2244994945/tweets", StringComparison.Ordinal) && r.Contains("since_id=1853211002", StringComparison.Ordinal));
        Assert.Equal(0L, second.Reports.Sum(r => r.Counts.New));
        Assert.Equal(2, first.Reports.Count);
    }

    [Fact]
    public async Task A_source_also_searches_the_hashtags_of_the_active_scoring_profiles()
    {
        await Sql.ExecuteAsync(_connectionString, """
            INSERT INTO scoring_profiles (name, active, created_at) VALUES ('Oncology', true, now()), ('Old', false, now());
            INSERT INTO scoring_profile_versions (profile_id, version, definition, created_at)
                SELECT id, 1, '{"name":"Oncology","hashtags":["bcsm","#Oncology"]}', now() FROM scoring_profiles WHERE name = 'Oncology';
            INSERT INTO scoring_profile_versions (profile_id, version, definition, created_at)
                SELECT id, 1, '{"name":"Old","hashtags":["retired"]}', now() FROM scoring_profiles WHERE name = 'Old';
            """);
        await using var scope = _app.Services.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourceStore>().SaveAsync(
            new DolMapper.Web.Ingestion.Sources.SourceForm(null, "x-profiles", "x", _x.BaseUrl, [], false, null, null, Token, ConfirmAddress: true), CancellationToken.None);

        var result = await scope.ServiceProvider.GetRequiredService<DolMapper.Web.Ingestion.Sources.SourcePasses>().RunAsync(id, "test", CancellationToken.None);

        Assert.Equal("#bcsm OR #oncology", Assert.Single(result.Reports).Query);
        Assert.Contains("query=%23bcsm%20OR%20%23oncology", _x.Requests.First());
    }
}
