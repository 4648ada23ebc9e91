using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion;
using DolMapper.Web.Ingestion.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the DbContext, the cross-process lock and the migrator on <paramref name="connectionString"/>.</summary>
    public static IServiceCollection AddDolMapperData(this IServiceCollection services, string connectionString)
    {
        services.AddDbContext<DolMapperDbContext>(options => ConfigureDbContext(options, connectionString));
        services.AddSingleton(sp => new CrossProcessLock(connectionString, sp.GetRequiredService<ILogger<CrossProcessLock>>()));
        services.AddSingleton(_ => DolMapperDataSource.Create(connectionString));
        services.AddSingleton<IngestionWriter>();
        services.AddSingleton(sp => sp.GetService<IOptions<DolMapperOptions>>()?.Value.Retention.QuarantineLimits() ?? QuarantineLimits.Default);
        services.AddSingleton<FileImporter>();
        services.AddSingleton<UploadStore>();
        services.AddScoped<ImportUploadJob>();
        services.AddScoped<RetentionJob>();
        services.AddScoped<Infrastructure.Jobs.InterruptedWork>();
        return services;
    }

    internal static void ConfigureDbContext(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();
}
