using System.Net;
using System.Text.Json;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Features;

/// <summary>Merge and split of persons (suggestions, undo, imports keep them), and the HCP review queue.</summary>
[Trait("Category", "Slow")]
public sealed class PersonsAdminTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static string Account(string platform, string id, string handle, string name, string bio, string? url = null) =>
        JsonSerializer.Serialize(new { type = "account", platform, id, handle, name, bio, url, followers = 500 });

    private static string Post(string platform, string id, string account, int day) =>
        JsonSerializer.Serialize(new { type = "post", platform, id, account_id = account, created_at = new DateTime(2026, 7, 1, 9, 0, 0, DateTimeKind.Utc).AddDays(day).ToString("O"), text = "Thoughts on #bcsm", hashtags = new[] { "bcsm" } });

    private static async Task<string> PostFormAsync(HttpClient admin, string path, Dictionary<string, string> fields, string tokenPage = "/Admin/Persons")
    {
        fields["__RequestVerificationToken"] = TestApp.AntiforgeryToken(await admin.GetStringAsync(tokenPage));
        var response = await admin.PostAsync(path, new FormUrlEncodedContent(fields));
        return response.StatusCode == HttpStatusCode.Redirect
            ? WebUtility.HtmlDecode(await admin.GetStringAsync(response.Headers.Location!.OriginalString))
            : WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static async Task<Dictionary<long, string>> SignalsAsync(string connection, long run) =>
        (await Sql.ColumnAsync(connection, $"""
            SELECT person_id || '|' || concat_ws(',', relevance, hcp_following, peer_trust, activity, public_influence, presence, relationship, science, geography, community,
                   relevance_raw, activity_raw, peer_trust_raw, score, country, profession)
            FROM person_scores WHERE run_id = {run}
            """)).Select(r => r.Split('|', 2)).ToDictionary(r => long.Parse(r[0]), r => r[1]);

    [Fact]
    public async Task Suggestions_come_from_name_and_bio_links_or_handles_and_a_dismissed_pair_stays_dismissed()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([
            Account("x", "901", "ameliahartwell", "Dr. Amelia Hartwell, MD", "Cardiologist at St Mary's. Heart failure and women's heart health.", "https://hartwell.example.org/about"),
            Account("bluesky", "did:plc:amelia", "ameliahartwell.bsky.social", "Amelia Hartwell MD", "Cardiologist, St Mary's. Heart failure, women's heart health."),
            Account("x", "902", "jsmith_builds", "John Smithson", "Carpenter and dad."),
            Account("bluesky", "did:plc:john", "runner-john.bsky.social", "John Smithson", "Marathons, coffee, code."),
            Account("mastodon", "amelia@med.social", "amelia@med.social", "Amelia Hartwell", "Haematology nurse.", null),
        ])).Clean);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Persons"));
        var x = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '901'"))!;
        var bsky = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = 'did:plc:amelia'"))!;
        var nurse = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = 'amelia@med.social'"))!;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "data-testid=\"suggestion\""));
        // The pair's first person is whichever the import numbered first.
        Assert.Matches("same name: (Dr\\. Amelia Hartwell, MD|Amelia Hartwell MD)", page);
        Assert.Contains("bios agree", page);
        Assert.Contains("handles alike (ameliahartwell)", page);
        Assert.Contains($"data-person=\"{bsky}\"", page);
        Assert.DoesNotContain($"data-person=\"{nurse}\"", page);
        Assert.DoesNotContain("John Smithson", page);

        var dismissed = await PostFormAsync(admin, "/Admin/Persons?handler=Dismiss", new() { ["a"] = $"{bsky}", ["b"] = $"{x}" });
        Assert.Contains("not suggested again", dismissed);
        Assert.Contains("data-testid=\"no-suggestions\"", dismissed);
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'person.merge_dismissed'"));
    }

    [Fact]
    public async Task Suggestions_are_counted_and_paged_and_a_search_finds_the_two_to_merge_without_typing_ids()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var lines = new List<string>();
        string[] names = ["Amelia Hartwell", "Bruno Castellanos", "Chiara Valdambrini", "Desmond Okonkwo", "Elspeth Fairbairn", "Farida Nazarbayeva",
            "Gunnar Halvorsen", "Hortensia Villalobos", "Ignatius Pemberton", "Jolanta Wisniewska", "Kasimir Oberholzer", "Ludmila Karpenko"];
        for (var i = 0; i < names.Length; i++)
        {
            var handle = names[i].Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
            lines.Add(Account("x", $"{900 + i}", handle, $"Dr. {names[i]}, MD", $"Cardiologist at hospital {i}. Heart failure."));
            lines.Add(Account("bluesky", $"did:plc:p{i}", $"{handle}.bsky.social", $"{names[i]} MD", $"Cardiologist, hospital {i}. Heart failure."));
        }
        Assert.True((await db.ImportAsync(lines)).Clean);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);

        var first = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Persons"));
        Assert.Contains(">12</span>", first[first.IndexOf("data-testid=\"suggestion-total\"", StringComparison.Ordinal)..]);
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Matches(first, "data-testid=\"suggestion\"").Count);
        Assert.Contains("page 1 of 2", first);
        var second = await admin.GetStringAsync("/Admin/Persons?page=2");
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(second, "data-testid=\"suggestion\"").Count);
        // A page past the end shows the last one.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(await admin.GetStringAsync("/Admin/Persons?page=99"), "data-testid=\"suggestion\"").Count);

        // Find by name or handle; choose keep and merge-in from the list.
        var found = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Persons?q=valdambrini"));
        var ids = System.Text.RegularExpressions.Regex.Matches(found, "data-testid=\"found-person\" data-person=\"(\\d+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains("x:chiaravaldambrini", found);
        Assert.Contains("Nobody's name, handle or id matches", WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Persons?q=zzzz%25_")));
        var merged = await PostFormAsync(admin, "/Admin/Persons?handler=Merge", new() { ["keep"] = ids[0], ["absorb"] = ids[1], ["reason"] = "same cardiologist" });
        Assert.Contains("11</span>", merged[merged.IndexOf("data-testid=\"suggestion-total\"", StringComparison.Ordinal)..]);
        Assert.Equal(1, await db.CountAsync($"SELECT count(*) FROM persons WHERE id = {ids[1]} AND merged_into = {ids[0]}"));
    }

    [Fact]
    public async Task Merge_then_split_restores_the_original_signals_and_imports_keep_what_an_admin_linked()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(AdminWorld.Lines())).Clean);
        var connection = db.ConnectionString;
        await using var scoring = await ScoringServices.CreateAsync(connection);
        await scoring.SaveProfileAsync(AdminWorld.Awareness);
        var first = Assert.Single(await scoring.ScoreAsync());
        Assert.True(first.Complete);
        var before = await SignalsAsync(connection, first.RunId!.Value);
        var one = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '1'"))!;
        var two = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '2'"))!;

        await using var app = await TestApp.StartAsync(connection);
        var admin = await app.SignInAsync(Roles.Admin);
        var merged = await PostFormAsync(admin, "/Admin/Persons?handler=Merge", new() { ["keep"] = $"{one}", ["absorb"] = $"{two}" });
        Assert.Contains($"Merged person {two} into {one}", merged);
        Assert.Equal(one, (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '2'"))!);

        // A re-import naming the account's old person keeps it where the admin put it.
        Assert.True((await db.ImportAsync([JsonSerializer.Serialize(new { type = "account", platform = "x", id = "2", handle = AdminWorld.Handle(2), name = AdminWorld.Name(2), person = "x:2", followers = 99 })])).Clean);
        Assert.Equal(one, (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '2'"))!);

        var mergedRun = Assert.Single(await scoring.ScoreAsync());
        Assert.True(mergedRun.Complete);
        var during = await SignalsAsync(connection, mergedRun.RunId!.Value);
        Assert.False(during.ContainsKey(two));
        Assert.NotEqual(before[one], during[one]);

        // Undo: both persons as they were; the run after it scores everyone as the first run did
        // (the followers count the re-import changed is put back first).
        var mergeId = (long)(await db.ScalarAsync("SELECT id FROM person_merges"))!;
        var split = await PostFormAsync(admin, "/Admin/Persons?handler=Undo", new() { ["merge"] = $"{mergeId}" });
        Assert.Contains($"Split person {two} from {one} again", split);
        Assert.Equal(two, (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '2'"))!);
        Assert.Equal(AdminWorld.Name(1), await db.ScalarAsync($"SELECT display_name FROM persons WHERE id = {one}"));
        var followers = JsonSerializer.Deserialize<JsonElement>(AdminWorld.Lines().First(l => l.Contains("\"id\":\"2\"") && l.Contains("\"type\":\"account\""))).GetProperty("followers").GetInt64();
        await Sql.ExecuteAsync(connection, $"UPDATE accounts SET followers = {followers} WHERE platform = 'x' AND external_id = '2'");
        var after = Assert.Single(await scoring.ScoreAsync());
        Assert.True(after.Complete);
        Assert.Equal(before, await SignalsAsync(connection, after.RunId!.Value));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'person.merged'"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'person.split'"));
        Assert.Contains($"Merge {mergeId} is undone already", await PostFormAsync(admin, "/Admin/Persons?handler=Undo", new() { ["merge"] = $"{mergeId}" }));
    }

    [Fact]
    public async Task Splitting_accounts_makes_a_new_person_and_the_person_keeps_at_least_one()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync([
            Account("x", "77", "drana", "Dr. Ana Ruiz", "Oncologist."),
            JsonSerializer.Serialize(new { type = "account", platform = "bluesky", id = "did:plc:other", handle = "someone.bsky.social", name = "Someone Else", bio = "Baker.", person = "x:77" }),
            Post("x", "7701", "77", 1), Post("bluesky", "b1", "did:plc:other", 2),
        ])).Clean);
        var person = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '77'"))!;
        var other = (long)(await db.ScalarAsync("SELECT id FROM accounts WHERE external_id = 'did:plc:other'"))!;
        var mine = (long)(await db.ScalarAsync("SELECT id FROM accounts WHERE external_id = '77'"))!;
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);
        var path = $"/Admin/Persons/Person?id={person}";
        Assert.Contains("Tick the accounts", await PostFormAsync(admin, $"{path}&handler=Split", [], path));
        var content = new FormUrlEncodedContent([
            new("__RequestVerificationToken", TestApp.AntiforgeryToken(await admin.GetStringAsync(path))),
            new("accounts", $"{mine}"), new("accounts", $"{other}"),
        ]);
        var everything = WebUtility.HtmlDecode(await (await admin.PostAsync($"{path}&handler=Split", content)).Content.ReadAsStringAsync());
        Assert.Contains("Leave at least one account", everything);
        Assert.Equal(2, await db.CountAsync($"SELECT count(*) FROM accounts WHERE person_id = {person}"));
        var moved = await PostFormAsync(admin, $"{path}&handler=Split", new() { ["accounts"] = $"{other}" }, path);
        Assert.Contains($"Moved 1 account of person {person} to a new person", moved);
        var newPerson = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = 'did:plc:other'"))!;
        Assert.NotEqual(person, newPerson);
        Assert.Equal("Someone Else", await db.ScalarAsync($"SELECT display_name FROM persons WHERE id = {newPerson}"));
        Assert.Equal("Dr. Ana Ruiz", await db.ScalarAsync($"SELECT display_name FROM persons WHERE id = {person}"));
        // The file's person key no longer pulls the account back.
        Assert.True((await db.ImportAsync([JsonSerializer.Serialize(new { type = "account", platform = "bluesky", id = "did:plc:other", handle = "someone.bsky.social", name = "Someone Else", person = "x:77" })])).Clean);
        Assert.Equal(newPerson, (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = 'did:plc:other'"))!);
    }

    [Fact]
    public async Task The_review_queue_puts_the_most_uncertain_first_and_a_correction_sticks_and_trains()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(AdminWorld.Lines().Concat([
            Account("x", "501", "heartfan", "Sam Lee", "Heart health fan. Runner. Opinions mine."),
            Account("x", "502", "nurse_kim", "Kim Park RN", "ICU nurse. Night shifts."),
            Account("x", "503", "pharmaco", "Acme Pharma", "Official account of Acme Pharma."),
            Post("x", "50101", "501", 1), Post("x", "50201", "502", 1), Post("x", "50301", "503", 1),
        ]))).Clean);
        await using (var scoring = await ScoringServices.CreateAsync(db.ConnectionString))
        {
            await scoring.SaveProfileAsync(AdminWorld.Awareness);
            Assert.True(Assert.Single(await scoring.ScoreAsync()).Complete);
        }
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);
        var queue = await app.Services.GetRequiredService<DolMapper.Web.Persons.HcpReview>().QueueAsync(1, CancellationToken.None);
        Assert.True(queue.Total >= 40);
        var distances = queue.Items.Select(i => Math.Abs(i.Confidence - 0.5)).ToList();
        Assert.Equal(distances.Order(), distances);
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Persons/Review"));
        Assert.Contains($"data-person=\"{queue.Items[0].PersonId}\"", page);
        // The count is of the uncertain ones: HCP probability between 20% and 80%.
        Assert.Equal(await db.CountAsync("SELECT count(*) FROM persons WHERE NOT role_confirmed AND hcp_confidence BETWEEN 0.2 AND 0.8"), queue.Uncertain);
        Assert.Contains($"{queue.Uncertain:N0} uncertain to review", System.Text.RegularExpressions.Regex.Replace(page, "<[^>]+>", ""));

        var sam = (long)(await db.ScalarAsync("SELECT person_id FROM accounts WHERE external_id = '501'"))!;
        var corrected = await PostFormAsync(admin, "/Admin/Persons/Review?handler=Confirm", new() { ["person"] = $"{sam}", ["profession"] = "physician", ["specialty"] = "cardiology" }, "/Admin/Persons/Review");
        Assert.Contains($"Person {sam} is now physician (cardiology)", corrected);
        Assert.DoesNotContain($"data-person=\"{sam}\"", corrected);
        var bad = await PostFormAsync(admin, "/Admin/Persons/Review?handler=Confirm", new() { ["person"] = $"{sam}", ["profession"] = "wizard" }, "/Admin/Persons/Review");
        Assert.Contains("'wizard' is not a role", bad);
        Assert.Equal("physician|cardiology|1|true", await db.ScalarAsync($"SELECT profession || '|' || specialty || '|' || hcp_confidence || '|' || role_confirmed FROM persons WHERE id = {sam}"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'person.role_corrected'"));

        // The next run does not reclassify them, and scores them as the physician the admin said.
        await using (var scoring = await ScoringServices.CreateAsync(db.ConnectionString, storeModel: false))
        {
            var run = Assert.Single(await scoring.ScoreAsync());
            Assert.True(run.Complete);
            Assert.Equal("physician", await db.ScalarAsync($"SELECT profession FROM person_scores WHERE run_id = {run.RunId} AND person_id = {sam}"));
        }
        Assert.Equal("physician", await db.ScalarAsync($"SELECT profession FROM persons WHERE id = {sam}"));
    }
}
