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

    /// <summary>
    /// The scoring jobs waiting in any queue or being processed (up to 500 of each): the profile a
    /// run job is for (null for the nightly job that queues the others), and whether it is processing.
    /// </summary>
    public static IReadOnlyList<(int? ProfileId, bool Processing)> Pending(JobStorage storage)
    {
        var monitoring = storage.GetMonitoringApi();
        static (bool Scoring, int? Profile) Read(Hangfire.Common.Job? job) =>
            job?.Type != typeof(ScoringRunJob) ? (false, null)
            : (true, job.Method.Name == nameof(RunAsync) && job.Args.Count > 0 && job.Args[0] is int id ? id : null);
        var pending = new List<(int?, bool)>();
        foreach (var queue in monitoring.Queues())
        {
            pending.AddRange(monitoring.EnqueuedJobs(queue.Name, 0, 500).Select(j => Read(j.Value.Job)).Where(j => j.Scoring).Select(j => (j.Profile, false)));
        }
        pending.AddRange(monitoring.ProcessingJobs(0, 500).Select(j => Read(j.Value.Job)).Where(j => j.Scoring).Select(j => (j.Profile, true)));
        return pending;
    }

    /// <summary>Queues a run of one profile now (after a profile is saved, or from the UI).</summary>
    public static string Enqueue(IBackgroundJobClient jobs, int profileId, string triggeredBy) =>
        jobs.Enqueue<ScoringRunJob>(job => job.RunAsync(profileId, triggeredBy, CancellationToken.None));
}
