using DolMapper.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DolMapper.Web.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the DbContext, the cross-process lock and the data source on <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddDolMapperData(this IServiceCollection services, string connectionString)
    {
        services.AddDbContext<DolMapperDbContext>(options => ConfigureDbContext(options, connectionString));
        services.AddSingleton(sp => new CrossProcessLock(connectionString, sp.GetRequiredService<ILogger<CrossProcessLock>>()));
        services.AddSingleton(_ => DolMapperDataSource.Create(connectionString));
        return services;
    }

    internal static void ConfigureDbContext(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}
