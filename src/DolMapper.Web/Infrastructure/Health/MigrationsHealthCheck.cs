using DolMapper.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DolMapper.Web.Infrastructure.Health;

/// <summary>Ready only when every migration this build knows of has been applied.</summary>
internal sealed class MigrationsHealthCheck(DolMapperDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!await DatabaseMigrator.HistoryTableExistsAsync(db, cancellationToken))
        {
            return HealthCheckResult.Unhealthy("The database has no DolMapper schema yet: run 'dolmapper migrate' or start the app.");
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("All migrations applied.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending: {string.Join(", ", pending)}.");
    }
}
