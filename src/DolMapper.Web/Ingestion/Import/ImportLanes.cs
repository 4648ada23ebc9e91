using Npgsql;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>
/// Several writer sessions for one import, each owning the authors whose key hashes to it, so a large
/// file uses the cores the database has (docs/import.md, "Parallel writing"). Each batch is written
/// in two steps — its account lines, then its post lines — each split by author over the lanes and
/// written at once, and the next step starts when every lane has committed. All lines about one
/// author land in the same lane in input order, so "the newest observation wins, then the later
/// line" holds as in one session; and since account lines are committed before any post of the
/// batch, a lane never makes a stub of an account another lane is creating with its profile.
/// <para>
/// Lanes hold the writer lock shared, other writers (source passes) hold it exclusively. What lanes
/// can still meet on — a person shared by accounts in two lanes, a stub two lanes both need —
/// either waits (ON CONFLICT) or fails as a deadlock, unique or foreign-key violation; a lane whose
/// transaction failed that way writes its part again alone, holding the lock exclusively. A batch
/// whose lines need to see each other across authors (an account line an opt-out matches, a reply
/// naming a parent post of the same batch but not its author) is written whole by one session.
/// </para>
/// </summary>
public sealed class ImportLanes : IAsyncDisposable
{
    /// <summary>A lane is only worth its transaction with this many lines; smaller batches use fewer lanes.</summary>
    public const int MinimumRecordsPerLane = 1_000;

    /// <summary>SQLSTATEs of lanes meeting on a shared row; the transaction was rolled back whole.</summary>
    private static readonly HashSet<string> Conflicts =
        [PostgresErrorCodes.DeadlockDetected, PostgresErrorCodes.UniqueViolation, PostgresErrorCodes.ForeignKeyViolation, PostgresErrorCodes.SerializationFailure];

    private readonly IngestionWriter _writer;
    private readonly ILogger _logger;
    private readonly IngestionWriterSession?[] _sessions;
    private int _rewrites;

    public ImportLanes(IngestionWriter writer, int lanes, ILogger logger)
    {
        _writer = writer;
        _logger = logger;
        _sessions = new IngestionWriterSession?[Math.Max(1, lanes)];
    }

    /// <summary>How many sessions may write at once.</summary>
    public int Count => _sessions.Length;

    /// <summary>Lane writes that met another lane and were written again alone.</summary>
    public int Rewrites => _rewrites;

    /// <summary>The most lanes one batch was written by so far.</summary>
    public int MostAtOnce { get; private set; } = 1;

    /// <summary>
    /// The lanes an import asks for: the setting, else one per core of this machine but the one
    /// parsing takes (at most four; measured on two cores, one session was fastest); never more than
    /// the pool can open beside the import's bookkeeping connection.
    /// </summary>
    public static int Resolve(int requested, NpgsqlDataSource dataSource)
    {
        var lanes = requested > 0 ? requested : Math.Clamp(Environment.ProcessorCount - 1, 1, 4);
        var pool = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        return Math.Max(1, Math.Min(lanes, pool - 1));
    }

    /// <summary>Writes one batch: whole by one session, or in steps, the author-bound ones split over the lanes.</summary>
    public async Task<IngestionCounts> WriteAsync(IReadOnlyList<ImportRecord> records, IngestionWriteOptions options, CancellationToken cancellationToken)
    {
        var lanes = Math.Min(_sessions.Length, records.Count / MinimumRecordsPerLane);
        var first = await SessionAsync(0, cancellationToken);
        if (lanes < 2 || !CanSplit(records))
        {
            return await first.WriteAsync(records, options, cancellationToken);
        }
        var accounts = new List<ImportRecord>();
        var posts = new List<ImportRecord>();
        var deletions = new List<ImportRecord>();
        var relationships = new List<ImportRecord>();
        foreach (var record in records)
        {
            (record switch
            {
                AccountRecord => accounts,
                PostRecord { Deleted: true } => deletions,
                PostRecord => posts,
                _ => relationships,
            }).Add(record);
        }
        // An account line an opt-out matches by its own fields blocks its posts and the references
        // to it in the same transaction; rare, so such a batch is simply written in one session.
        if (await first.AnyOptedOutAsync([.. accounts.Cast<AccountRecord>()], cancellationToken))
        {
            return await first.WriteAsync(records, options, cancellationToken);
        }

        // In one session the batch's statements apply deletions (whether before or after the post's
        // line), then accounts, then posts, then relationships: the steps keep that order.
        var counts = new IngestionCounts();
        if (deletions.Count > 0)
        {
            counts.Add(await first.WriteAsync(deletions, options, cancellationToken));
        }
        if (accounts.Count > 0)
        {
            counts.Add(await WriteSplitAsync(accounts, lanes, options, cancellationToken));
            // A person with accounts in two lanes was summarised by each from what it could see.
            await first.SummarisePersonsAsync([.. accounts.Cast<AccountRecord>()], cancellationToken);
        }
        if (posts.Count > 0)
        {
            counts.Add(await WriteSplitAsync(posts, lanes, options, cancellationToken));
        }
        if (relationships.Count > 0)
        {
            counts.Add(await first.WriteAsync(relationships, options, cancellationToken));
        }
        return counts;
    }

    private async Task<IngestionCounts> WriteSplitAsync(List<ImportRecord> records, int lanes, IngestionWriteOptions options, CancellationToken cancellationToken)
    {
        var parts = Split(records, lanes);
        MostAtOnce = Math.Max(MostAtOnce, parts.Count(p => p.Count > 0));
        var writes = new Task<IngestionCounts>[lanes];
        for (var lane = 0; lane < lanes; lane++)
        {
            writes[lane] = WriteLaneAsync(lane, parts[lane], options, cancellationToken);
        }
        try
        {
            await Task.WhenAll(writes);
        }
        catch when (writes.FirstOrDefault(w => w.IsFaulted) is { } failed)
        {
            // The failing lane's own exception, as one session would have thrown it; the other lanes committed.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
        }
        var counts = new IngestionCounts();
        foreach (var write in writes)
        {
            counts.Add(write.Result);
        }
        return counts;
    }

    private async Task<IngestionCounts> WriteLaneAsync(int lane, List<ImportRecord> part, IngestionWriteOptions options, CancellationToken cancellationToken)
    {
        if (part.Count == 0)
        {
            return new IngestionCounts();
        }
        var session = await SessionAsync(lane, cancellationToken);
        try
        {
            return await session.WriteAsync(part, options with { SharedLock = true }, cancellationToken);
        }
        catch (Exception e) when ((e as PostgresException ?? e.InnerException as PostgresException) is { SqlState: var state } && Conflicts.Contains(state))
        {
            Interlocked.Increment(ref _rewrites);
            _logger.LogDebug("Import lane {Lane} met another lane ({SqlState}); its {Records} lines are written again alone", lane, state, part.Count);
            return await session.WriteAsync(part, options, cancellationToken);
        }
    }

    /// <summary>
    /// Whether the batch's lines can be written by authors apart: not when a reference names a post
    /// of this batch without its author, which one session finds among the batch's own lines.
    /// (References to posts stored earlier are found by every lane.)
    /// </summary>
    public static bool CanSplit(IReadOnlyList<ImportRecord> records)
    {
        HashSet<(string, string)>? unresolved = null;
        foreach (var record in records)
        {
            if (record is PostRecord { Deleted: false } post)
            {
                foreach (var reference in (ReadOnlySpan<PostReference?>)[post.ReplyTo, post.QuoteOf, post.RepostOf])
                {
                    if (reference is { PostId: { } parent, AccountId: null })
                    {
                        (unresolved ??= []).Add((post.Platform, parent));
                    }
                }
            }
        }
        return unresolved is null
            || !records.Any(r => r is PostRecord { Deleted: false } p && unresolved.Contains((p.Platform, p.Id)));
    }

    /// <summary>The lane of an author: the same for every line about them, whatever the batch.</summary>
    public static int LaneOf(string platform, string accountId, int lanes)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in platform)
        {
            hash = (hash ^ c) * 16777619u;
        }
        hash = (hash ^ 0) * 16777619u;
        foreach (var c in accountId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % (uint)lanes);
    }

    private static List<ImportRecord>[] Split(List<ImportRecord> records, int lanes)
    {
        var parts = new List<ImportRecord>[lanes];
        for (var i = 0; i < lanes; i++)
        {
            parts[i] = new List<ImportRecord>(records.Count / lanes + 16);
        }
        foreach (var record in records)
        {
            var lane = record switch
            {
                AccountRecord a => LaneOf(a.Platform, a.Id, lanes),
                PostRecord p => LaneOf(p.Platform, p.AccountId!, lanes),
                _ => throw new InvalidOperationException($"a {record.GetType().Name} cannot be split by author"),
            };
            parts[lane].Add(record);
        }
        return parts;
    }

    private async Task<IngestionWriterSession> SessionAsync(int lane, CancellationToken cancellationToken) =>
        _sessions[lane] ??= await _writer.OpenSessionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }
    }
}
