using DolMapper.Web.Infrastructure.LocalDatabase;
using Npgsql;

namespace DolMapper.Web.Infrastructure;

/// <summary>
/// The database this process uses: <c>ConnectionStrings:DolMapper</c> when set, else the
/// zero-setup local database, which this endpoint owns (and stops on dispose when it should).
/// Beside it the schema owner's connection (<c>ConnectionStrings:DolMapperOwner</c>, or the local
/// cluster's superuser), used only to migrate and to grant the application's role its rights;
/// without one, the application's own connection does that too (docs/security.md).
/// </summary>
public sealed class DatabaseEndpoint : IAsyncDisposable
{
    public const string ConnectionStringName = "DolMapper";
    public const string OwnerConnectionStringName = "DolMapperOwner";
    public const string ReadOnlyConnectionStringName = "DolMapperReadOnly";

    private DatabaseEndpoint(string connectionString, string? ownerConnectionString, LocalPostgresServer? local, string? readOnlyConnectionString = null)
    {
        ConnectionString = connectionString;
        OwnerConnectionString = ownerConnectionString;
        ReadOnlyConnectionString = readOnlyConnectionString;
        Local = local;
    }

    /// <summary>
    /// A read replica's connection (<c>ConnectionStrings:DolMapperReadOnly</c>) for the dashboard's
    /// read queries, or null: they then read the primary (docs/operations.md, "A read replica").
    /// </summary>
    public string? ReadOnlyConnectionString { get; }

    /// <summary>The application's connection: every query the app and its jobs make.</summary>
    public string ConnectionString { get; }

    /// <summary>The schema owner's connection, when it is another role than the application's.</summary>
    public string? OwnerConnectionString { get; }

    public LocalPostgresServer? Local { get; }

    public static async Task<DatabaseEndpoint> ResolveAsync(
        IConfiguration configuration, DolMapperOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var builder = Parse(ConnectionStringName, configured);
            logger.LogInformation("Using the PostgreSQL server at {Host}:{Port}, database {Database}", builder.Host, builder.Port, builder.Database);
            var owner = configuration.GetConnectionString(OwnerConnectionStringName);
            string? ownerConnectionString = null;
            if (!string.IsNullOrWhiteSpace(owner))
            {
                var ownerBuilder = Parse(OwnerConnectionStringName, owner);
                if (!string.Equals(ownerBuilder.Host, builder.Host, StringComparison.OrdinalIgnoreCase) || ownerBuilder.Port != builder.Port
                    || !string.Equals(ownerBuilder.Database, builder.Database, StringComparison.Ordinal))
                {
                    throw new LocalDatabaseException(
                        $"ConnectionStrings:{OwnerConnectionStringName} names another database ({ownerBuilder.Host}:{ownerBuilder.Port}/{ownerBuilder.Database}) " +
                        $"than ConnectionStrings:{ConnectionStringName} ({builder.Host}:{builder.Port}/{builder.Database}); both must name the same one, as two roles.");
                }
                ownerConnectionString = ownerBuilder.ConnectionString;
            }
            var readOnly = configuration.GetConnectionString(ReadOnlyConnectionStringName);
            string? readOnlyConnectionString = null;
            if (!string.IsNullOrWhiteSpace(readOnly))
            {
                var readOnlyBuilder = Parse(ReadOnlyConnectionStringName, readOnly);
                logger.LogInformation("The dashboard reads from the replica at {Host}:{Port}, database {Database}", readOnlyBuilder.Host, readOnlyBuilder.Port, readOnlyBuilder.Database);
                readOnlyConnectionString = readOnlyBuilder.ConnectionString;
            }
            return new DatabaseEndpoint(builder.ConnectionString, ownerConnectionString, null, readOnlyConnectionString);
        }

        var dataDirectory = DataDirectory.Resolve(options);
        var local = await LocalPostgresServer.StartOrAttachAsync(dataDirectory, options.LocalDatabase, logger, cancellationToken);
        return new DatabaseEndpoint(local.ConnectionString, local.OwnerConnectionString, local);
    }

    private static NpgsqlConnectionStringBuilder Parse(string name, string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new LocalDatabaseException($"ConnectionStrings:{name} is not a valid PostgreSQL connection string: {e.Message}", e);
        }
        // Tag our sessions so a local launcher (and an operator) can tell DolMapper's connections apart.
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = LocalPostgresServer.ApplicationNamePrefix + Environment.ProcessId;
        }
        return builder;
    }

    public ValueTask DisposeAsync() => Local?.DisposeAsync() ?? ValueTask.CompletedTask;
}
