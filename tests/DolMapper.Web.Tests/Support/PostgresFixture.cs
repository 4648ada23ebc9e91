using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// One real PostgreSQL server for the test run: the one named by DOLMAPPER_TEST_PG (a connection
/// string whose user may create databases), else a private cluster this fixture starts itself with
/// DolMapper's own launcher in a temporary folder, and stops and deletes at the end. Each test asks
/// for a fresh database; migrated ones are copied from a template migrated once.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "DOLMAPPER_TEST_PG";
    private const string TemplateDatabase = "dm_test_template";

    private LocalPostgresServer? _server;
    private string? _dataDirectory;
    private string _adminConnectionString = "";
    private int _counter;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = new NpgsqlConnectionStringBuilder(external) { Database = "postgres" }.ConnectionString;
        }
        else
        {
            _dataDirectory = TestPaths.NewTempDirectory("pg");
            _server = await LocalPostgresServer.StartOrAttachAsync(
                _dataDirectory, new LocalDatabaseOptions { Unsafe = true, Database = "postgres" }, NullLogger.Instance);
            _adminConnectionString = _server.ConnectionStringFor("postgres");
        }

        await ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateDatabase} WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE {TemplateDatabase}");
        var template = ConnectionStringFor(TemplateDatabase);
        await using (var app = await DolMapperApp.CreateAsync(HostRole.Command, [], b => b.UseTestDatabase(template)))
        {
            await app.PrepareAsync();
        }
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A new database with DolMapper's schema (and Hangfire's) applied.</summary>
    public Task<string> CreateMigratedDatabaseAsync() => CreateDatabaseAsync(TemplateDatabase);

    /// <summary>A new empty database.</summary>
    public Task<string> CreateEmptyDatabaseAsync() => CreateDatabaseAsync("template0");

    private async Task<string> CreateDatabaseAsync(string template)
    {
        var name = $"dm_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        return ConnectionStringFor(name);
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database }.ConnectionString;

    public Task ExecuteAsync(string sql) => Sql.ExecuteAsync(_adminConnectionString, sql);

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        TestPaths.DeleteQuietly(_dataDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Database";
}
