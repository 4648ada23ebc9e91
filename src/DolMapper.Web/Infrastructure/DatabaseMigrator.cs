using DolMapper.Web.Data;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DolMapper.Web.Infrastructure;

/// <summary>
/// Brings the database to this build's schema: EF Core migrations, then Hangfire's own schema,
/// then the application role's privileges — all as the schema owner when one is configured
/// (<see cref="DatabaseConnections"/>), under the cross-process lock so processes starting
/// together take turns.
/// </summary>
public sealed class DatabaseMigrator(DatabaseConnections connections, CrossProcessLock locks, ILogger<DatabaseMigrator> logger,
    Microsoft.Extensions.Options.IOptions<DolMapperOptions>? settings = null)
{
    /// <summary>Returns the migrations applied now (empty when the schema was already current).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Migrations, cancellationToken: cancellationToken);
        var options = new DbContextOptionsBuilder<DolMapperDbContext>();
        DataServiceCollectionExtensions.ConfigureDbContext(options, connections.Migrations);
        await using var db = new DolMapperDbContext(options.Options);
        // Asking for applied migrations on an empty database logs a failed query; check first.
        var history = db.GetService<IHistoryRepository>();
        var hasHistory = await HistoryTableExistsAsync(db, cancellationToken);
        if (hasHistory)
        {
            var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
            var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m)).ToList();
            if (unknown.Count > 0)
            {
                // The migrations were squashed into one before the first release (docs/decisions/005).
                throw new StartupException(
                    $"The database was made by a DolMapper build from before the first release (its schema history names {unknown.Count} migration(s) " +
                    $"this build does not have, e.g. {unknown[0]}), and cannot be upgraded. Start with a fresh database: for the zero-setup local " +
                    "database stop DolMapper and delete {DataDirectory}/postgres; for your own server, drop and create the database (README, 'Starting afresh').");
            }
        }
        var pending = hasHistory
            ? (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList()
            : db.Database.GetMigrations().ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date");
        }
        else
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            try
            {
                await history.CreateIfNotExistsAsync(cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InsufficientPrivilege && connections.Owner is null)
            {
                throw new StartupException(
                    $"The database schema needs {pending.Count} migration(s), and the role DolMapper connects as may not change the schema ({e.MessageText}). " +
                    $"Set ConnectionStrings:{DatabaseEndpoint.OwnerConnectionStringName} to the schema owner's connection (docs/security.md, 'Database roles').", e);
            }
        }
        // Creating a storage that may prepare its schema installs or upgrades Hangfire's; the
        // application's own storage never does (its role may not change the schema).
        var install = JobStorageOptions(prepareSchema: true);
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(connections.Migrations, install), install);
        // On a Citus cluster the big tables are distributed (once; later migrations' DDL is propagated by Citus).
        var distributed = await CitusLayout.ApplyAsync(connections.Migrations, cancellationToken);
        if (distributed.Count > 0)
        {
            logger.LogInformation("Citus: distributed {Tables} by author", string.Join(", ", distributed));
        }
        // A new database's big tables get the hash partitions configured while they are empty (not on Citus).
        var partitions = settings?.Value.PostPartitions ?? 0;
        if (await PostPartitioning.ApplyToNewAsync(connections.Migrations, partitions, logger, cancellationToken))
        {
            logger.LogInformation("posts and interactions made with {Partitions} hash partitions by author", partitions);
        }
        if (connections.Owner is not null && await DatabaseRoles.GrantAsync(connections.Owner, connections.App, cancellationToken))
        {
            logger.LogDebug("Granted the application's role its privileges");
        }
        return pending;
    }

    /// <summary>
    /// Rebuilds posts and interactions with this many hash partitions (0: plain tables) as the
    /// schema owner, under the migrations' lock (<see cref="PostPartitioning"/>); returns whether
    /// anything changed.
    /// </summary>
    public async Task<bool> PartitionAsync(int partitions, CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Migrations, cancellationToken: cancellationToken);
        var changed = await PostPartitioning.ApplyAsync(connections.Migrations, partitions, logger, cancellationToken);
        if (changed && connections.Owner is not null)
        {
            await DatabaseRoles.GrantAsync(connections.Owner, connections.App, cancellationToken);
        }
        return changed;
    }

    /// <summary>How DolMapper uses Hangfire's PostgreSQL storage (one place, for the app and for installing it).</summary>
    internal static PostgreSqlStorageOptions JobStorageOptions(bool prepareSchema, int invisibilityTimeoutSeconds = JobsOptions.DefaultInvisibilityTimeoutSeconds) => new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = prepareSchema,
        // An upload or a "run now" should start within a second, not five.
        QueuePollInterval = TimeSpan.FromSeconds(1),
        // A job's fetch time is refreshed while it runs, so a long import or scoring run is never
        // handed to a second worker; a job whose process died is handed on after this timeout.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromSeconds(invisibilityTimeoutSeconds),
    };

    /// <summary>Whether any migration was ever applied (EF's own check is not reliable here).</summary>
    internal static async Task<bool> HistoryTableExistsAsync(DolMapperDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<bool>("SELECT to_regclass('__ef_migrations_history') IS NOT NULL AS \"Value\"")
            .SingleAsync(cancellationToken);
}
