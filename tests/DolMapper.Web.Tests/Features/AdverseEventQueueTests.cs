using System.Net;
using System.Text.Json;
using DolMapper.Web.Compliance;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Tests.Features;

/// <summary>
/// The potential adverse-event queue (docs/compliance.md): an imported post naming a product and a
/// side effect is queued with its criteria and deadline, reviewers decide (audited), brand managers
/// never see it, the safety team's CSV masks what may identify a patient, and the CLI exports it.
/// </summary>
public sealed class AdverseEventQueueTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_post_naming_a_product_and_a_side_effect_reaches_the_queue_is_decided_and_exported()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        var connection = db.ConnectionString;
        await using var scoring = await ScoringServices.CreateAsync(connection);
        await scoring.SaveProfileAsync(new DolMapper.Scoring.ProfileDefinition { Name = "Onc", Hashtags = ["bcsm"], Weights = new Dictionary<string, double> { ["relevance"] = 1 } });
        await Sql.ExecuteAsync(connection, """
            INSERT INTO products (profile_id, position, name, generic_name, synonyms, competitors, updated_at)
            SELECT id, 0, 'Oncavra', 'zanetinib', '{}', '{}', now() FROM scoring_profiles WHERE name = 'Onc'
            """);
        const string Case = "My patient, 62F, got a severe rash on Oncavra in clinic today #bcsm";
        Assert.True((await db.ImportAsync([
            JsonSerializer.Serialize(new { type = "account", platform = "x", id = "1", handle = "onc1", name = "Dr One, MD", bio = "Medical oncologist." }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "1", account_id = "1", created_at = "2026-09-01T12:00:00Z", text = Case, hashtags = new[] { "bcsm" } }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "2", account_id = "1", created_at = "2026-09-02T12:00:00Z", text = "Oncavra overall survival data look strong #bcsm" }),
            JsonSerializer.Serialize(new { type = "post", platform = "x", id = "3", account_id = "1", created_at = "2026-09-03T12:00:00Z", text = "Nausea with zanetinib was manageable for me." }),
        ])).Clean);

        await using var dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(connection);
        var queue = new AdverseEventQueue(dataSource, Options.Create(new DolMapper.Web.Infrastructure.DolMapperOptions()), NullLogger<AdverseEventQueue>.Instance);
        Assert.Equal(2, await queue.ScanAsync(CancellationToken.None));
        Assert.Equal(0, await queue.ScanAsync(CancellationToken.None));
        var items = await queue.ListAsync(all: false, CancellationToken.None);
        Assert.Equal(2, items.Count);
        var first = items.Single(i => i.Text == Case);
        Assert.Equal(["patient", "reporter", "product", "event"], first.Criteria);
        Assert.Equal(["Oncavra"], first.Products);
        Assert.InRange(first.DueAt - first.FoundAt, TimeSpan.FromHours(23), TimeSpan.FromHours(24.1));

        await using var app = await TestApp.StartAsync(connection);
        var brand = await app.SignInAsync(Roles.BrandManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await brand.GetAsync("/Safety")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await brand.GetAsync("/Safety/export.csv")).StatusCode);
        Assert.DoesNotContain("/Safety", await brand.GetStringAsync("/"));

        var analyst = await app.SignInAsync(Roles.Analyst);
        var page = WebUtility.HtmlDecode(await analyst.GetStringAsync("/Safety"));
        Assert.Contains("<mark class=\"bg-info-subtle\" title=\"product\">Oncavra</mark>", page);
        Assert.Contains("<mark class=\"bg-warning-subtle\" title=\"event\">rash</mark>", page);
        var response = await analyst.PostAsync("/Safety?handler=Decide", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = $"{first.Id}", ["decision"] = "reported", ["note"] = "case 2026-0042", ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, await Sql.CountAsync(connection, $"SELECT count(*) FROM audit_log WHERE action = 'ae.decided' AND target = '{first.Id}' AND details ->> 'decision' = 'reported'"));
        Assert.Single(await queue.ListAsync(all: false, CancellationToken.None));

        // The safety team's CSV: every item with its decision; the case description masked by default.
        var csv = await analyst.GetStringAsync("/Safety/export.csv?status=all");
        Assert.StartsWith(string.Join(",", DolMapper.Web.Features.Safety.SafetyCsv.Header), csv);
        Assert.Contains("reported", csv);
        Assert.Contains("case 2026-0042", csv);
        Assert.DoesNotContain("62F", csv);
        Assert.Contains("[age]", csv);
        Assert.Contains("62F", await analyst.GetStringAsync("/Safety/export.csv?status=all&unmask=1"));
        Assert.Equal(2, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'export.ae.csv'"));

        await using (var cli = await CliProcess.RunAsync(["ae", "export", "--status", "open", $"--ConnectionStrings:DolMapper={connection}"]))
        {
            Assert.True(cli.ExitCode == 0, cli.StandardError);
            var lines = cli.StandardOutput.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.Contains("zanetinib", lines[1]);
        }

        // Overdue: the safety address is e-mailed once, without the post's text.
        await using (var smtp = new FakeSmtpServer())
        {
            var settings = new DolMapper.Web.Infrastructure.DolMapperOptions
            {
                Smtp = { Host = "127.0.0.1", Port = smtp.Port, Security = "None" },
                Safety = { Email = "safety@example.com" },
            };
            var monitor = new StaticOptionsMonitor(settings);
            var notifying = new AdverseEventQueue(dataSource, Options.Create(settings), NullLogger<AdverseEventQueue>.Instance,
                new DolMapper.Web.Infrastructure.Mail.MailSender(monitor, NullLogger<DolMapper.Web.Infrastructure.Mail.MailSender>.Instance));
            await notifying.ScanAsync(CancellationToken.None);
            Assert.Empty(smtp.Messages);
            await Sql.ExecuteAsync(connection, "UPDATE adverse_events SET due_at = now() - interval '1 hour'");
            await notifying.ScanAsync(CancellationToken.None);
            await notifying.ScanAsync(CancellationToken.None);
            var message = Assert.Single(smtp.Messages);
            Assert.Equal("safety@example.com", message.To.Mailboxes.Single().Address);
            Assert.Contains("1 overdue potential adverse event", message.Subject);
            Assert.Contains("zanetinib", message.TextBody);
            Assert.DoesNotContain("Nausea", message.TextBody);
            Assert.Equal(1, await Sql.CountAsync(connection, "SELECT count(*) FROM audit_log WHERE action = 'ae.overdue_emailed'"));
        }

        // Erasure takes the queued items of the person's posts.
        var person = (long)(await Sql.ScalarAsync(connection, "SELECT person_id FROM accounts WHERE external_id = '1'"))!;
        Assert.True((await new OptOutRegistry(dataSource).EraseAsync(person, "DSR", "admin", CancellationToken.None)).Done);
        Assert.Equal(0, await Sql.CountAsync(connection, "SELECT count(*) FROM adverse_events"));
    }

    private sealed class StaticOptionsMonitor(DolMapper.Web.Infrastructure.DolMapperOptions value) : IOptionsMonitor<DolMapper.Web.Infrastructure.DolMapperOptions>
    {
        public DolMapper.Web.Infrastructure.DolMapperOptions CurrentValue => value;
        public DolMapper.Web.Infrastructure.DolMapperOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<DolMapper.Web.Infrastructure.DolMapperOptions, string?> listener) => null;
    }
}
