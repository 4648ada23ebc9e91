using Hangfire;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>
/// The Hangfire job of a source: its scheduled passes and "Run now". Safe to run twice (passes are
/// idempotent and hold the source's cross-process lock). At a rate limit it schedules itself for the
/// platform's reset time instead of waiting in a worker.
/// </summary>
public sealed class IngestSourceJob(SourcePasses passes, IBackgroundJobClient jobs, ILogger<IngestSourceJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Ingest source {0}")]
    public async Task RunAsync(int sourceId, CancellationToken cancellationToken)
    {
        var result = await passes.RunAsync(sourceId, "job", cancellationToken);
        if (result.RetryAt is { } at)
        {
            jobs.Schedule<IngestSourceJob>(job => job.RunAsync(sourceId, CancellationToken.None), at.AddSeconds(1));
            logger.LogInformation("Source {SourceId} hit a rate limit; the pass continues at {At:u}", sourceId, at);
        }
    }
}
