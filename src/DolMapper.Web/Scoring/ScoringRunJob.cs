using Hangfire;

namespace DolMapper.Web.Scoring;

/// <summary>
/// Scoring runs as Hangfire jobs: one per profile (on demand, or for every active profile each
/// night). A run that cannot complete (no posts, nobody to score) is recorded as failed with its
/// reason and not retried: the data, not the attempt, has to change.
/// </summary>
public sealed class ScoringRunJob(ScoringRunner runner, ScoringProfiles profiles, IBackgroundJobClient jobs, ILogger<ScoringRunJob> logger)
{
    public const string NightlyJobId = "score-active-profiles";
    public const string NightlySchedule = "0 2 * * *";

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(int profileId, string triggeredBy, CancellationToken cancellationToken)
    {
        var profile = await profiles.LatestAsync(profileId, cancellationToken)
            ?? throw new InvalidOperationException($"Scoring profile {profileId} no longer exists.");
        var report = await runner.RunAsync(profile, triggeredBy, progress: null, cancellationToken);
        if (!report.Complete)
        {
            throw new ScoringRunException(report.Message);
        }
        // Personas are trained by their own job, so the run is visible without waiting for them.
        PersonaTrainingJob.Enqueue(jobs, report.RunId!.Value);
        EngagementSuggestionsJob.Enqueue(jobs, report.RunId!.Value);
        jobs.Enqueue<LearnedRankingJob>(job => job.ApplyAsync(report.RunId!.Value, CancellationToken.None));
        // Events whose windows new posts may reach are read again (docs/events.md).
        Events.EventAnalysisJob.EnqueueStale(jobs);
    }

    /// <summary>Queues one run per active profile (the nightly job).</summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task EnqueueActiveAsync(CancellationToken cancellationToken)
    {
        foreach (var profile in await profiles.LatestAsync(activeOnly: true, cancellationToken))
        {
            jobs.Enqueue<ScoringRunJob>(job => job.RunAsync(profile.ProfileId, "nightly", CancellationToken.None));
            logger.LogInformation("Queued the nightly scoring run of {Profile}", profile.Definition.Name);
        }
    }

    /// <summary>Queues a run of one profile now (after a profile is saved, or from the UI).</summary>
    public static string Enqueue(IBackgroundJobClient jobs, int profileId, string triggeredBy) =>
        jobs.Enqueue<ScoringRunJob>(job => job.RunAsync(profileId, triggeredBy, CancellationToken.None));
}
