using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Import;
using DolMapper.Web.Ingestion.Locations;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion;

/// <summary>
/// The one bulk path into accounts, persons, posts, interactions and CRM relationships, for file
/// imports and for every ingestion source. A batch of records is written with binary COPY into
/// temporary staging tables, de-duplicated there (the newest observation wins, then the later
/// line), and applied with a handful of set-based statements in one transaction: tombstones first,
/// opt-outs next, then accounts (with persons and stub accounts for authors and mentions not seen
/// yet), posts and the interactions they imply. Batches from different processes are serialised
/// by a transaction-level advisory lock, so two writers never race on the same new account; an
/// import's own lanes, which write disjoint authors, share it (<see cref="Import.ImportLanes"/>).
/// The SQL is documented in docs/import.md ("How a batch is written").
/// </summary>
public sealed class IngestionWriter(NpgsqlDataSource dataSource)
{
    public async Task<IngestionWriterSession> OpenSessionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // Staging tables live in temp buffers (8 MB by default, far less than a batch) and
            // de-duplication sorts in work memory: give both room before the first temp table.
            // The data source sets temp_buffers when the connection starts (DolMapperDataSource);
            // PostgreSQL refuses to change it once the session has used a temporary table, as a
            // pooled connection may have, so here it is only tried, never required.
            // random_page_cost as for SSDs: with the default (4) the planner probes posts by author
            // alone and filters, instead of the unique (author, id) index.
            await using var create = new NpgsqlCommand(
                IngestionSql.TryRaiseTempBuffers + "SET work_mem = '64MB'; SET random_page_cost = 1.1;\n" + IngestionSql.CreateStagingTables, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            var statistics = await TableStatistics.ReadAsync(connection, cancellationToken);
            return new IngestionWriterSession(connection, statistics, await Data.CitusLayout.IsCitusAsync(connection, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>How a batch is written.</summary>
/// <param name="ObservedAtDefault">The observation time of a line without <c>observed_at</c> (the start of the import or pass).</param>
/// <param name="SourceId">The source the posts came from, if any.</param>
/// <param name="Cursor">Where a source's pass has got to, saved in the same transaction as the batch it covers.</param>
/// <param name="SharedLock">
/// Hold the writer lock shared rather than exclusively: only for an import's lanes, which write
/// disjoint authors at once (<see cref="Import.ImportLanes"/>).
/// </param>
public sealed record IngestionWriteOptions(DateTime ObservedAtDefault, int? SourceId = null, SourceCursorUpdate? Cursor = null, bool SharedLock = false);

/// <summary>A source's cursor for one query (e.g. X's since_id), advanced with the data.</summary>
public sealed record SourceCursorUpdate(int SourceId, string Query, string? Value);

/// <summary>A connection with its staging tables; write batches in input order.</summary>
public sealed class IngestionWriterSession : IAsyncDisposable
{
    /// <summary>The advisory lock every writer takes for the length of one batch's transaction.</summary>
    public static readonly int WriterLockKey = CrossProcessLock.KeyOf("ingestion-writer");

    private readonly NpgsqlConnection _connection;
    private readonly TableStatistics _statistics;
    private readonly bool _citus;
    private long _sequence;

    internal IngestionWriterSession(NpgsqlConnection connection, TableStatistics statistics, bool citus)
    {
        _connection = connection;
        _statistics = statistics;
        _citus = citus;
    }

    /// <summary>Writes one batch in one transaction and says what it changed.</summary>
    public async Task<IngestionCounts> WriteAsync(IReadOnlyList<ImportRecord> records, IngestionWriteOptions options, CancellationToken cancellationToken = default)
    {
        var counts = new IngestionCounts();
        if (records.Count == 0 && options.Cursor is null)
        {
            return counts;
        }
        var observedDefault = DateTime.SpecifyKind(options.ObservedAtDefault, DateTimeKind.Utc);

        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand(
            options.SharedLock ? "SELECT pg_advisory_xact_lock_shared(@space, @key)" : "SELECT pg_advisory_xact_lock(@space, @key)", _connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("space", CrossProcessLock.KeySpace);
            lockCommand.Parameters.AddWithValue("key", WriterLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        StagedCounts staged;
        try
        {
            staged = await StageAsync(records, observedDefault, cancellationToken);
        }
        catch (NpgsqlException e) when (IsTimeout(e))
        {
            throw TimedOut("staging", records.Count, e);
        }

        bool anyOptOuts;
        await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM opt_outs)", _connection, transaction))
        {
            anyOptOuts = (bool)(await check.ExecuteScalarAsync(cancellationToken))!;
        }

        await using var batch = new NpgsqlBatch(_connection, transaction);
        var steps = new Dictionary<string, NpgsqlBatchCommand>();
        void Step(string name, string sql, params NpgsqlParameter[] parameters)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(parameters);
            batch.BatchCommands.Add(command);
            steps[name] = command;
        }

        // Small samples are enough for the planner to see the staging tables' sizes and null fractions.
        Step("statistics", "SET LOCAL default_statistics_target = 10");
        Step("analyze-stage", "ANALYZE stage_accounts, stage_posts");
        if (staged.Deletions > 0)
        {
            Step("tombstones", IngestionSql.InsertTombstones);
            Step("purge", IngestionSql.PurgeDeletedPosts);
        }
        Step("tombstoned", IngestionSql.DropTombstonedPosts);
        if (anyOptOuts)
        {
            Step("blocked", IngestionSql.FindOptedOutAccounts);
            Step("optout-accounts", IngestionSql.DropOptedOutAccounts);
            Step("optout-posts", IngestionSql.DropOptedOutPosts);
            Step("optout-refs", IngestionSql.StripOptedOutReferences);
            Step("optout-relationships", IngestionSql.DropOptedOutRelationships);
        }
        var resolve = 0;
        foreach (var statement in IngestionSql.ResolveReferencedAuthors.Split(";\n"))
        {
            Step($"resolve-references-{resolve++}", statement);
        }
        Step("dedupe-accounts", IngestionSql.DedupeAccounts);
        Step("merge-accounts", IngestionSql.MergeDuplicateAccounts);
        Step("stubs", IngestionSql.AddStubAccounts);
        Step("analyze-work-accounts", "ANALYZE work_accounts");
        Step("find-accounts", IngestionSql.FindExistingAccounts);
        Step("persons", IngestionSql.InsertKeyedAndNewPersons);
        Step("person-ids", IngestionSql.ResolvePersonIds);
        Step("accounts-new", IngestionSql.InsertNewAccounts);
        Step("stubs-new", IngestionSql.InsertStubAccounts);
        Step("accounts-updated", IngestionSql.UpdateExistingAccounts);
        Step("orphans", IngestionSql.DeleteOrphanedPersons);
        Step("person-summary", IngestionSql.SummarisePersons);
        Step("dedupe-posts", _citus ? IngestionSql.DedupePostsOnCitus : IngestionSql.DedupePosts);
        Step("analyze-work-posts", "ANALYZE work_posts");
        Step("merge-posts", IngestionSql.MergeDuplicatePosts);
        Step("posts-new", IngestionSql.InsertNewPosts, new NpgsqlParameter<int?>("source", options.SourceId) { NpgsqlDbType = NpgsqlDbType.Integer });
        Step("posts-updated", IngestionSql.UpdateExistingPosts);
        Step("interactions-cleared", IngestionSql.ClearChangedInteractions);
        Step("interactions-changed", IngestionSql.InsertChangedInteractions);
        if (staged.Relationships > 0)
        {
            Step("dedupe-relationships", IngestionSql.DedupeRelationships);
            Step("find-relationships", IngestionSql.FindExistingRelationships);
            Step("relationships-new", IngestionSql.InsertNewRelationships);
            Step("relationships-updated", IngestionSql.UpdateExistingRelationships);
        }
        Step("relationships-resolved", IngestionSql.ResolveRelationshipPersons);
        if (options.Cursor is { } cursor)
        {
            Step("cursor", """
                INSERT INTO source_cursors (source_id, query, value, updated_at) VALUES (@cursor_source, @cursor_query, @cursor_value, now())
                ON CONFLICT (source_id, query) DO UPDATE SET value = excluded.value, updated_at = now()
                """,
                new NpgsqlParameter<int>("cursor_source", cursor.SourceId),
                new NpgsqlParameter<string>("cursor_query", cursor.Query),
                new NpgsqlParameter<string?>("cursor_value", cursor.Value) { NpgsqlDbType = NpgsqlDbType.Text });
        }
        Step("counts", IngestionSql.CountWork);

        try
        {
            await ReadCountsAsync(batch, steps, staged, counts, cancellationToken);
        }
        catch (PostgresException e) when (e.BatchCommand is { } failed && !IsTimeout(e))
        {
            var step = steps.FirstOrDefault(s => ReferenceEquals(s.Value, failed)).Key ?? "?";
            throw new IngestionWriteException($"writing a batch failed at step '{step}': {e.MessageText}", e);
        }
        catch (NpgsqlException e) when (IsTimeout(e))
        {
            var step = e is PostgresException { BatchCommand: { } failed } ? steps.FirstOrDefault(s => ReferenceEquals(s.Value, failed)).Key : null;
            throw TimedOut(step ?? "applying", records.Count, e);
        }
        counts.Deletions = staged.Deletions;
        counts.PostsTombstoned = Affected(steps, "tombstoned");
        counts.OptedOut = Affected(steps, "optout-accounts") + Affected(steps, "optout-posts");

        await transaction.CommitAsync(cancellationToken);

        // Tables that grow from empty (a first import) have no statistics until autovacuum gets to
        // them, and the next batch's plan can then be thousands of times slower. Analyse a table
        // whenever it has grown by a good share since it was last analysed.
        _statistics.Written("accounts", counts.AccountsNew + counts.StubAccounts);
        _statistics.Written("persons", counts.AccountsNew + counts.StubAccounts);
        _statistics.Written("posts", counts.PostsNew);
        _statistics.Written("interactions", counts.Interactions);
        await _statistics.AnalyzeGrownAsync(_connection, cancellationToken);
        return counts;
    }

    private static async Task ReadCountsAsync(NpgsqlBatch batch, Dictionary<string, NpgsqlBatchCommand> steps, StagedCounts staged, IngestionCounts counts, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        // Two statements return rows: the new posts with their interactions, then the work counts.
        await reader.ReadAsync(cancellationToken);
        counts.PostsNew = reader.GetInt64(0);
        var newInteractions = reader.GetInt64(1);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var workAccounts = reader.GetInt64(0);
        var workPosts = reader.GetInt64(1);
        var existingAccounts = reader.GetInt64(2);
        var existingPosts = reader.GetInt64(3);
        var workRelationships = reader.GetInt64(4);
        var existingRelationships = reader.GetInt64(5);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
        counts.Superseded = staged.Accounts - Affected(steps, "optout-accounts") - workAccounts
            + staged.Posts - Affected(steps, "tombstoned") - Affected(steps, "optout-posts") - workPosts
            + staged.Relationships - Affected(steps, "optout-relationships") - workRelationships;
        counts.AccountsNew = Affected(steps, "accounts-new");
        counts.StubAccounts = Affected(steps, "stubs-new");
        counts.AccountsUpdated = Affected(steps, "accounts-updated");
        counts.AccountsUnchanged = existingAccounts - counts.AccountsUpdated;
        counts.PostsUpdated = Affected(steps, "posts-updated");
        counts.PostsUnchanged = existingPosts - counts.PostsUpdated;
        counts.RelationshipsNew = Affected(steps, "relationships-new");
        counts.RelationshipsUpdated = Affected(steps, "relationships-updated");
        counts.RelationshipsUnchanged = existingRelationships - counts.RelationshipsUpdated;
        counts.Interactions = newInteractions + Affected(steps, "interactions-changed");
    }

    /// <summary>Whether an opt-out matches one of these account lines by the line's own fields (<see cref="IngestionSql.AnyAccountLineOptedOut"/>).</summary>
    public async Task<bool> AnyOptedOutAsync(IReadOnlyList<AccountRecord> accounts, CancellationToken cancellationToken = default)
    {
        if (accounts.Count == 0)
        {
            return false;
        }
        await using var command = new NpgsqlCommand(IngestionSql.AnyAccountLineOptedOut, _connection);
        command.Parameters.AddWithValue("platforms", accounts.Select(a => a.Platform).ToArray());
        command.Parameters.AddWithValue("external_ids", accounts.Select(a => a.Id).ToArray());
        command.Parameters.AddWithValue("handles", NpgsqlDbType.Array | NpgsqlDbType.Text, accounts.Select(a => a.Handle).ToArray());
        command.Parameters.AddWithValue("npis", NpgsqlDbType.Array | NpgsqlDbType.Text, accounts.Select(a => a.Npi).ToArray());
        command.Parameters.AddWithValue("persons", NpgsqlDbType.Array | NpgsqlDbType.Text, accounts.Select(a => a.Person).ToArray());
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Summarises the persons of these accounts again (<see cref="IngestionSql.SummarisePersonsOfAccounts"/>).</summary>
    public async Task SummarisePersonsAsync(IReadOnlyList<AccountRecord> accounts, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(IngestionSql.SummarisePersonsOfAccounts, _connection);
        command.Parameters.AddWithValue("platforms", accounts.Select(a => a.Platform).ToArray());
        command.Parameters.AddWithValue("external_ids", accounts.Select(a => a.Id).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A client-side command timeout, or a statement cancelled by the server's statement_timeout.</summary>
    private static bool IsTimeout(NpgsqlException e) =>
        e.InnerException is TimeoutException || e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled };

    private IngestionWriteException TimedOut(string step, int records, NpgsqlException e) => new(
        $"the database took longer than its command timeout ({_connection.CommandTimeout} s) at the step '{step}' of a batch of {records:N0} records; " +
        "the batch was rolled back", e);

    private static long Affected(Dictionary<string, NpgsqlBatchCommand> steps, string name) =>
        steps.TryGetValue(name, out var command) ? (long)command.RecordsAffected : 0;

    private readonly record struct StagedCounts(long Accounts, long Posts, long Deletions, long Relationships);

    private async Task<StagedCounts> StageAsync(IReadOnlyList<ImportRecord> records, DateTime observedDefault, CancellationToken cancellationToken)
    {
        long accounts = 0, posts = 0, deletions = 0, relationships = 0;
        var start = _sequence;

        await using (var copy = await _connection.BeginBinaryImportAsync(IngestionSql.CopyAccounts, cancellationToken))
        {
            var seq = start;
            foreach (var record in records)
            {
                seq++;
                if (record is not AccountRecord a)
                {
                    continue;
                }
                accounts++;
                copy.StartRow();
                copy.Write(seq, NpgsqlDbType.Bigint);
                copy.Write(a.Platform, NpgsqlDbType.Text);
                copy.Write(a.Id, NpgsqlDbType.Text);
                WriteText(copy, a.Handle);
                WriteText(copy, a.Name);
                WriteText(copy, a.Bio);
                WriteText(copy, a.Location);
                // A given country is certain; otherwise the gazetteer reads the free-text location.
                var country = a.Country;
                double? countryConfidence = country is null ? null : 1.0;
                if (country is null && Gazetteer.Resolve(a.Location) is { } resolved)
                {
                    (country, countryConfidence) = (resolved.Code, resolved.Confidence);
                }
                WriteText(copy, country);
                WriteValue(copy, a.Followers, NpgsqlDbType.Bigint);
                WriteValue(copy, a.Following, NpgsqlDbType.Bigint);
                WriteValue(copy, a.PostsCount, NpgsqlDbType.Bigint);
                WriteValue(copy, a.CreatedAt, NpgsqlDbType.TimestampTz);
                WriteText(copy, a.Url);
                WriteValue(copy, a.Verified, NpgsqlDbType.Boolean);
                WriteText(copy, a.Person);
                WriteText(copy, a.Npi);
                copy.Write(a.ObservedAt ?? observedDefault, NpgsqlDbType.TimestampTz);
                WriteValue(copy, countryConfidence, NpgsqlDbType.Double);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await _connection.BeginBinaryImportAsync(IngestionSql.CopyPosts, cancellationToken))
        {
            var seq = start;
            foreach (var record in records)
            {
                seq++;
                if (record is not PostRecord { Deleted: false } p)
                {
                    continue;
                }
                posts++;
                copy.StartRow();
                copy.Write(seq, NpgsqlDbType.Bigint);
                copy.Write(p.Platform, NpgsqlDbType.Text);
                copy.Write(p.Id, NpgsqlDbType.Text);
                copy.Write(p.AccountId!, NpgsqlDbType.Text);
                copy.Write(p.CreatedAt!.Value, NpgsqlDbType.TimestampTz);
                WriteText(copy, p.Text);
                WriteText(copy, p.Lang);
                WriteText(copy, p.ReplyTo?.PostId);
                WriteText(copy, p.ReplyTo?.AccountId);
                WriteText(copy, p.QuoteOf?.PostId);
                WriteText(copy, p.QuoteOf?.AccountId);
                WriteText(copy, p.RepostOf?.PostId);
                WriteText(copy, p.RepostOf?.AccountId);
                WriteList(copy, p.Mentions);
                WriteList(copy, p.Hashtags);
                WriteList(copy, p.Urls);
                WriteValue(copy, p.Likes, NpgsqlDbType.Integer);
                WriteValue(copy, p.Replies, NpgsqlDbType.Integer);
                WriteValue(copy, p.Reposts, NpgsqlDbType.Integer);
                WriteValue(copy, p.Quotes, NpgsqlDbType.Integer);
                copy.Write(p.ObservedAt ?? observedDefault, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await _connection.BeginBinaryImportAsync(IngestionSql.CopyDeletions, cancellationToken))
        {
            var seq = start;
            foreach (var record in records)
            {
                seq++;
                if (record is not PostRecord { Deleted: true } d)
                {
                    continue;
                }
                deletions++;
                copy.StartRow();
                copy.Write(seq, NpgsqlDbType.Bigint);
                copy.Write(d.Platform, NpgsqlDbType.Text);
                copy.Write(d.Id, NpgsqlDbType.Text);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await _connection.BeginBinaryImportAsync(IngestionSql.CopyRelationships, cancellationToken))
        {
            var seq = start;
            foreach (var record in records)
            {
                seq++;
                if (record is not RelationshipRecord r)
                {
                    continue;
                }
                relationships++;
                copy.StartRow();
                copy.Write(seq, NpgsqlDbType.Bigint);
                WriteText(copy, r.Platform);
                WriteText(copy, r.AccountId);
                WriteText(copy, r.Person);
                WriteText(copy, r.Npi);
                copy.Write(r.Kind, NpgsqlDbType.Text);
                WriteValue(copy, r.Since, NpgsqlDbType.Date);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        _sequence = start + records.Count;
        return new StagedCounts(accounts, posts, deletions, relationships);
    }

    private static void WriteList(NpgsqlBinaryImporter copy, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(values as IList<string> ?? [.. values], NpgsqlDbType.Array | NpgsqlDbType.Text);
        }
    }

    // Synchronous writes: the importer buffers and only touches the socket when its buffer fills,
    // and an await per field costs more than the field.
    private static void WriteText(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void WriteValue<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value.Value, type);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>A batch that could not be written; it was rolled back whole, and batches before it stay committed.</summary>
public sealed class IngestionWriteException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// How many rows each table the writer fills had when it was last analysed, and how many the
/// session has written since; a table that has grown by <see cref="GrowthShare"/> (and at least
/// <see cref="MinimumGrowth"/> rows) is analysed again, so the planner always sees roughly how big
/// it is. Growth is tracked per writer; each writer only ever analyses a table too often, never too
/// rarely.
/// </summary>
internal sealed class TableStatistics
{
    public const double GrowthShare = 0.2;
    public const long MinimumGrowth = 1_000;
    public static readonly IReadOnlyList<string> Tables = ["accounts", "persons", "posts", "interactions"];

    private readonly Dictionary<string, (long Analysed, long Written, bool Never)> _tables;

    private TableStatistics(Dictionary<string, (long, long, bool)> tables) => _tables = tables;

    public static async Task<TableStatistics> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, (long, long, bool)>();
        await using var command = new NpgsqlCommand(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE oid = ANY (@tables::regclass[])", connection);
        command.Parameters.AddWithValue("tables", Tables.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // -1: never analysed (nor vacuumed) since it was created.
            var rows = reader.GetInt64(1);
            tables[reader.GetString(0)] = (Math.Max(rows, 0), 0, rows < 0);
        }
        return new TableStatistics(tables);
    }

    public void Written(string table, long rows)
    {
        if (rows > 0 && _tables.TryGetValue(table, out var t))
        {
            _tables[table] = t with { Written = t.Written + rows };
        }
    }

    public async Task AnalyzeGrownAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var grown = _tables
            .Where(t => t.Value.Written > 0 && (t.Value.Never || t.Value.Written >= Math.Max(MinimumGrowth, (long)(t.Value.Analysed * GrowthShare))))
            .Select(t => t.Key)
            .ToList();
        if (grown.Count == 0)
        {
            return;
        }
        // ANALYZE needs the table's owner; the application's role owns nothing, so the owner's
        // function does it (docs/security.md).
        await using var analyze = new NpgsqlCommand("SELECT dolmapper_analyze(@tables)", connection) { CommandTimeout = 0 };
        analyze.Parameters.AddWithValue("tables", grown.ToArray());
        await analyze.ExecuteNonQueryAsync(cancellationToken);
        foreach (var table in grown)
        {
            var t = _tables[table];
            _tables[table] = (t.Analysed + t.Written, 0, false);
        }
    }
}
