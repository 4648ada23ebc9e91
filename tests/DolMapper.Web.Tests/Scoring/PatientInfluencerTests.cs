using System.Net;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Scoring;

/// <summary>
/// Patient influencer profiles end to end on a hand-built world (docs/patients.md): a trusted
/// advocate whom oncologists and a caregiver reply to and who links reputable sources, a loud
/// patient whom only the public answers and who links low-quality sites, oncologists and the
/// public. The run ranks the two patients and nobody else; the pages, the CSV (audited), the
/// visibility to brand managers, shortlists and erasure work as the issue asks.
/// </summary>
public sealed class PatientInfluencerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ProfileDefinition Profile = new()
    {
        Name = "Breast cancer patients (test)", Kind = ProfileDefinition.PatientKind, Conditions = ["breast_cancer"], Hashtags = ["bcsm"],
        Weights = new Dictionary<string, double> { ["reach"] = 0.5, ["trust"] = 1, ["condition_relevance"] = 0.75, ["consistency"] = 0.5, ["support"] = 0.5, ["information_quality"] = 1 },
    };

    private static List<string> World()
    {
        string Account(string id, string name, string bio, int followers) =>
            JsonSerializer.Serialize(new { type = "account", platform = "x", id, handle = id, name, bio, country = "GB", followers });
        var lines = new List<string>
        {
            Account("ann", "Ann Patient", "Living with metastatic breast cancer. Patient advocate. #bcsm", 4_000),
            Account("bea", "Bea Carer", "Caregiver for my husband, who lives with breast cancer. #bcsm", 800),
            Account("cal", "Cal Loud", "Breast cancer survivor. Healing naturally, the truth they hide.", 90_000),
            Account("onc1", "Dr. Olu Onc, MD", "Medical oncologist at a cancer centre.", 3_000),
            Account("onc2", "Dr. Pia Onc, MD", "Breast medical oncologist.", 2_500),
            Account("pub1", "Tim", "Dad. Runner. Coffee.", 100),
            Account("pub2", "Sam", "Just here for the memes", 50),
        };
        var id = 0;
        var start = new DateTime(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);
        string Post(string account, DateTime at, string text, string[]? hashtags = null, string[]? urls = null, int likes = 5, (string Post, string Account)? reply = null) =>
            JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["type"] = "post", ["platform"] = "x", ["id"] = $"{++id}", ["account_id"] = account, ["created_at"] = at.ToString("O"), ["text"] = text,
                ["hashtags"] = hashtags, ["urls"] = urls, ["likes"] = likes,
                ["reply_to"] = reply is { } r ? new { post_id = r.Post, account_id = r.Account } : null,
            });
        for (var w = 0; w < 12; w++)
        {
            var at = start.AddDays(7 * w);
            lines.Add(Post("ann", at, "What helped me through breast cancer treatment #bcsm https://www.cancer.gov/types/breast", ["bcsm"], ["https://www.cancer.gov/types/breast"], likes: 60));
            var annPost = $"{id}";
            lines.Add(Post("onc1", at.AddHours(2), "Thank you for sharing this with patients.", reply: (annPost, "ann")));
            lines.Add(Post("onc2", at.AddHours(3), "Accurate and helpful.", reply: (annPost, "ann")));
            lines.Add(Post("bea", at.AddHours(4), "This helps us so much. #bcsm", ["bcsm"], reply: (annPost, "ann")));
            if (w % 3 == 0)
            {
                lines.Add(Post("cal", at.AddHours(5), "Chemo is poison, breast cancer heals naturally https://www.naturalnews.com/cure", urls: ["https://www.naturalnews.com/cure"], likes: 5_000));
                var calPost = $"{id}";
                lines.Add(Post("pub1", at.AddHours(6), "Wow 🙌", reply: (calPost, "cal")));
                lines.Add(Post("pub2", at.AddHours(7), "So true", reply: (calPost, "cal")));
            }
            lines.Add(Post("onc1", at.AddHours(8), "Tumour board today."));
        }
        return lines;
    }

    [Fact]
    public async Task A_patient_profile_ranks_patients_only_and_its_pages_csv_and_visibility_follow_the_rules()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(World())).Clean);
        await using var scoring = await ScoringServices.CreateAsync(db.ConnectionString);
        await scoring.SaveProfileAsync(Profile);
        var run = Assert.Single(await scoring.ScoreAsync());
        Assert.True(run.Complete, run.Message);
        var connection = db.ConnectionString;
        var ranked = await Sql.ColumnAsync(connection, $"SELECT n.public_id FROM patient_scores s JOIN persons n ON n.id = s.person_id WHERE s.run_id = {run.RunId} ORDER BY s.rank");
        Assert.Equal(["x:ann", "x:bea", "x:cal"], ranked.Take(1).Concat(ranked.Skip(1).Order()).ToList());
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM person_scores WHERE run_id = {run.RunId}"));
        await scoring.InScopeAsync(sp => sp.GetRequiredService<EngagementSuggestions>().ComputeAsync(run.RunId!.Value, CancellationToken.None));

        // A profile keeps its kind.
        var changed = await scoring.InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().SaveAsync(
            new ProfileDefinition { Name = Profile.Name, Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1 } }, "test", CancellationToken.None));
        Assert.Contains(changed.Problems, p => p.Contains("its kind cannot change", StringComparison.Ordinal));

        var ann = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:ann'"))!;
        await using var app = await TestApp.StartAsync(connection);
        var analyst = await app.SignInAsync(Roles.Analyst);
        var list = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Patients?profile={Uri.EscapeDataString(Profile.Name)}"));
        Assert.Contains("Ann Patient", list);
        Assert.DoesNotContain("Dr. Olu Onc", list);
        Assert.Contains("talks about breast cancer", list);
        var page = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Patients/{ann}?profile={Uri.EscapeDataString(Profile.Name)}"));
        Assert.Contains("Talks about breast cancer", page);
        Assert.Contains("2 HCPs and 1 other patient or caregiver replied to", page);
        Assert.Contains("https://www.cancer.gov/types/breast", page);
        Assert.Contains("patient advisory role", page);
        Assert.DoesNotContain(" has breast cancer", page, StringComparison.OrdinalIgnoreCase);
        // The HCP rankings neither list the patient profile nor show its people: asked for it, they send the reader to its tab.
        var asked = await analyst.GetAsync($"/Rankings?profile={Uri.EscapeDataString(Profile.Name)}");
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.StartsWith("/Patients?profile=", asked.Headers.Location!.OriginalString);
        var hcpRankings = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Rankings"));
        Assert.DoesNotContain($"<option value=\"{Profile.Name}\"", hcpRankings);
        Assert.Contains("Patient influencers", hcpRankings);

        // The CSV: every patient row, and the export in the audit log.
        var csv = await analyst.GetStringAsync($"/Patients/export.csv?profile={Uri.EscapeDataString(Profile.Name)}");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rank,person_id,display_name,handles,country,talks_about,score,tier,reach,trust,condition_relevance,consistency,support,information_quality,", lines[0]);
        Assert.EndsWith(",suggested_channel,best_times,top_formats,suggested_collaboration", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM audit_log WHERE action = 'export.patients.csv' AND target = '{Profile.Name}' AND (details ->> 'rows')::int = 3"));

        // The command line's export writes the patient columns, and is audited too.
        await using (var cli = await CliProcess.RunAsync(["export", "--profile", Profile.Name, "--top", "1", $"--ConnectionStrings:DolMapper={connection}"]))
        {
            Assert.True(cli.ExitCode == 0, cli.StandardError);
            var exported = cli.StandardOutput.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, exported.Length);
            Assert.Contains(",talks_about,", exported[0]);
            Assert.StartsWith("1,x:ann,", exported[1]);
        }
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM audit_log WHERE action = 'export.patients.csv' AND (details ->> 'rows')::int = 1"));
        await using (var cli = await CliProcess.RunAsync(["insights", "trends", "--profile", Profile.Name, $"--ConnectionStrings:DolMapper={connection}"]))
        {
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("is a patient influencer profile", cli.StandardError);
        }

        // Brand managers: hidden until an admin makes the profile visible; no export at all.
        var manager = await app.SignInAsync(Roles.BrandManager);
        Assert.Contains("shared with brand managers", WebUtility.HtmlDecode(await manager.GetStringAsync("/Patients")));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Patients/{ann}?profile={Uri.EscapeDataString(Profile.Name)}")).StatusCode);
        Assert.DoesNotContain("Patient influencers", WebUtility.HtmlDecode(await manager.GetStringAsync("/Rankings")));
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/Patients/export.csv?profile={Uri.EscapeDataString(Profile.Name)}")).StatusCode);
        Assert.True((await scoring.SaveProfileAsync(Profile with { VisibleToBrandManagers = true })).Saved);
        Assert.Contains("Ann Patient", WebUtility.HtmlDecode(await manager.GetStringAsync("/Patients")));
        Assert.Contains("Why they rank here", WebUtility.HtmlDecode(await manager.GetStringAsync($"/Patients/{ann}?profile={Uri.EscapeDataString(Profile.Name)}")));

        // Admins edit a patient profile with its own questions, and its versions say what changed.
        var admin = await app.SignInAsync(Roles.Admin);
        var editor = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/Profiles/Edit?name={Uri.EscapeDataString(Profile.Name)}"));
        Assert.Contains("data-testid=\"weight-information_quality\"", editor);
        Assert.DoesNotContain("data-testid=\"weight-peer_trust\"", editor);
        Assert.Contains("value=\"breast_cancer\"", editor);
        Assert.Contains("data-testid=\"weight-peer_trust\"", WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Profiles/Edit")));
        Assert.Contains("data-testid=\"weight-trust\"", WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Profiles/Edit?kind=patient")));
        Assert.Contains("visible_to_brand_managers", WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/Profiles/Versions?name={Uri.EscapeDataString(Profile.Name)}")));

        // Compare and a shortlist of patient influencers.
        var bea = (long)(await Sql.ScalarAsync(connection, "SELECT id FROM persons WHERE public_id = 'x:bea'"))!;
        var compare = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Patients/Compare?profile={Uri.EscapeDataString(Profile.Name)}&ids={ann}&ids={bea}"));
        Assert.Contains("Ann Patient", compare);
        Assert.Contains("Bea Carer", compare);
        var owner = (string)(await Sql.ScalarAsync(connection, "SELECT id FROM users ORDER BY user_name LIMIT 1"))!;
        var store = new DolMapper.Web.Features.Shortlists.ShortlistStore(DolMapper.Web.Data.DolMapperDataSource.Create(connection));
        var shortlist = (await store.CreateAsync("Advisors", Profile.Name, null, owner, CancellationToken.None)).Id!.Value;
        Assert.Equal(1, await store.AddAsync(shortlist, [ann], null, CancellationToken.None));
        var details = WebUtility.HtmlDecode(await analyst.GetStringAsync($"/Shortlists/{shortlist}"));
        Assert.Contains($"/Patients/{ann}", details);
        var listCsv = await analyst.GetStringAsync($"/Shortlists/{shortlist}/export.csv");
        Assert.Equal(2, listCsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(3, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.patients.csv'"));

        // Erasure takes their patient rows.
        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var erased = await new DolMapper.Web.Compliance.OptOutRegistry(dataSource).EraseAsync(ann, "DSR", "admin", CancellationToken.None);
        Assert.True(erased.Done, erased.Message);
        Assert.Equal(0, await Sql.CountAsync(connection, $"SELECT count(*) FROM patient_scores WHERE person_id = {ann}"));
    }
}
