using System.Net;
using System.Text.RegularExpressions;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Support;

/// <summary>The real web app on Kestrel at 127.0.0.1 on a free port, on a test database.</summary>
public sealed partial class TestApp : IAsyncDisposable
{
    private TestApp(DolMapperApp app, Uri baseAddress, IReadOnlyList<PrintedLogin> logins)
    {
        App = app;
        BaseAddress = baseAddress;
        Logins = logins;
    }

    public DolMapperApp App { get; }
    public Uri BaseAddress { get; }
    public IReadOnlyList<PrintedLogin> Logins { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>Starts the app in demo mode (one user per role) unless settings say otherwise.</summary>
    public static async Task<TestApp> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, bool prepare = true)
    {
        var values = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["DolMapper:Demo"] = "true",
            // Most tests want the demo users, not the demo world; those that want it turn it on (and keep it small).
            ["DolMapper:DemoWorld:Enabled"] = "false",
            ["DolMapper:DemoWorld:Persons"] = "60",
            ["DolMapper:DemoWorld:Posts"] = "600",
            // Tests sign in far more often than people do; the rate limit has a test of its own.
            ["DolMapper:Auth:SignInAttemptsPerMinute"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var app = await DolMapperApp.CreateAsync(HostRole.Web, [], b => b.UseTestDatabase(connectionString, values));
        try
        {
            var logins = prepare ? await app.PrepareAsync() : [];
            await app.StartAsync();
            return new TestApp(app, new Uri(app.Urls.Single()), logins);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = BaseAddress,
        };

    public static PrintedLogin Demo(string role) => UserSeeder.DemoUsers.Single(u => u.Role == role);

    /// <summary>Signs in through the real login form (with its anti-forgery token) and returns the signed-in client.</summary>
    public async Task<HttpClient> SignInAsync(string role)
    {
        var login = Demo(role);
        var client = CreateClient();
        var response = await PostLoginAsync(client, login.Email, login.Password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {role} failed: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return client;
    }

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryToken(page);
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    public static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No anti-forgery token on the page.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
