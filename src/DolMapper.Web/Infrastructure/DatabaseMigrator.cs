using DolMapper.Web.Data;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DolMapper.Web.Infrastructure;

/// <summary>
/// Brings the database to this build's schema: EF Core migrations, then Hangfire's own schema,
/// both under the cross-process lock so processes starting together take turns.
/// </summary>
public sealed class DatabaseMigrator(DolMapperDbContext db, CrossProcessLock locks, IServiceProvider services, ILogger<DatabaseMigrator> logger)
{
    /// <summary>Returns the migrations applied now (empty when the schema was already current).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Migrations, cancellationToken: cancellationToken);
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
            await history.CreateIfNotExistsAsync(cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
        }
        // Creating the storage installs or upgrades Hangfire's schema.
        _ = services.GetRequiredService<JobStorage>();
        return pending;
    }

    /// <summary>Whether any migration was ever applied (EF's own check is not reliable here).</summary>
    internal static async Task<bool> HistoryTableExistsAsync(DolMapperDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<bool>("SELECT to_regclass('__ef_migrations_history') IS NOT NULL AS \"Value\"")
            .SingleAsync(cancellationToken);
}
