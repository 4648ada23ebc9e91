using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace DolMapper.Web.Infrastructure;

/// <summary>
/// One lock that every DolMapper process honours, for work that must not run twice at once (a
/// source's ingestion, a profile's scoring run, migrations). It is a PostgreSQL session advisory
/// lock held on a connection of its own, so it is released when the holder releases it, or when
/// its process dies and the connection closes.
/// </summary>
public sealed class CrossProcessLock(string connectionString, ILogger<CrossProcessLock> logger)
{
    /// <summary>The first key of every DolMapper advisory lock ("DMAP"), so other users of advisory locks do not collide with ours.</summary>
    public const int KeySpace = 0x444D4150;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>Well-known lock names.</summary>
    public static class Names
    {
        public const string Migrations = "migrations";
        /// <summary>Seeding the roles, the first admin and the demo users: two processes starting on a fresh database at once must not both create them.</summary>
        public const string UserSeeding = "seed-users";
        public static string Ingestion(string source, string? query = null) => query is null ? $"ingest:{source}" : $"ingest:{source}:{query}";
        public static string Scoring(string profile) => $"score:{profile}";
    }

    /// <summary>The second key for <paramref name="name"/>: a stable hash, the same in every process and version.</summary>
    public static int KeyOf(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return BitConverter.ToInt32(hash, 0);
    }

    /// <summary>Takes the lock if nobody holds it; null if another session does.</summary>
    public async Task<LockHandle?> TryAcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (await TryLockAsync(connection, name, cancellationToken))
            {
                return new LockHandle(connection, name);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Waits for the lock, saying once (in the log) that it waits and for what. Throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/> if one is given.
    /// </summary>
    public async Task<LockHandle> AcquireAsync(string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var deadline = timeout is null ? (DateTime?)null : DateTime.UtcNow + timeout.Value;
            var announced = false;
            while (!await TryLockAsync(connection, name, cancellationToken))
            {
                if (!announced)
                {
                    logger.LogInformation("Waiting for lock '{Lock}': another DolMapper process holds it", name);
                    announced = true;
                }
                if (deadline is not null && DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"The lock '{name}' is held by another DolMapper process; gave up after {timeout!.Value.TotalSeconds:0} s.");
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
            if (announced)
            {
                logger.LogInformation("Acquired lock '{Lock}'", name);
            }
            return new LockHandle(connection, name);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the session lock <paramref name="name"/> on <paramref name="connection"/> if nobody holds it.</summary>
    internal static async Task<bool> TryLockAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@space, @key)", connection);
        command.Parameters.AddWithValue("space", KeySpace);
        command.Parameters.AddWithValue("key", KeyOf(name));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Waits for and takes the session lock <paramref name="name"/> on <paramref name="connection"/>.</summary>
    internal static async Task LockAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@space, @key)", connection);
        command.Parameters.AddWithValue("space", KeySpace);
        command.Parameters.AddWithValue("key", KeyOf(name));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Releases the session lock <paramref name="name"/> held on <paramref name="connection"/>; a broken connection releases it by closing.</summary>
    internal static async Task UnlockAsync(NpgsqlConnection connection, string name)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@space, @key)", connection);
            command.Parameters.AddWithValue("space", KeySpace);
            command.Parameters.AddWithValue("key", KeyOf(name));
            await command.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            // Closing the session releases the lock anyway.
        }
    }
}

/// <summary>A held <see cref="CrossProcessLock"/>; disposing releases it.</summary>
public sealed class LockHandle : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    internal LockHandle(NpgsqlConnection connection, string name)
    {
        _connection = connection;
        Name = name;
    }

    public string Name { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CrossProcessLock.UnlockAsync(_connection, Name);
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
