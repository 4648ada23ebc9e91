using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>The local database shared between real DolMapper processes.</summary>
public sealed class LocalDatabaseProcessTests : IDisposable
{
    private readonly string _dataDirectory = TestPaths.NewTempDirectory("shared");

    private Task<CliProcess> MigrateInChildAsync() => CliProcess.RunAsync(
        ["migrate", $"--DolMapper:DataDirectory={_dataDirectory}", "--DolMapper:LocalDatabase:Unsafe=true"]);

    [Fact]
    public async Task A_cli_verb_attaches_to_the_running_database_and_leaves_it_running()
    {
        await using var running = await LocalPostgresServer.StartOrAttachAsync(_dataDirectory, new() { Unsafe = true }, NullLogger.Instance);

        await using var child = await MigrateInChildAsync();

        Assert.True(child.ExitCode == 0, child.StandardError);
        Assert.Contains("Using the local database already running", child.StandardError);
        Assert.DoesNotContain("Stopping the local database", child.StandardError);
        Assert.True(await running.IsRunningAsync(), "The CLI verb pulled the database from under this process.");
        // The child migrated the same database this process sees.
        await using var connection = new NpgsqlConnection(running.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM __ef_migrations_history", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task A_cli_verb_that_started_the_database_stops_it_on_exit_and_the_next_start_finds_the_data()
    {
        await using (var first = await MigrateInChildAsync())
        {
            Assert.True(first.ExitCode == 0, first.StandardError);
            Assert.Contains("Creating the local database cluster", first.StandardError);
            Assert.Contains("Stopping the local database", first.StandardError);
            var migrations = typeof(DolMapper.Web.Data.DolMapperDbContext).Assembly.GetTypes()
                .Count(t => t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration)));
            Assert.Contains($"Applied {migrations} migration(s)", first.StandardOutput);
        }

        await using var second = await MigrateInChildAsync();
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.DoesNotContain("Creating the local database cluster", second.StandardError);
        Assert.Contains("The database schema is up to date.", second.StandardOutput);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        TestPaths.DeleteQuietly(_dataDirectory);
    }
}
