using System.Net;
using System.Text.RegularExpressions;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>The users verbs, as an operator without a browser uses them, as real processes.</summary>
[Trait("Category", "Slow")]
public sealed class UsersCommandLineTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Users_are_added_listed_disabled_and_enabled_from_the_command_line_and_audited()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        var database = $"--ConnectionStrings:DolMapper={connection}";

        // A password from standard input, never echoed.
        await using (var add = await CliProcess.RunAsync(["users", "add", "ops@example.com", "--role", "admin", "--password-stdin", database], standardInput: "Ops-Password-2026\n"))
        {
            Assert.True(add.ExitCode == 0, add.StandardError);
            Assert.Contains("Created ops@example.com as Admin.", add.StandardOutput);
            Assert.DoesNotContain("Ops-Password-2026", add.StandardOutput);
            Assert.DoesNotContain("shown once", add.StandardOutput);
        }
        // The contract's form: a generated password printed once.
        string generated;
        await using (var add = await CliProcess.RunAsync(["users", "add", "--email", "ana@example.com", "--role", "Analyst", database]))
        {
            Assert.True(add.ExitCode == 0, add.StandardError);
            generated = Regex.Match(add.StandardOutput, "Password \\(shown once\\): (\\S+)").Groups[1].Value;
            Assert.True(generated.Length >= 12, add.StandardOutput);
        }
        // A one-time link to the public address.
        await using (var add = await CliProcess.RunAsync(["users", "add", "brand@example.com", "--role", "BrandManager", "--link", database, "--DolMapper:PublicBaseUrl=https://dm.example.org/"]))
        {
            Assert.True(add.ExitCode == 0, add.StandardError);
            Assert.Contains("https://dm.example.org/Account/SetPassword?user=", add.StandardOutput);
        }
        await using (var again = await CliProcess.RunAsync(["users", "add", "ops@example.com", "--role", "Admin", "--password-stdin", database], standardInput: "Another-Password-1\n"))
        {
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("already has an account", again.StandardError);
        }
        await using (var weak = await CliProcess.RunAsync(["users", "add", "weak@example.com", "--role", "Analyst", "--password-stdin", database], standardInput: "short\n"))
        {
            Assert.Equal(1, weak.ExitCode);
            Assert.Contains("at least 8 characters", weak.StandardError);
        }
        await using (var bad = await CliProcess.RunAsync(["users", "add", "x@example.com", "--role", "Owner", database]))
        {
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("unknown role 'Owner'", bad.StandardError);
        }

        await using (var list = await CliProcess.RunAsync(["users", "list", database]))
        {
            Assert.True(list.ExitCode == 0, list.StandardError);
            Assert.Matches(@"ana@example\.com\s+Analyst\s+active", list.StandardOutput);
            Assert.Matches(@"brand@example\.com\s+BrandManager\s+invited", list.StandardOutput);
            Assert.Matches(@"ops@example\.com\s+Admin\s+active", list.StandardOutput);
        }

        // The users sign in on the web app; a disabled one no longer can, and the last admin stays enabled.
        await using var app = await TestApp.StartAsync(connection, new Dictionary<string, string?> { ["DolMapper:Demo"] = "false", ["DolMapper:Admin:Email"] = null });
        await SignsInAsync(app, "ana@example.com", generated);
        await SignsInAsync(app, "ops@example.com", "Ops-Password-2026");
        await using (var disable = await CliProcess.RunAsync(["users", "disable", "ana@example.com", database]))
        {
            Assert.True(disable.ExitCode == 0, disable.StandardError);
            Assert.Contains("ana@example.com is disabled", disable.StandardOutput);
        }
        Assert.Equal(HttpStatusCode.OK, (await TestApp.PostLoginAsync(app.CreateClient(), "ana@example.com", generated)).StatusCode);
        await using (var last = await CliProcess.RunAsync(["users", "disable", "ops@example.com", database]))
        {
            Assert.Equal(1, last.ExitCode);
            Assert.Contains("last enabled admin", last.StandardError);
        }
        await using (var enable = await CliProcess.RunAsync(["users", "enable", "ana@example.com", database]))
        {
            Assert.True(enable.ExitCode == 0, enable.StandardError);
        }
        await SignsInAsync(app, "ana@example.com", generated);

        Assert.Equal(
            ["user.created ops@example.com", "user.created ana@example.com", "user.invited brand@example.com", "user.disabled ana@example.com", "user.enabled ana@example.com"],
            (await Sql.ColumnAsync(connection, "SELECT action || ' ' || target FROM audit_log WHERE action LIKE 'user.%' AND user_name LIKE 'cli:%' ORDER BY id")));
    }

    private static async Task SignsInAsync(TestApp app, string email, string password)
    {
        var response = await TestApp.PostLoginAsync(app.CreateClient(), email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{email} / {password}: {response.StatusCode} {Regex.Match(await response.Content.ReadAsStringAsync(), "login-errors[^>]*>(.*?)</div>", RegexOptions.Singleline).Groups[1].Value}");
    }
}
