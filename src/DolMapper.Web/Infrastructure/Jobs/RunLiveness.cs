using Npgsql;

namespace DolMapper.Web.Infrastructure.Jobs;

/// <summary>
/// Says whether a run recorded as running still has a process working on it. The process that
/// runs it holds a session advisory lock named after the run on a connection it keeps open for the
/// whole run; PostgreSQL releases it when that process finishes, or dies and its connection closes.
/// A run marked running whose lock anyone can take is an interrupted run.
/// </summary>
public static class RunLiveness
{
    public const string Ingestion = "ingestion";
    public const string Scoring = "scoring";

    private static int Key(string kind, long runId) => CrossProcessLock.KeyOf($"run:{kind}:{runId}");

    /// <summary>Marks the run as worked on for as long as <paramref name="connection"/> stays open (or until <see cref="ReleaseAsync"/>).</summary>
    public static async Task HoldAsync(NpgsqlConnection connection, string kind, long runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@space, @key)", connection);
        command.Parameters.AddWithValue("space", CrossProcessLock.KeySpace);
        command.Parameters.AddWithValue("key", Key(kind, runId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Lets go before the connection goes back to the pool (where the lock would otherwise linger).</summary>
    public static async Task ReleaseAsync(NpgsqlConnection connection, string kind, long runId)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, @key)", connection);
            command.Parameters.AddWithValue("space", CrossProcessLock.KeySpace);
            command.Parameters.AddWithValue("key", Key(kind, runId));
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // A broken connection is closed, and its locks go with it.
        }
    }

    /// <summary>
    /// True when no process works on the run. Holds the run's lock while <paramref name="whileHeld"/>
    /// marks it, so a process cannot pick the run up in between.
    /// </summary>
    public static async Task<bool> TryRecoverAsync(NpgsqlConnection connection, string kind, long runId, Func<Task> whileHeld, CancellationToken cancellationToken)
    {
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, @key)", connection))
        {
            take.Parameters.AddWithValue("space", CrossProcessLock.KeySpace);
            take.Parameters.AddWithValue("key", Key(kind, runId));
            if (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
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
