using System.Net;
using System.Text.RegularExpressions;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>An admin's actions on the job dashboard reach the audit log; its polling does not (docs/security.md).</summary>
public sealed class JobDashboardAuditTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Triggering_a_recurring_job_is_audited_and_the_dashboards_polling_is_not()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var page = await admin.GetStringAsync("/admin/jobs/recurring");
        var header = Regex.Match(page, "<meta name=\"csrf-header\" content=\"([^\"]+)\"").Groups[1].Value;
        var token = WebUtility.HtmlDecode(Regex.Match(page, "<meta name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value);
        Assert.False(string.IsNullOrEmpty(token), "the dashboard page carries its anti-forgery token");
        var job = Regex.Match(page, "class=\"js-jobs-list-checkbox\" name=\"jobs\\[\\]\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(job), page[page.IndexOf("jobs[]", StringComparison.Ordinal) is var at and >= 0 ? (at - 200)..(at + 200) : 0..0]);

        using var poll = new HttpRequestMessage(HttpMethod.Post, "/admin/jobs/stats") { Content = new FormUrlEncodedContent([]) };
        poll.Headers.Add(header, token);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(poll)).StatusCode);
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'jobs.dashboard_action'"));

        using var trigger = new HttpRequestMessage(HttpMethod.Post, "/admin/jobs/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", job)]),
        };
        trigger.Headers.Add(header, token);
        Assert.True((await admin.SendAsync(trigger)).IsSuccessStatusCode);
        Assert.Equal(1, await Sql.CountAsync(connection,
            $"SELECT count(*) FROM audit_log WHERE action = 'jobs.dashboard_action' AND details ->> 'path' = '/recurring/trigger' AND user_name = '{TestApp.Demo(Roles.Admin).Email}'"));
    }
}
