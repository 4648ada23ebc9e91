using System.Net;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>Who may see what, over real HTTP against the app on Kestrel.</summary>
public sealed class AuthorizationTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Every page the app has, read from its endpoints, plus the job dashboard.</summary>
    private IReadOnlyList<string> AllPages()
    {
        var pages = _app.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/'))
            .Distinct()
            .ToList();
        pages.Add("/admin/jobs");
        return pages;
    }

    [Fact]
    public async Task Anonymous_requests_to_every_page_but_sign_in_redirect_to_sign_in()
    {
        var pages = AllPages();
        Assert.Contains("/", pages);
        Assert.Contains("/Admin/Users", pages);
        var client = _app.CreateClient();

        foreach (var page in pages.Where(p => p is not "/Account/Login" and not "/Account/SetPassword" and not "/Account/ExternalLogin" and not "/Error"))
        {
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page} answered {response.StatusCode} to an anonymous request");
            Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
        }

        var login = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Anonymous_requests_to_an_unknown_address_also_go_to_sign_in()
    {
        var response = await _app.CreateClient().GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Theory]
    [InlineData(Roles.Admin, "/", HttpStatusCode.OK)]
    [InlineData(Roles.Analyst, "/", HttpStatusCode.OK)]
    [InlineData(Roles.BrandManager, "/", HttpStatusCode.OK)]
    [InlineData(Roles.Admin, "/Admin/Users", HttpStatusCode.OK)]
    [InlineData(Roles.Analyst, "/Admin/Users", HttpStatusCode.Forbidden)]
    [InlineData(Roles.BrandManager, "/Admin/Users", HttpStatusCode.Forbidden)]
    [InlineData(Roles.Admin, "/admin/jobs", HttpStatusCode.OK)]
    [InlineData(Roles.Analyst, "/admin/jobs", HttpStatusCode.Forbidden)]
    [InlineData(Roles.BrandManager, "/admin/jobs", HttpStatusCode.Forbidden)]
    [InlineData(Roles.BrandManager, "/admin/jobs/recurring", HttpStatusCode.Forbidden)]
    public async Task Each_role_reaches_what_it_may_and_gets_403_elsewhere(string role, string path, HttpStatusCode expected)
    {
        var client = await _app.SignInAsync(role);
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Contains("Not allowed", body);
            Assert.DoesNotContain("Hangfire", body);
        }
    }

    [Fact]
    public async Task The_job_dashboard_is_hangfire_for_an_admin()
    {
        var client = await _app.SignInAsync(Roles.Admin);
        var body = await client.GetStringAsync("/admin/jobs");
        Assert.Contains("DolMapper jobs", body);
        Assert.Contains("Hangfire", body);
    }

    [Fact]
    public async Task Navigation_shows_admin_links_to_admins_only()
    {
        var admin = await (await _app.SignInAsync(Roles.Admin)).GetStringAsync("/");
        var brand = await (await _app.SignInAsync(Roles.BrandManager)).GetStringAsync("/");
        Assert.Contains("href=\"/Admin/Users\"", admin);
        Assert.Contains("href=\"/admin/jobs\"", admin);
        Assert.DoesNotContain("href=\"/Admin/Users\"", brand);
        Assert.DoesNotContain("href=\"/admin/jobs\"", brand);
    }

    [Fact]
    public async Task The_home_page_has_an_honest_empty_state_until_there_is_data()
    {
        var body = await (await _app.SignInAsync(Roles.BrandManager)).GetStringAsync("/");
        Assert.Contains("data-testid=\"empty-state\"", body);
        Assert.Contains("No data yet", body);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_sign_in()
    {
        var client = _app.CreateClient();
        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("\"database\":{\"status\":\"Healthy\"", body);
        Assert.Contains("\"migrations\":{\"status\":\"Healthy\"", body);
    }
}
