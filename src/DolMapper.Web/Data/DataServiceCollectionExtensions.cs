using DolMapper.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DolMapper.Web.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DbContext, the cross-process lock and the data source on <paramref name="connectionString"/>,
    /// and the dashboard's read-only data source (<see cref="DolMapperDataSource.Reads"/>) on
    /// <paramref name="readOnlyConnectionString"/> (a read replica) or, without one, on the same database.
    /// </summary>
    public static IServiceCollection AddDolMapperData(this IServiceCollection services, string connectionString, string? readOnlyConnectionString = null)
    {
        // The options are the same for every scope: built once, not on each request that makes a context.
        services.AddDbContext<DolMapperDbContext>(options => ConfigureDbContext(options, connectionString), optionsLifetime: ServiceLifetime.Singleton);
        services.AddSingleton(sp => new CrossProcessLock(connectionString, sp.GetRequiredService<ILogger<CrossProcessLock>>()));
        services.AddSingleton(_ => DolMapperDataSource.Create(connectionString));
        services.AddKeyedSingleton(DolMapperDataSource.Reads, (_, _) => DolMapperDataSource.CreateForReads(readOnlyConnectionString ?? connectionString));
        return services;
    }

    internal static void ConfigureDbContext(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}
