using System.Net;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>
/// Every endpoint the app maps — pages, minimal APIs, the job dashboard — read from its own
/// endpoint list at test time and requested as anonymous, BrandManager, Analyst and Admin, against
/// the expectation declared here (docs/security.md). A new endpoint without an expectation fails.
/// </summary>
public sealed class EndpointAuthorizationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private enum Least { Anonymous, BrandManager, Analyst, Admin }

    /// <summary>The least role each endpoint (route pattern, with its methods) lets in.</summary>
    private static readonly Dictionary<string, Least> Expected = new(StringComparer.Ordinal)
    {
        ["/"] = Least.BrandManager,
        ["/Account/ExternalLogin"] = Least.Anonymous,
        ["/Account/Login"] = Least.Anonymous,
        ["/Account/Logout"] = Least.BrandManager,
        ["/Account/SetPassword"] = Least.Anonymous,
        ["/Admin/Audit"] = Least.Admin,
        ["/Admin/Crm"] = Least.Admin,
        ["/Admin/CrmUpload"] = Least.Admin,
        ["/Admin/OptOuts"] = Least.Admin,
        ["/Admin/Persons"] = Least.Admin,
        ["/Admin/Persons/Index"] = Least.Admin,
        ["/Admin/Persons/Person"] = Least.Admin,
        ["/Admin/Persons/Review"] = Least.Admin,
        ["/Admin/Products"] = Least.Admin,
        ["/Admin/Profiles"] = Least.Admin,
        ["/Admin/Profiles/Edit"] = Least.Admin,
        ["/Admin/Profiles/Index"] = Least.Admin,
        ["/Admin/Profiles/Versions"] = Least.Admin,
        ["/Admin/SourceEdit/{id:int?}"] = Least.Admin,
        ["/Admin/Sources"] = Least.Admin,
        ["/Admin/Users"] = Least.Admin,
        ["/Compare"] = Least.BrandManager,
        ["/Compare/Index"] = Least.BrandManager,
        ["/Error"] = Least.Anonymous,
        ["/Events"] = Least.BrandManager,
        ["/Events/Compare"] = Least.BrandManager,
        ["/Events/Event"] = Least.BrandManager,
        ["/Events/Index"] = Least.BrandManager,
        ["/Events/report.csv"] = Least.Analyst,
        ["/Import"] = Least.Analyst,
        ["/Import/Index"] = Least.Analyst,
        ["/Import/Run/{id:long}"] = Least.Analyst,
        ["/Index"] = Least.BrandManager,
        ["/Insights"] = Least.BrandManager,
        ["/Insights/Index"] = Least.BrandManager,
        ["/Insights/Item"] = Least.BrandManager,
        ["/Insights/Product"] = Least.BrandManager,
        ["/Insights/concerns.csv"] = Least.Analyst,
        ["/Insights/products.csv"] = Least.Analyst,
        ["/Insights/trends.csv"] = Least.Analyst,
        ["/Help/{**name}"] = Least.BrandManager,
        ["/Network"] = Least.BrandManager,
        ["/Network/Index"] = Least.BrandManager,
        ["/Patients"] = Least.BrandManager,
        ["/Patients/Compare"] = Least.BrandManager,
        ["/Patients/Index"] = Least.BrandManager,
        ["/Patients/export.csv"] = Least.Analyst,
        ["/Patients/{id:long}"] = Least.BrandManager,
        ["/Personas"] = Least.BrandManager,
        ["/Personas/Index"] = Least.BrandManager,
        ["/Profiles/{id:long}"] = Least.BrandManager,
        ["/Profiles/{id:long}/network.json"] = Least.BrandManager,
        ["/Rankings"] = Least.BrandManager,
        ["/Rankings/Index"] = Least.BrandManager,
        ["/Rankings/Learned"] = Least.BrandManager,
        ["/Rankings/export.csv"] = Least.Analyst,
        ["/Rankings/network.json"] = Least.BrandManager,
        ["/SavedViews"] = Least.BrandManager,
        ["/SavedViews/Index"] = Least.BrandManager,
        ["/Safety"] = Least.Analyst,
        ["/Safety/Index"] = Least.Analyst,
        ["/Safety/export.csv"] = Least.Analyst,
        ["/Shortlists"] = Least.Analyst,
        ["/Shortlists/Index"] = Least.Analyst,
        ["/Shortlists/{id:int}"] = Least.Analyst,
        ["/Shortlists/{id:int}/export.csv"] = Least.Analyst,
        ["/admin/jobs/{**path}"] = Least.Admin,
        ["/health/live"] = Least.Anonymous,
        ["/health/ready"] = Least.Anonymous,
    };

    private static readonly (string? Role, Least Level)[] Callers =
        [(null, Least.Anonymous), (Roles.BrandManager, Least.BrandManager), (Roles.Analyst, Least.Analyst), (Roles.Admin, Least.Admin)];

    private static string Sample(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{\*\*[^}]*\}|\{([^}:]+)(:[^}]*)?\}", m =>
        m.Value.StartsWith("{**", StringComparison.Ordinal) ? "" : m.Value.Contains(":int", StringComparison.Ordinal) || m.Value.Contains(":long", StringComparison.Ordinal) ? "1" : "x").TrimEnd('/');

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_declared()
    {
        await using var app = await TestApp.StartAsync(await postgres.CreateMigratedDatabaseAsync());
        var endpoints = app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").Trim('/'),
                // A page answers GET and its handlers' POSTs; the job dashboard both too.
                Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null || e.RoutePattern.RawText?.Contains("{**", StringComparison.Ordinal) == true
                    ? new[] { "GET", "POST" }
                    : e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.ToArray() ?? ["GET"]))
            .GroupBy(e => e.Pattern).Select(g => (Pattern: g.Key, Methods: g.SelectMany(x => x.Methods).Distinct().Order().ToArray()))
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ToList();
        var undeclared = endpoints.Where(e => !Expected.ContainsKey(e.Pattern)).Select(e => $"[\"{e.Pattern}\"] = ?, // {string.Join(",", e.Methods)}").ToList();
        Assert.True(undeclared.Count == 0, "endpoints without an expectation:\n" + string.Join("\n", undeclared));
        var failures = new List<string>();
        var clients = new Dictionary<string, HttpClient>();
        foreach (var (role, _) in Callers.Where(c => c.Role is not null))
        {
            clients[role!] = await app.SignInAsync(role!);
        }
        foreach (var (pattern, methods) in endpoints)
        {
            var path = Sample(pattern);
            foreach (var method in methods.Where(m => m is "GET" or "POST"))
            {
                foreach (var (role, level) in Callers)
                {
                    var allowed = level >= Expected[pattern];
                    if (method == "POST" && allowed)
                    {
                        // An allowed POST without its form would only test the form's checks; refusals are what matter here.
                        continue;
                    }
                    var client = role is null ? app.CreateClient() : clients[role];
                    using var request = new HttpRequestMessage(new HttpMethod(method), path.Length == 0 ? "/" : path);
                    if (method == "POST")
                    {
                        request.Content = new FormUrlEncodedContent([]);
                    }
                    var response = await client.SendAsync(request);
                    var toSignIn = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/Account/Login", StringComparison.Ordinal) == true;
                    var refused = toSignIn || response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
                    if (allowed && refused && !(pattern == "/Account/Login" && role is not null))
                    {
                        failures.Add($"{method} {path} as {role ?? "anonymous"}: refused ({(int)response.StatusCode}) but {Expected[pattern]} may");
                    }
                    else if (!allowed && !refused)
                    {
                        failures.Add($"{method} {path} as {role ?? "anonymous"}: {(int)response.StatusCode}, but only {Expected[pattern]} and above may");
                    }
                    else if (!allowed && role is null && !toSignIn && method == "GET")
                    {
                        failures.Add($"{method} {path} as anonymous: {(int)response.StatusCode}, not sent to sign in");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
