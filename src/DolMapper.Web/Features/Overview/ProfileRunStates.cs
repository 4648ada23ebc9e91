using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Features.Overview;

/// <summary>Where a profile's scoring stands, in the words the pages use.</summary>
public static class RunStates
{
    /// <summary>A run is queued (a scoring job waits, or has started and waits for the profile's lock).</summary>
    public const string Queued = "queued";
    public const string Running = RunStatuses.Running;
    public const string Complete = RunStatuses.Complete;
    public const string Failed = RunStatuses.Failed;
    /// <summary>Never run.</summary>
    public const string None = "none";
}

/// <summary>
/// A profile's scoring state: its last complete run (when, how many persons, which version) and
/// what happens now — queued, running (with the run's stage, step of steps), or the latest run's
/// outcome (failed, with the reason).
/// </summary>
public sealed record ProfileRunState(
    int ProfileId, string State, DateTime? LastRunAt, int? LastRunPersons, int? LastRunVersion,
    DateTime? Since, string? Stage, int? Step, int? Steps, string? Error, bool NoJobServer = false)
{
    /// <summary>True while work is under way (a page showing the state polls).</summary>
    public bool Busy => State is RunStates.Queued or RunStates.Running;

    /// <summary>The state in words: "running: computing signals and PageRank (step 5 of 6)", "failed: …".</summary>
    public string Words => State switch
    {
        RunStates.Queued => NoJobServer ? "queued (no job server is running)" : "queued",
        RunStates.Running => "running" + (Stage is null ? "" : $": {Stage}") + (Step is { } s && Steps is { } n ? $" (step {s} of {n})" : ""),
        RunStates.Failed => "failed" + (Error is null ? "" : $": {Error}"),
        RunStates.Complete => "complete",
        _ => "not run yet",
    };

    /// <summary>How far a running run is, 0..100, for a progress bar.</summary>
    public int Percent => State == RunStates.Running && Step is { } s && Steps is > 0 ? (int)Math.Round(100.0 * (s - 1) / Steps.Value) : 0;
}

/// <summary>
/// Reads every profile's <see cref="ProfileRunState"/> from the runs table and Hangfire's queue
/// (a scoring job counts as queued for its profile until its run row says running).
/// </summary>
public sealed class ProfileRunStateQuery(NpgsqlDataSource dataSource, Hangfire.JobStorage? jobs = null)
{
    public async Task<IReadOnlyDictionary<int, ProfileRunState>> ByProfileAsync(CancellationToken cancellationToken)
    {
        var queued = QueuedProfiles();
        // Queued work waits for ever when every process is a web-only one (serve --no-jobs): say so.
        var noJobServer = queued.Count > 0 && !JobServerAlive();
        var states = new Dictionary<int, ProfileRunState>();
        await using var command = dataSource.CreateCommand($"""
            SELECT p.id AS profile_id,
                   c.completed_at, c.person_count, c.version,
                   l.status, l.error, l.started_at, l.completed_at AS ended_at,
                   l.details ->> 'stage' AS stage, (l.details ->> 'step')::int AS step, (l.details ->> 'steps')::int AS steps
            FROM scoring_profiles p
            LEFT JOIN LATERAL (SELECT r.completed_at, r.person_count, v.version FROM scoring_runs r JOIN scoring_profile_versions v ON v.id = r.profile_version_id
                               WHERE r.profile_id = p.id AND r.status = '{RunStatuses.Complete}' ORDER BY r.completed_at DESC LIMIT 1) c ON true
            LEFT JOIN LATERAL (SELECT r.status, r.error, r.started_at, r.completed_at, r.details FROM scoring_runs r WHERE r.profile_id = p.id ORDER BY r.started_at DESC LIMIT 1) l ON true
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.Get<int>("profile_id");
            var status = reader.Get<string>("status");
            var running = status == RunStatuses.Running;
            var state = running ? RunStates.Running
                : queued.Contains(id) ? RunStates.Queued
                : status ?? RunStates.None;
            states[id] = new ProfileRunState(
                id, state, reader.GetUtc("completed_at"), reader.Get<int?>("person_count"), reader.Get<int?>("version"),
                running ? reader.GetUtc("started_at") : reader.GetUtc("ended_at"),
                running ? reader.Get<string>("stage") : null, running ? reader.Get<int?>("step") : null, running ? reader.Get<int?>("steps") : null,
                status == RunStatuses.Failed ? reader.Get<string>("error") : null,
                state == RunStates.Queued && noJobServer);
        }
        return states;
    }

    /// <summary>
    /// Whether some process runs a job server: one has beaten its heartbeat lately (a dead process's
    /// row stays until a live server's watchdog removes it, so the row alone proves nothing).
    /// </summary>
    private bool JobServerAlive() =>
        jobs is null || jobs.GetMonitoringApi().Servers().Any(s => s.Heartbeat is { } beat && beat > DateTime.UtcNow - JobServerSilence);

    /// <summary>How long a job server may go without a heartbeat (Hangfire beats every 30 s) before it counts as gone.</summary>
    public static readonly TimeSpan JobServerSilence = TimeSpan.FromMinutes(2);

    /// <summary>Profiles with a scoring job waiting in a queue or being processed (its run row may not exist yet).</summary>
    private HashSet<int> QueuedProfiles() =>
        jobs is null ? [] : [.. Web.Scoring.ScoringRunJob.Pending(jobs).Where(j => j.ProfileId is not null).Select(j => j.ProfileId!.Value)];
}
