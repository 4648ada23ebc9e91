using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DolMapper.Benchmarks;

/// <summary>
/// A benchmark run's surroundings: the scale, a PostgreSQL cluster started by the same mechanism as
/// the app's zero-setup database (same settings, fsync on), and a folder for generated files.
/// </summary>
public sealed class BenchmarkContext : IAsyncDisposable
{
    private readonly LocalPostgresServer _server;

    private BenchmarkContext(Scale scale, string dataDirectory, string repository, LocalPostgresServer server, ILoggerFactory logging)
    {
        Scale = scale;
        DataDirectory = dataDirectory;
        Repository = repository;
        _server = server;
        Logging = logging;
    }

    public Scale Scale { get; }
    public string DataDirectory { get; }
    public string Repository { get; }
    public ILoggerFactory Logging { get; }

    public static async Task<BenchmarkContext> CreateAsync(Scale scale, string dataDirectory, string repository)
    {
        Directory.CreateDirectory(dataDirectory);
        var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("DolMapper", LogLevel.Information).AddFilter("DolMapper.Web.Ingestion", LogLevel.Warning));
        var server = await LocalPostgresServer.StartOrAttachAsync(
            Path.Combine(dataDirectory, "pg"), new LocalDatabaseOptions { Database = "postgres" }, logging.CreateLogger("bench"));
        return new BenchmarkContext(scale, dataDirectory, repository, server, logging);
    }

    public string ConnectionString(string database) => _server.ConnectionStringFor(database);

    public string File(string name) => Path.Combine(DataDirectory, name);

    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// <paramref name="target"/> made afresh as a copy of <paramref name="source"/>
    /// (<c>CREATE DATABASE … TEMPLATE</c>, which needs the source without sessions: they are ended first).
    /// </summary>
    public async Task CopyDatabaseAsync(string source, string target)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {target} WITH (FORCE)");
        await ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{source}' AND pid <> pg_backend_pid()");
        await ExecuteAsync($"CREATE DATABASE {target} TEMPLATE {source}");
    }

    /// <summary>The first column of the first row; null for no row and for SQL NULL alike (callers test with <c>is null</c>).</summary>
    public async Task<object?> ScalarAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>The app's services (importer, DbContext) on <paramref name="database"/>, with its schema migrated.</summary>
    public async Task<DolMapperApp> OpenAppAsync(string database)
    {
        var app = await DolMapperApp.CreateAsync(HostRole.Command,
            [$"--ConnectionStrings:DolMapper={ConnectionString(database)}", "--Serilog:MinimumLevel:Default=Warning", "--Logging:LogLevel:Default=Warning"]);
        await app.PrepareAsync();
        return app;
    }

    public static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "DolMapper.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? Directory.GetCurrentDirectory();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        Logging.Dispose();
    }
}
