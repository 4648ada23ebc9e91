using System.Net;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace DolMapper.Web.Tests.Infrastructure;

public class StartupTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Without_configuration_the_first_admin_gets_a_random_password_printed_once()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["DolMapper:Demo"] = "false" };

        PrintedLogin admin;
        await using (var app = await TestApp.StartAsync(connectionString, settings))
        {
            admin = Assert.Single(app.Logins);
            Assert.Equal(Roles.Admin, admin.Role);
            Assert.Equal(UserSeeder.DefaultAdminEmail, admin.Email);
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(client, admin.Email, admin.Password)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Admin/Users")).StatusCode);
        }

        await using (var again = await TestApp.StartAsync(connectionString, settings))
        {
            Assert.Empty(again.Logins);
        }
    }

    [Fact]
    public async Task Two_hosts_in_one_process_each_run_their_jobs_with_their_own_services()
    {
        // Hangfire's default activator is process-wide: the host built last would activate every
        // host's jobs, so a job queued by the first would run against the second's database.
        // Two hosts configured one after the other (as parallel tests, or hosts built side by side, do).
        var first = await postgres.CreateMigratedDatabaseAsync();
        var second = await postgres.CreateMigratedDatabaseAsync();
        await using var a = await DolMapperApp.CreateAsync(HostRole.Command, [], h => h.UseTestDatabase(first));
        await using var b = await DolMapperApp.CreateAsync(HostRole.Command, [], h => h.UseTestDatabase(second));
        a.Services.GetRequiredService<Hangfire.IGlobalConfiguration>();
        b.Services.GetRequiredService<Hangfire.IGlobalConfiguration>();
        foreach (var (app, database) in new[] { (a, first), (b, second) })
        {
            var activator = app.Services.GetRequiredService<Hangfire.JobActivator>();
#pragma warning disable CS0618 // the context-free scope is enough to resolve a service
            using var scope = activator.BeginScope();
#pragma warning restore CS0618
            var dataSource = (Npgsql.NpgsqlDataSource)scope.Resolve(typeof(Npgsql.NpgsqlDataSource));
            Assert.Equal(new Npgsql.NpgsqlConnectionStringBuilder(database).Database, new Npgsql.NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database);
        }
    }

    [Fact]
    public async Task Hosts_starting_on_one_fresh_database_at_once_seed_each_user_once()
    {
        // A web and a worker process (or two tests' hosts) starting together on one database: each
        // used to find the demo users missing and create them, and the slower one failed to start.
        var database = await postgres.CreateMigratedDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["DolMapper:Demo"] = "true" };
        var apps = new List<DolMapperApp>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                apps.Add(await DolMapperApp.CreateAsync(HostRole.Command, [], h => h.UseTestDatabase(database, settings)));
            }
            await Task.WhenAll(apps.Select(app => Task.Run(async () =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<UserSeeder>().SeedAsync();
            })));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
        Assert.Equal(UserSeeder.DemoUsers.Count, await Sql.CountAsync(database, "SELECT count(*) FROM users WHERE email LIKE '%@demo.dolmapper.local'"));
    }

    [Fact]
    public async Task The_first_admin_comes_from_configuration_when_given()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connectionString, new Dictionary<string, string?>
        {
            ["DolMapper:Demo"] = "false",
            ["DolMapper:Admin:Email"] = "ops@pharma.example",
            ["DolMapper:Admin:Password"] = "Configured-Secret-1",
        });

        Assert.Empty(app.Logins);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DolMapperUser>>();
        var admin = await users.FindByEmailAsync("ops@pharma.example");
        Assert.NotNull(admin);
        Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
        Assert.True(await users.CheckPasswordAsync(admin, "Configured-Secret-1"));
        Assert.Single(await users.GetUsersInRoleAsync(Roles.Admin));
    }

    [Fact]
    public async Task Demo_mode_creates_one_user_per_role()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connectionString);

        Assert.Equal(Roles.All.Order(), app.Logins.Select(l => l.Role).Order());
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DolMapperUser>>();
        foreach (var login in app.Logins)
        {
            var user = await users.FindByEmailAsync(login.Email);
            Assert.NotNull(user);
            Assert.Equal([login.Role], await users.GetRolesAsync(user));
        }
    }

    [Fact]
    public async Task Data_protection_keys_live_in_the_database_so_every_process_shares_them()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        string protectedText;
        await using (var first = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(connectionString)))
        {
            protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("bearer-token");
        }
        await using var second = await DolMapperApp.CreateAsync(HostRole.Worker, [], b => b.UseTestDatabase(connectionString));
        var unprotected = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText);
        Assert.Equal("bearer-token", unprotected);
    }

    [Fact]
    public async Task Readiness_fails_while_migrations_are_pending()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        await using var app = await TestApp.StartAsync(connectionString, prepare: false);
        var response = await app.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"migrations\":{\"status\":\"Unhealthy\"", body);
        Assert.Contains("no DolMapper schema", body);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Invalid_options_stop_start_up_with_a_clear_message()
    {
        var e = await Assert.ThrowsAsync<StartupException>(() => DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(
            "Host=127.0.0.1;Database=unused",
            new Dictionary<string, string?> { ["DolMapper:Admin:Password"] = "Secret-123", ["DolMapper:Jobs:WorkerCount"] = "0" })));
        Assert.Contains("DolMapper:Admin:Password is set but DolMapper:Admin:Email is not", e.Message);
        Assert.Contains("WorkerCount", e.Message);
    }
}
