using DolMapper.Web.Infrastructure.LocalDatabase;
using Npgsql;

namespace DolMapper.Web.Infrastructure;

/// <summary>
/// The database this process uses: <c>ConnectionStrings:DolMapper</c> when set, else the
/// zero-setup local database, which this endpoint owns (and stops on dispose when it should).
/// </summary>
public sealed class DatabaseEndpoint : IAsyncDisposable
{
    public const string ConnectionStringName = "DolMapper";

    private DatabaseEndpoint(string connectionString, LocalPostgresServer? local)
    {
        ConnectionString = connectionString;
        Local = local;
    }

    public string ConnectionString { get; }
    public LocalPostgresServer? Local { get; }

    public static async Task<DatabaseEndpoint> ResolveAsync(
        IConfiguration configuration, DolMapperOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(configured);
            }
            catch (ArgumentException e)
            {
                throw new LocalDatabaseException($"ConnectionStrings:DolMapper is not a valid PostgreSQL connection string: {e.Message}", e);
            }
            // Tag our sessions so a local launcher (and an operator) can tell DolMapper's connections apart.
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                builder.ApplicationName = LocalPostgresServer.ApplicationNamePrefix + Environment.ProcessId;
            }
            logger.LogInformation("Using the PostgreSQL server at {Host}:{Port}, database {Database}", builder.Host, builder.Port, builder.Database);
            return new DatabaseEndpoint(builder.ConnectionString, null);
        }

        var dataDirectory = DataDirectory.Resolve(options);
        var local = await LocalPostgresServer.StartOrAttachAsync(dataDirectory, options.LocalDatabase, logger, cancellationToken);
        return new DatabaseEndpoint(local.ConnectionString, local);
    }

    public ValueTask DisposeAsync() => Local?.DisposeAsync() ?? ValueTask.CompletedTask;
}
