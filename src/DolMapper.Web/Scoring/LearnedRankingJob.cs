using Hangfire;

namespace DolMapper.Web.Scoring;

/// <summary>The learned ranking's jobs: train a profile's ranker (on demand), and apply the active ranker to a new run.</summary>
public sealed class LearnedRankingJob(LearnedRanking learned, ILogger<LearnedRankingJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task TrainAsync(int profileId, CancellationToken cancellationToken)
    {
        var report = await learned.TrainAsync(profileId, cancellationToken);
        logger.LogInformation("Learned ranking of profile {Profile}: {Message}", profileId, report.Message);
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task ApplyAsync(long runId, CancellationToken cancellationToken)
    {
        if (await learned.ApplyActiveAsync(runId, cancellationToken))
        {
            logger.LogInformation("Applied the learned ranking to run {Run}", runId);
        }
    }
}
