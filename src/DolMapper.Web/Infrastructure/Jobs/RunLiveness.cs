using Npgsql;

namespace DolMapper.Web.Infrastructure.Jobs;

/// <summary>
/// Says whether a run recorded as running still has a process working on it. The process that
/// runs it holds a session advisory lock named after the run (a <see cref="CrossProcessLock"/>
/// name) on a connection it keeps open for the whole run; PostgreSQL releases it when that process
/// finishes, or dies and its connection closes. A run marked running whose lock anyone can take is
/// an interrupted run.
/// </summary>
public static class RunLiveness
{
    public const string Ingestion = "ingestion";
    public const string Scoring = "scoring";
    public const string Event = "event";

    private static string Name(string kind, long runId) => $"run:{kind}:{runId}";

    /// <summary>Marks the run as worked on for as long as <paramref name="connection"/> stays open (or until <see cref="ReleaseAsync"/>).</summary>
    public static Task HoldAsync(NpgsqlConnection connection, string kind, long runId, CancellationToken cancellationToken) =>
        CrossProcessLock.LockAsync(connection, Name(kind, runId), cancellationToken);

    /// <summary>Lets go before the connection goes back to the pool (where the lock would otherwise linger).</summary>
    public static Task ReleaseAsync(NpgsqlConnection connection, string kind, long runId) =>
        // A connection the failure broke has lost its session, and the server its locks with it;
        // trying to unlock there would hide the failure's own message behind "connection is not open".
        connection.State == System.Data.ConnectionState.Open ? CrossProcessLock.UnlockAsync(connection, Name(kind, runId)) : Task.CompletedTask;

    /// <summary>
    /// True when no process works on the run. Holds the run's lock while <paramref name="whileHeld"/>
    /// marks it, so a process cannot pick the run up in between.
    /// </summary>
    public static async Task<bool> TryRecoverAsync(NpgsqlConnection connection, string kind, long runId, Func<Task> whileHeld, CancellationToken cancellationToken)
    {
        if (!await CrossProcessLock.TryLockAsync(connection, Name(kind, runId), cancellationToken))
        {
            return false;
        }
        try
        {
            await whileHeld();
            return true;
        }
        finally
        {
            await ReleaseAsync(connection, kind, runId);
        }
    }
}
