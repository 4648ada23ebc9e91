using Microsoft.Playwright;

namespace DolMapper.BrowserTests;

/// <summary>
/// The machine's Chromium driven by Playwright (no browser download: Debian's chromium package,
/// or the one named by DOLMAPPER_CHROMIUM). A missing browser fails the tests with a message
/// saying how to install it; it never skips them.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("DOLMAPPER_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {ChromiumPath}. Install it ('apt-get install -y chromium', which .ci/run does) " +
                "or set DOLMAPPER_CHROMIUM to a Chromium or Chrome executable.");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    /// <summary>Where screenshots are kept as test output: artifacts/screenshots at the repository root.</summary>
    /// <summary>A browser context on <paramref name="app"/> at a laptop's window size.</summary>
    public Task<IBrowserContext> NewContextAsync(TestApp app) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });

    /// <summary>Opens the app in <paramref name="context"/> and signs in as the demo user of <paramref name="role"/>.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, string role)
    {
        var login = TestApp.Demo(role);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Contains("/Account/Login", page.Url);
        // Signing in hashes the password (and, for equal timing, a decoy); with the other test
        // projects running beside this one on two cores that can take longer than Playwright's 30 s.
        // Once in a CI run the page stayed on the sign-in form for 90 s; what it then said is
        // reported (and the sign-in tried once more) so that such a failure can be diagnosed.
        string? firstAttempt = null;
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByLabel("E-mail").FillAsync(login.Email);
            await page.GetByLabel("Password").FillAsync(login.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            try
            {
                await page.WaitForURLAsync(url => !url.Contains("/Account/Login"), new() { Timeout = 60_000 });
                if (firstAttempt is not null)
                {
                    Console.Error.WriteLine($"Sign-in as {role} needed a second attempt; the first left the page at {firstAttempt}");
                }
                return page;
            }
            catch (TimeoutException) when (attempt == 1)
            {
                firstAttempt = $"{page.Url}: {await page.InnerTextAsync("body")}";
                await page.GotoAsync("/Account/Login");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"Signing in as {role} left the page at {page.Url} twice. First: {firstAttempt}. Now: {await page.InnerTextAsync("body")}", e);
            }
        }
    }

    /// <summary>Follows a link of the navigation bar, opening the collapsed menu (narrow screens) and the Admin menu when the link is inside them.</summary>
    public static async Task NavigateAsync(IPage page, string link)
    {
        var target = page.GetByTestId("nav").GetByRole(AriaRole.Link, new() { Name = link, Exact = true });
        if (!await target.IsVisibleAsync())
        {
            var toggler = page.Locator(".navbar-toggler");
            if (await toggler.IsVisibleAsync() && await toggler.GetAttributeAsync("aria-expanded") != "true")
            {
                await toggler.ClickAsync();
            }
            var admin = page.GetByTestId("admin-menu");
            if (await target.IsVisibleAsync() == false && await admin.IsVisibleAsync())
            {
                await admin.ClickAsync();
            }
        }
        await target.ClickAsync();
    }

    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("DOLMAPPER_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DolMapper.sln")))
            {
                dir = dir.Parent;
            }
            folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        }
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<PostgresFixture>, ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
