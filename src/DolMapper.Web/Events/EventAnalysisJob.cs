using Hangfire;

namespace DolMapper.Web.Events;

/// <summary>
/// Events are read as Hangfire jobs (docs/events.md): one event when it is saved, and after every
/// scoring run the events whose reading may be out of date (never read, read from an older version,
/// or read before posts were last stored). A failed reading is recorded and not retried.
/// </summary>
public sealed class EventAnalysisJob(EventAnalyzer analyzer, ILogger<EventAnalysisJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task AnalyzeAsync(string name, CancellationToken cancellationToken)
    {
        var report = await analyzer.AnalyzeAsync(name, cancellationToken);
        if (report is null)
        {
            logger.LogWarning("Event {Event} no longer exists; nothing to read", name);
        }
        else if (!report.Succeeded)
        {
            throw new InvalidOperationException(report.Message);
        }
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task AnalyzeStaleAsync(CancellationToken cancellationToken)
    {
        var failed = (await analyzer.AnalyzeAllAsync(onlyStale: true, cancellationToken)).Where(r => !r.Succeeded).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failed.Select(r => r.Message)));
        }
    }

    /// <summary>Queues a reading of one event now (after it is saved).</summary>
    public static string Enqueue(IBackgroundJobClient jobs, string name) =>
        jobs.Enqueue<EventAnalysisJob>(job => job.AnalyzeAsync(name, CancellationToken.None));

    /// <summary>Queues a reading of every event that may be out of date (after a scoring run).</summary>
    public static string EnqueueStale(IBackgroundJobClient jobs) =>
        jobs.Enqueue<EventAnalysisJob>(job => job.AnalyzeStaleAsync(CancellationToken.None));
}

public static class EventServiceCollectionExtensions
{
    /// <summary>Events: the store, the reader, its job and the pages' queries.</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddScoped<EventStore>();
        services.AddScoped<EventAnalyzer>();
        services.AddScoped<EventAnalysisJob>();
        services.AddScoped<EventQuery>();
        return services;
    }
}
