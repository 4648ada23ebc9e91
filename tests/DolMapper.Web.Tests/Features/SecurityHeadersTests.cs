using System.Net;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>Every response carries the Content-Security-Policy, nosniff and no-framing headers (docs/security.md).</summary>
public sealed class SecurityHeadersTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Pages_files_exports_errors_and_the_job_dashboard_carry_the_security_headers()
    {
        await using var app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());
        var anonymous = app.CreateClient();
        var admin = await app.SignInAsync(Roles.Admin);
        var responses = new List<(string What, HttpResponseMessage Response)>
        {
            ("sign-in page", await anonymous.GetAsync("/Account/Login")),
            ("redirect to sign-in", await anonymous.GetAsync("/Rankings")),
            ("static file", await anonymous.GetAsync("/js/site.js")),
            ("home", await admin.GetAsync("/")),
            ("not found", await admin.GetAsync("/Patients/999999?profile=nothing")),
            ("CSV", await admin.GetAsync("/Rankings/export.csv?profile=nothing")),
            ("health", await anonymous.GetAsync("/health/live")),
            ("job dashboard", await admin.GetAsync("/admin/jobs")),
        };
        foreach (var (what, response) in responses)
        {
            var csp = string.Join(" ", response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values : []);
            Assert.True(csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal), $"{what} ({(int)response.StatusCode}): CSP '{csp}'");
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            if (what != "job dashboard")
            {
                Assert.Contains("script-src 'self';", csp);
                Assert.DoesNotContain("unsafe-eval", csp);
            }
        }
        Assert.Equal(HttpStatusCode.NotFound, responses.Single(r => r.What == "not found").Response.StatusCode);
    }
}
