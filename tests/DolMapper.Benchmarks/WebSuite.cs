using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Benchmarks;

/// <summary>
/// web: the dashboard on Kestrel over the scored world (the score suite's result), 20 concurrent
/// signed-in clients on loopback, each request kind on its own: the first page unfiltered, a
/// country + specialty filter, a name search, page 50, and a sort by one question. Reports each
/// kind's p95 in the steady state: each kind (and the baseline) is first loaded, unmeasured, until
/// its rate of requests settles. Baseline in the same run: the p95 of the app's liveness endpoint under the same
/// load — the cost of the HTTP stack, sign-in cookie and logging with no query behind it.
/// </summary>
public static partial class WebSuite
{
    public const int Clients = 20;
    public const int RequestsPerKind = 600;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var results = new List<Result>();
        var database = await ScoreSuite.EnsureScoredDatabaseAsync(context, results);
        var scoredProfile = await EnsureEveryPersonRunAsync(context, database, results);
        // The state autovacuum leaves the tables in minutes after a run (visibility map set, statistics current).
        await using var web = await WebApp.StartAsync(context, database);
        // After the app's migrations: the state autovacuum leaves the tables in minutes after a run (visibility map set, statistics current).
        await context.ExecuteAsync("VACUUM (ANALYZE) person_scores, person_score_evidence, person_not_ranked, persons, accounts", database);
        var persons = await web.ScalarAsync<long>("SELECT person_count::bigint FROM scoring_runs WHERE status = 'complete' ORDER BY completed_at DESC LIMIT 1");
        var profile = Uri.EscapeDataString(scoredProfile);
        // A name that occurs in the world, and the country and specialty with the most scored persons.
        var name = await web.ScalarAsync<string>("SELECT split_part(display_name, ' ', 2) FROM persons WHERE display_name LIKE '% %' ORDER BY id LIMIT 1 OFFSET 1000");
        var country = await web.ScalarAsync<string>("SELECT country FROM person_scores WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
        var specialty = await web.ScalarAsync<string>("SELECT specialty FROM person_scores WHERE specialty IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
        var kinds = new (string Kind, string Path)[]
        {

            ("first page, unfiltered", $"/Rankings?profile={profile}"),
            ("country + specialty filter", $"/Rankings?profile={profile}&country={country}&specialty={specialty}"),
            ("name search (trigram index)", $"/Rankings?profile={profile}&q={Uri.EscapeDataString(name)}"),
            ("page 50", $"/Rankings?profile={profile}&page=50"),
            ("sorted by a question (science)", $"/Rankings?profile={profile}&sort=science"),
            // The example read in its topic: the name search also looks among the HCPs it did not rank.
            ("name search, topic profile (ranked and not ranked)", $"/Rankings?profile={Uri.EscapeDataString(ExampleProfiles.OncologyScientificExchange.Name)}&q={Uri.EscapeDataString(name)}"),
        };
        var clients = new List<HttpClient>();
        for (var i = 0; i < Clients; i++)
        {
            clients.Add(await web.SignInAsync());
        }
        // The baseline gets its warm-up too.
        var baselineWarmUp = await WarmUpAsync(clients, "/health/live");
        var baselineAllocated = GC.GetTotalAllocatedBytes();
        var baseline = await LoadAsync(clients, "/health/live");
        // What every request costs the process (app and clients) with no page behind it: the floor of the figures below.
        var baselinePerRequest = (GC.GetTotalAllocatedBytes() - baselineAllocated) / (double)(RequestsPerKind + Clients) / 1024;
        foreach (var (kind, path) in kinds)
        {
            // Warm-up rounds first, not measured: a page's first answers compile its view, tier up its
            // code and prepare its statements on each pooled connection, which is not what the p95 is
            // about (on 2 cores the first few thousand requests of a freshly started process ran at half
            // the steady rate while the JIT compiled in the background).
            (await clients[0].GetAsync(path)).EnsureSuccessStatusCode();
            var warmUp = await WarmUpAsync(clients, path);
            var (gen0, gen2, allocated, bytes) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(), 0L);
            var clock = Stopwatch.StartNew();
            var p95 = await LoadAsync(clients, path);
            var seconds = clock.Elapsed.TotalSeconds;
            // What the process (app and clients) paid per request, for reading the figure: allocations and collections.
            var perRequest = (GC.GetTotalAllocatedBytes() - allocated) / (double)(RequestsPerKind + Clients) / 1024;
            const int target = 150;
            results.Add(new Result("web", context.Scale, $"p95, {kind}", p95, "ms", $"p95 of /health/live, {Clients} clients", baseline, p95 / baseline,
                $"≤ {target} ms", p95 <= target,
                $"{persons:N0} scored persons; {RequestsPerKind} requests by {Clients} concurrent clients: GET {path} (after {warmUp} warm-up rounds; /health/live after {baselineWarmUp}); {(RequestsPerKind + Clients) / seconds:0} requests/s, {perRequest:N0} KB allocated per request (/health/live: {baselinePerRequest:N0} KB), {GC.CollectionCount(0) - gen0} gen0 / {GC.CollectionCount(2) - gen2} gen2 collections"));
        }
        results.Add(await PreviewAsync(clients[0], scoredProfile, persons, context));
        foreach (var client in clients)
        {
            client.Dispose();
        }
        return results;
    }

    /// <summary>
    /// The profile editor's live preview (what htmx posts as a weight slider moves): the first
    /// answer after the app starts (it loads the run's signals) and the p95 of 50 more with other
    /// weights, one admin. Baseline: the editor page's own GET.
    /// </summary>
    private static async Task<Result> PreviewAsync(HttpClient admin, string profile, long persons, BenchmarkContext context)
    {
        var editorPath = $"/Admin/Profiles/Edit?name={Uri.EscapeDataString(profile)}";
        var clock = Stopwatch.StartNew();
        var editor = await admin.GetStringAsync(editorPath);
        var pageMs = clock.Elapsed.TotalMilliseconds;
        string Field(string name) => WebUtility.HtmlDecode(Regex.Match(editor, $"name=\"{Regex.Escape(name)}\"[^>]*?value=\"([^\"]*)\"").Groups[1].Value);
        string Text(string name) => WebUtility.HtmlDecode(Regex.Match(editor, $"<textarea[^>]*name=\"{Regex.Escape(name)}\"[^>]*>([^<]*)</textarea>").Groups[1].Value).Trim();
        // The editor's own fields, read once; only the weights change from one answer to the next.
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Field("__RequestVerificationToken"),
            ["Form.Name"] = profile,
            ["Form.Hashtags"] = Text("Form.Hashtags"),
            ["Form.Keywords"] = Text("Form.Keywords"),
            ["Form.Countries"] = "",
            ["Form.WindowDays"] = Field("Form.WindowDays"),
            ["Form.MinHcpConfidence"] = Field("Form.MinHcpConfidence"),
            ["Form.Active"] = "true",
            ["Form.BaseVersion"] = Field("Form.BaseVersion"),
        };
        var random = new Random(3);
        async Task<double> OneAsync()
        {
            var form = new Dictionary<string, string>(fields);
            for (var q = 0; q < DolMapper.Scoring.Questions.Count; q++)
            {
                form[$"Form.Weights[{q}]"] = (random.Next(0, 5) * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            form["Form.Weights[0]"] = "1";
            var started = Stopwatch.StartNew();
            using var response = await admin.PostAsync("/Admin/Profiles/Edit?handler=Preview", new FormUrlEncodedContent(form));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !body.Contains("data-testid=\"preview-row\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The preview answered {(int)response.StatusCode} without rows.");
            }
            return started.Elapsed.TotalMilliseconds;
        }
        var first = await OneAsync();
        var timings = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            timings.Add(await OneAsync());
        }
        timings.Sort();
        var p95 = timings[(int)Math.Ceiling(0.95 * timings.Count) - 1];
        var worst = Math.Max(first, p95);
        return new Result("web", context.Scale, "editor preview, first answer and p95 of 50", worst, "ms", "the editor page's GET", pageMs, worst / pageMs,
            "≤ 1,500 ms", worst <= 1500,
            $"{persons:N0} scored persons; first answer (loads the run's signals) {first:N0} ms, p95 of 50 more with other weights {p95:N0} ms");
    }

    /// <summary>
    /// The profile the suite browses: the oncology example with a minimum HCP confidence of 0, so every
    /// person with a post in the window is scored (577k at large scale; the issue asks for 500k scored
    /// persons, and the example's HCP-only population is 290k). Scored once into the kept scored world.
    /// </summary>
    public static async Task<string> EnsureEveryPersonRunAsync(BenchmarkContext context, string database, List<Result> results)
    {
        var definition = ExampleProfiles.OncologyScientificExchange with
        {
            Name = "benchmark-every-person",
            MinHcpConfidence = 0,
            // Every person with a post: read over everything (a topic would leave most of them not ranked).
            Scope = DolMapper.Scoring.ProfileDefinition.AllScope,
        };
        await using var app = await context.OpenAppAsync(database);
        await using var scope = app.Services.CreateAsyncScope();
        var profiles = scope.ServiceProvider.GetRequiredService<ScoringProfiles>();
        await profiles.SaveAsync(definition, "benchmark", CancellationToken.None);
        var done = await context.ScalarAsync($"""
            SELECT count(*) FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE p.name = '{definition.Name}' AND r.status = 'complete'
            """, database);
        if (done is long n && n > 0)
        {
            return definition.Name;
        }
        var runner = scope.ServiceProvider.GetRequiredService<ScoringRunner>();
        var report = (await runner.RunAsync(definition.Name, "benchmark", null, CancellationToken.None)).Single();
        if (!report.Complete)
        {
            throw new InvalidOperationException(report.Message);
        }
        results.Add(new Result("web", context.Scale, "setup: scoring every person with a post", report.Elapsed.TotalSeconds, "s", "—", null, null, "(informative)", null, report.Message));
        return definition.Name;
    }

    /// <summary>
    /// Rounds of the same load, unmeasured, until the rate of requests settles (two rounds within 10%
    /// of each other, at most eight): the steady state the p95 is about. Returns the rounds run.
    /// </summary>
    private static async Task<int> WarmUpAsync(IReadOnlyList<HttpClient> clients, string path)
    {
        double? previous = null;
        for (var round = 1; round <= 8; round++)
        {
            var clock = Stopwatch.StartNew();
            await LoadAsync(clients, path);
            var rate = (RequestsPerKind + Clients) / clock.Elapsed.TotalSeconds;
            if (previous is { } p && Math.Abs(rate - p) <= 0.1 * p)
            {
                return round;
            }
            previous = rate;
        }
        return 8;
    }

    /// <summary>p95 in milliseconds of <see cref="RequestsPerKind"/> GETs of <paramref name="path"/> by the clients at once, after a warm-up.</summary>
    internal static async Task<double> LoadAsync(IReadOnlyList<HttpClient> clients, string path)
    {
        // Like a load generator: the whole body is read (the clock stops at its last byte) into a
        // reused buffer. Buffering each page into a growing array in this process (the app's own)
        // put every response on the large-object heap and made the app's garbage collector the
        // bottleneck — a cost of the measuring client, not of the server.
        var buffers = new System.Collections.Concurrent.ConcurrentDictionary<HttpClient, byte[]>();
        async Task<double> OneAsync(HttpClient client)
        {
            var buffer = buffers.GetOrAdd(client, _ => new byte[1 << 16]);
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
            }
            await using var body = await response.Content.ReadAsStreamAsync();
            while (await body.ReadAsync(buffer) > 0)
            {
            }
            return clock.Elapsed.TotalMilliseconds;
        }
        await Task.WhenAll(clients.Select(OneAsync));
        var timings = new System.Collections.Concurrent.ConcurrentBag<double>();
        var perClient = RequestsPerKind / clients.Count;
        await Task.WhenAll(clients.Select(async client =>
        {
            for (var i = 0; i < perClient; i++)
            {
                timings.Add(await OneAsync(client));
            }
        }));
        var sorted = timings.Order().ToArray();
        return sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1];
    }
}

/// <summary>The web app on Kestrel (loopback, any free port) over a benchmark database, with one admin to sign in as.</summary>
public sealed partial class WebApp : IAsyncDisposable
{
    private const string Email = "benchmark@dolmapper.local";
    private const string Password = "Bench-Mark-Password-2026!";

    private readonly DolMapperApp _app;
    private readonly string _connectionString;

    private WebApp(DolMapperApp app, Uri address, string connectionString)
    {
        _app = app;
        Address = address;
        _connectionString = connectionString;
    }

    public Uri Address { get; }

    public static async Task<WebApp> StartAsync(BenchmarkContext context, string database)
    {
        var connectionString = context.ConnectionString(database);
        var app = await DolMapperApp.CreateAsync(HostRole.Web,
        [
            $"--ConnectionStrings:DolMapper={connectionString}", "--urls=http://127.0.0.1:0",
            $"--DolMapper:Admin:Email={Email}", $"--DolMapper:Admin:Password={Password}",
            "--Serilog:MinimumLevel:Default=Warning", "--Logging:LogLevel:Default=Warning",
            // Twenty clients sign in from one address at once; the per-address limit is for people.
            "--DolMapper:Auth:SignInAttemptsPerMinute=1000",
        ]);
        await app.PrepareAsync();
        await app.StartAsync();
        return new WebApp(app, new Uri(app.Urls.Single()), connectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A client signed in as the benchmark admin, one connection, cookies kept.</summary>
    public async Task<HttpClient> SignInAsync()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true, MaxConnectionsPerServer = 1 })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromMinutes(5),
        };
        var page = await client.GetStringAsync("/Account/Login");
        var token = WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value);
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Email, ["Input.Password"] = Password, ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        }
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
