using System.Globalization;
using Serilog;
using Serilog.Events;

namespace DolMapper.Web.Infrastructure;

internal static class Logging
{
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Structured logs to standard error (standard output carries only a verb's result), plus a
    /// rolling daily file when configured. A "Serilog" configuration section adjusts levels and sinks.
    /// </summary>
    public static Serilog.ILogger Create(IConfiguration configuration, DolMapperOptions options)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Warning)
            .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(
                outputTemplate: ConsoleTemplate,
                formatProvider: CultureInfo.InvariantCulture,
                standardErrorFromLevel: LogEventLevel.Verbose);

        if (options.LogFile.Enabled)
        {
            var folder = options.LogFile.Directory ?? Path.Combine(DataDirectory.Resolve(options), "logs");
            config = config.WriteTo.File(
                new Serilog.Formatting.Compact.CompactJsonFormatter(),
                Path.Combine(folder, "dolmapper-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14);
        }

        if (configuration.GetSection("Serilog").Exists())
        {
            config = config.ReadFrom.Configuration(configuration);
        }
        return config.CreateLogger();
    }
}
