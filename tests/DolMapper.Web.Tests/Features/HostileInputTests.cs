using System.Net;
using System.Text;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>
/// Hostile input (docs/security.md): more than 200 strings — script and event-handler injections,
/// attribute breakouts, CSV formulas, SQL fragments, path traversal, right-to-left and zero-width
/// characters, combining marks, very long strings, control characters, emoji — as display names,
/// bios, handles, hashtags and post text through the import path, as a profile's name and as
/// search text. Every value is stored as given (or its line refused with a reason), every page
/// shows it as text, exports neutralise formulas, nothing answers 500.
/// </summary>
public sealed class HostileInputTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string[] Seeds =
    [
        "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "\"><script>alert(document.cookie)</script>", "'><img src=x onerror=alert(1)>",
        "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<body onload=alert(1)>", "<iframe src=\"javascript:alert(1)\"></iframe>", "javascript:alert(1)",
        "\" onmouseover=\"alert(1)", "' autofocus onfocus='alert(1)", "</textarea><script>alert(1)</script>", "</title><script>alert(1)</script>", "{{7*7}}", "${7*7}",
        "<a href=\"javascript:alert(1)\">x</a>", "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "<style>*{display:none}</style>", "<!--", "]]>",
        "=HYPERLINK(\"http://evil.example\",\"x\")", "=1+1", "+1+1", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "=cmd|' /C calc'!A0",
        "'; DROP TABLE posts; --", "' OR '1'='1", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)", "%", "_", "\\", "%_%", "'", "\"", "\\'", "$$", "E'\\\\x00'",
        "../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/dev/null", "file:///etc/passwd",
        "\u202Eevil\u202C", "abc\u200Bdef", "\uFEFFbom", "\u200D\u200C", "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035A", "e\u0301\u0302\u0303",
        "\u0001\u0002\u0003", "bell\u0007", "esc\u001b[31mred", "line\nbreak", "tab\tin", "cr\rin", "\u0085next", "\u2028sep\u2029",
        "👩🏽‍⚕️🧬", "🇬🇧🇺🇸", "😀😃😄😁😆", "𝕳𝖊𝖑𝖑𝖔", "日本語のテキスト", "العربية", "עברית", "Ελληνικά", "ñandú", "Ærøskøbing",
    ];

    /// <summary>The strings: each seed alone, behind ordinary words, doubled, and a few very long ones.</summary>
    internal static IReadOnlyList<string> Strings()
    {
        var all = new List<string>();
        all.AddRange(Seeds);
        all.AddRange(Seeds.Select(s => "Oncology " + s));
        all.AddRange(Seeds.Select(s => s + s));
        all.Add(new string('A', 5_000));
        all.Add(string.Concat(Enumerable.Repeat("<script>", 500)));
        all.Add(string.Concat(Enumerable.Repeat("é\u0301", 2_000)));
        all.Add(string.Concat(Enumerable.Repeat("👩🏽‍⚕️", 800)));
        return all;
    }

    [Fact]
    public async Task Hostile_strings_are_stored_as_given_shown_as_text_and_neutralised_in_exports()
    {
        var strings = Strings();
        Assert.True(strings.Count >= 200, $"{strings.Count} strings");
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        var at = new DateTime(2026, 9, 1, 12, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < strings.Count; i++)
        {
            var s = strings[i];
            // Half of them as the whole display name (so a formula would lead the CSV cell), half behind a credential.
            var name = i % 2 == 0 ? s : $"Dr {s}, MD";
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = $"a{i}", handle = $"h{i}", name, bio = "Medical oncologist. " + s, location = s, country = "GB" }));
            lines.Add(JsonSerializer.Serialize(new { type = "post", platform = "x", id = $"{i + 1}", account_id = $"a{i}", created_at = at.AddMinutes(i).ToString("O"),
                text = "New data #bcsm " + s, hashtags = new[] { "bcsm", s }, likes = i }));
        }
        // Hostile handles, on accounts of their own.
        for (var i = 0; i < 40; i++)
        {
            lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "mastodon", id = $"m{i}@x.example", handle = strings[i], name = $"Dr Mastodon {i}, MD", bio = "Oncologist." }));
        }
        // A NUL cannot be stored (PostgreSQL text holds none): the importer removes it, as docs/import.md says, and keeps the rest of the value.
        lines.Add(JsonSerializer.Serialize(new { type = "account", platform = "x", id = "nul", handle = "nul", name = "Dr Nul\u0000Byte, MD", bio = "Oncologist." }));
        var report = await db.ImportAsync(lines);
        Assert.Equal(0L, report.Rejected);
        Assert.Equal("Dr NulByte, MD", await Sql.ScalarAsync(db.ConnectionString, "SELECT name FROM accounts WHERE external_id = 'nul'"));

        // Stored as given: nothing lost, nothing cut.
        var connection = db.ConnectionString;
        var names = await Sql.ColumnAsync(connection, "SELECT name FROM accounts WHERE platform = 'x' AND external_id ~ '^a[0-9]+$' ORDER BY substr(external_id, 2)::int");
        var expectedNames = strings.Select((s, i) => i % 2 == 0 ? s : $"Dr {s}, MD").ToList();
        Assert.Equal(expectedNames.Count, names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            Assert.True(expectedNames[i] == names[i], $"name {i} stored as '{names[i]}' for '{expectedNames[i]}'");
        }
        var texts = await Sql.ColumnAsync(connection, "SELECT text FROM posts ORDER BY external_id::int");
        Assert.Equal(strings.Select(s => "New data #bcsm " + s), texts);
        Assert.Equal(40, await Sql.CountAsync(connection, "SELECT count(*) FROM accounts WHERE platform = 'mastodon'"));

        // A profile with a hostile name and topic, scored.
        await using var scoring = await ScoringServices.CreateAsync(connection);
        var profileName = "<script>alert('profile')</script> =1+1";
        Assert.True((await scoring.SaveProfileAsync(new ProfileDefinition
        {
            Name = profileName, Hashtags = ["bcsm"], Keywords = ["<img src=x onerror=alert(1)>"], Weights = new Dictionary<string, double> { ["relevance"] = 1, ["activity"] = 1 },
        })).Saved);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);

        await using var app = await TestApp.StartAsync(connection);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var profile = Uri.EscapeDataString(profileName);
        var failures = new List<string>();
        async Task<string> Page(string path)
        {
            var response = await analyst.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{path}: {(int)response.StatusCode}");
            }
            // No payload survives as markup: every '<' of ours reaches the page encoded.
            foreach (var tag in new[] { "<script>alert", "<img src=x onerror", "<svg onload", "<body onload", "<iframe src", "<style>*{display", "<SCRIPT SRC" })
            {
                if (body.Contains(tag, StringComparison.Ordinal))
                {
                    failures.Add($"{path}: '{tag}' appears as markup");
                }
            }
            return body;
        }

        var pages = (int)Math.Ceiling(strings.Count / 50.0);
        for (var p = 1; p <= pages; p++)
        {
            await Page($"/Rankings?profile={profile}&page={p}");
        }
        var ids = await Sql.ColumnAsync(connection, $"SELECT person_id::text FROM person_scores WHERE run_id = {run.RunId}");
        // Everyone posted on the topic and calls themselves an oncologist: all are ranked.
        Assert.Equal(strings.Count, ids.Count);
        foreach (var id in ids)
        {
            await Page($"/Profiles/{id}?profile={profile}");
        }
        foreach (var s in strings.Where(s => s.Length < 500))
        {
            await Page($"/Rankings?profile={profile}&q={Uri.EscapeDataString(s)}");
        }
        await Page($"/Insights?profile={profile}");
        await Page($"/Compare?profile={profile}&ids={string.Join("&ids=", ids.Take(3))}");

        // The CSV: every name as given, a formula neutralised by a leading apostrophe and nothing else changed.
        var csv = await analyst.GetStringAsync($"/Rankings/export.csv?profile={profile}");
        var rows = ParseCsv(csv);
        var header = rows[0];
        var nameColumn = Array.IndexOf(header, "name");
        var exported = rows.Skip(1).Select(r => r[nameColumn]).ToHashSet(StringComparer.Ordinal);
        foreach (var name in expectedNames.Where(n => !n.StartsWith("Dr ", StringComparison.Ordinal)))
        {
            var neutral = DolMapper.Web.Infrastructure.Downloads.CsvText(name);
            if (!exported.Contains(neutral))
            {
                failures.Add($"CSV: name '{name}' not exported as '{neutral}'");
            }
            if (neutral.Length > 0 && neutral[0] != '\'' && neutral.TrimStart(' ', '\t', '\r', '\n').FirstOrDefault() is '=' or '+' or '-' or '@')
            {
                failures.Add($"CSV: '{name}' would run as a formula");
            }
        }
        Assert.True(exported.All(cell => cell.Length == 0 || cell[0] is not ('=' or '+' or '-' or '@' or '\t' or '\r')), "a CSV cell starts with a formula character");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public async Task Every_form_takes_hostile_values_refuses_or_stores_them_and_shows_them_as_text()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([
            JsonSerializer.Serialize(new { type = "account", platform = "x", id = "1", handle = "onc1", name = "Dr One, MD", bio = "Medical oncologist." }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "1", account_id = "1", created_at = "2026-09-01T12:00:00Z", text = "Data #bcsm", hashtags = new[] { "bcsm" } }),
        ])).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        Assert.True((await scoring.SaveProfileAsync(new ProfileDefinition { Name = "Forms", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1 } })).Saved);
        Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);
        var failures = new List<string>();
        async Task<string> Read(string path)
        {
            var response = await admin.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"GET {path}: {(int)response.StatusCode}");
            }
            foreach (var tag in new[] { "<script>alert", "<img src=x onerror", "<svg onload", "<body onload", "<iframe src", "<style>*{display", "<SCRIPT SRC" })
            {
                if (body.Contains(tag, StringComparison.Ordinal))
                {
                    failures.Add($"GET {path}: '{tag}' appears as markup");
                }
            }
            return body;
        }
        async Task Post(string path, Dictionary<string, string> form)
        {
            form["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await Read("/Rankings"));
            var response = await admin.PostAsync(path, new FormUrlEncodedContent(form));
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"POST {path} with '{string.Join("', '", form.Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal)).Select(f => f.Value))}': {(int)response.StatusCode}");
            }
        }
        var strings = Seeds;
        foreach (var (s, i) in strings.Select((s, i) => (s, i)))
        {
            await Post("/Shortlists?handler=Create", new() { ["name"] = s, ["profile"] = "Forms", ["notes"] = s });
            await Post("/Admin/OptOuts?handler=Add", new() { ["By"] = "Handle", ["Platform"] = "x", ["Value"] = s, ["Reason"] = s });
            await Post("/Admin/Users?handler=Invite", new() { ["Email"] = $"user{i}@example.org", ["DisplayName"] = s, ["Role"] = Roles.BrandManager });
            await Post("/Events", new() { ["Json"] = JsonSerializer.Serialize(new { name = s, kind = "congress", hashtags = new[] { "bcsm" }, start = "2026-05-01", end = "2026-05-02", time_zone = "UTC", location = s }) });
            var profile = new Dictionary<string, string> { ["Form.Name"] = s, ["Form.Kind"] = "hcp", ["Form.Hashtags"] = s, ["Form.Keywords"] = s, ["Form.Countries"] = "", ["Form.WindowDays"] = "365",
                ["Form.MinHcpConfidence"] = "0.5", ["Form.Scope"] = "topic", ["Form.BaseVersion"] = "0", ["Form.Active"] = "false" };
            for (var q = 0; q < Questions.Count; q++)
            {
                profile[$"Form.Weights[{q}]"] = q == 0 ? "1" : "0";
            }
            await Post("/Admin/Profiles/Edit?handler=Save", profile);
            // And as the search of every list that has one.
            await Read($"/Rankings?profile=Forms&q={Uri.EscapeDataString(s)}");
            await Read($"/Admin/Persons?q={Uri.EscapeDataString(s)}");
            await Read($"/Admin/Audit?q={Uri.EscapeDataString(s)}");
        }
        foreach (var page in new[] { "/Shortlists", "/Admin/OptOuts", "/Admin/Users", "/Events", "/Admin/Profiles", "/Admin/Audit", "/Rankings?profile=Forms" })
        {
            await Read(page);
        }
        foreach (var id in await Sql.ColumnAsync(db.ConnectionString, "SELECT id::text FROM shortlists"))
        {
            await Read($"/Shortlists/{id}");
        }
        foreach (var name in await Sql.ColumnAsync(db.ConnectionString, "SELECT name FROM scoring_profiles"))
        {
            await Read($"/Admin/Profiles/Versions?name={Uri.EscapeDataString(name)}");
        }
        foreach (var name in await Sql.ColumnAsync(db.ConnectionString, "SELECT name FROM events"))
        {
            await Read($"/Events/Event?name={Uri.EscapeDataString(name)}");
        }
        // What the forms accepted is stored as given (a shortlist's name is trimmed of surrounding white space, as a name is).
        var lists = (await Sql.ColumnAsync(db.ConnectionString, "SELECT name FROM shortlists")).ToHashSet(StringComparer.Ordinal);
        Assert.True(lists.Count >= strings.Length / 2, $"{lists.Count} shortlists of {strings.Length}");
        Assert.All(lists, name => Assert.Contains(name, strings.Select(x => x.Trim())));
        // Each form stored some of them (the rest were refused with a message, never a 500).
        foreach (var (table, least) in new[] { ("events", 10), ("opt_outs", 10), ("scoring_profiles", 10), ("users", 10) })
        {
            var stored = await Sql.CountAsync(db.ConnectionString, $"SELECT count(*) FROM {table}");
            Assert.True(stored >= least, $"{table}: {stored}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    /// <summary>RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<string[]> ParseCsv(string csv)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add([.. row]);
        }
        return rows;
    }
}
