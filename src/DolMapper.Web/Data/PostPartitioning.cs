using Npgsql;

namespace DolMapper.Web.Data;

/// <summary>
/// Hash partitions for the two big tables on one PostgreSQL (docs/operations.md, "Partitioned posts
/// and interactions"): <c>posts</c> by <c>account_id</c> and <c>interactions</c> by
/// <c>source_account_id</c> — the author, which every unique key of both already holds, so the keys
/// stay and a statement about one author reads one partition. A new database is made so at its
/// first migration when <c>DolMapper:PostPartitions</c> says so (plain tables by default: at a
/// small scale the partitions cost more than they save); <c>dolmapper partition</c>
/// rebuilds an existing one with its data in one transaction (and back to plain tables with 0
/// partitions). The schema's migrations work on either shape, since PostgreSQL passes a
/// partitioned table's DDL to its partitions.
/// <para>
/// Not by time: retention does not drop old posts (it removes their words and keeps the rows for
/// the aggregates, docs/compliance.md), and a time key would have to join every unique key, so a
/// post whose time changes could be stored twice. Not on Citus, whose shards already spread the
/// tables by the same author key (<see cref="CitusLayout"/>).
/// </para>
/// </summary>
public static class PostPartitioning
{
    public const int MaximumPartitions = 256;

    /// <summary>What <c>dolmapper partition</c> makes without <c>--partitions</c>.</summary>
    public const int DefaultPartitions = 8;

    /// <summary>The tables partitioned and their key.</summary>
    public static readonly IReadOnlyList<(string Table, string Key)> Tables =
    [
        ("posts", "account_id"),
        ("interactions", "source_account_id"),
    ];

    /// <summary>How many hash partitions <c>posts</c> has now (0: a plain table).</summary>
    public static async Task<int> CountAsync(NpgsqlConnection connection, string table = "posts", CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("SELECT count(*)::int FROM pg_inherits WHERE inhparent = to_regclass(@table)", connection);
        command.Parameters.AddWithValue("table", table);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Gives a database without posts or interactions yet (a new one, just migrated) the
    /// <paramref name="partitions"/> it should have, which costs nothing while the tables are empty;
    /// one that holds data keeps its shape (rebuilding it blocks the tables: an operator's decision,
    /// <c>dolmapper partition</c>). Not on Citus. Returns whether it changed anything.
    /// </summary>
    public static async Task<bool> ApplyToNewAsync(string ownerConnectionString, int partitions, ILogger logger, CancellationToken cancellationToken)
    {
        // Without the setting nothing is touched: an empty database an operator partitioned stays so.
        if (partitions == 0)
        {
            return false;
        }
        await using (var connection = new NpgsqlConnection(ownerConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            if (await CitusLayout.IsCitusAsync(connection, cancellationToken)
                || await CountAsync(connection, "posts", cancellationToken) == partitions && await CountAsync(connection, "interactions", cancellationToken) == partitions)
            {
                return false;
            }
            await using var empty = new NpgsqlCommand("SELECT NOT EXISTS (SELECT 1 FROM posts) AND NOT EXISTS (SELECT 1 FROM interactions)", connection);
            if (!(bool)(await empty.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }
        return await ApplyAsync(ownerConnectionString, partitions, logger, cancellationToken);
    }

    /// <summary>
    /// Rebuilds posts and interactions with <paramref name="partitions"/> hash partitions each (0:
    /// plain tables), copying their rows, constraints, indexes and identity; does nothing when they
    /// already have that many. Needs the tables' owner; blocks every reader and writer of the two
    /// tables while it runs (about 15 s per million posts on two cores). Returns whether it changed
    /// anything.
    /// </summary>
    public static async Task<bool> ApplyAsync(string ownerConnectionString, int partitions, ILogger logger, CancellationToken cancellationToken)
    {
        if (partitions is < 0 or > MaximumPartitions)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"between 0 (a plain table) and {MaximumPartitions}");
        }
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (await CitusLayout.IsCitusAsync(connection, cancellationToken))
        {
            throw new InvalidOperationException(
                "this database is a Citus cluster: posts and interactions are already spread over the workers by author (docs/operations.md, 'Citus').");
        }
        var current = new List<int>();
        foreach (var (table, _) in Tables)
        {
            current.Add(await CountAsync(connection, table, cancellationToken));
        }
        if (current.All(c => c == partitions))
        {
            return false;
        }

        var filled = new List<string>();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await ExecuteAsync(connection, "LOCK TABLE posts, interactions IN ACCESS EXCLUSIVE MODE", cancellationToken);
            foreach (var (table, key) in Tables)
            {
                logger.LogInformation("Rebuilding {Table} with {Partitions} hash partitions by {Key}", table, partitions, key);
                if (await RebuildAsync(connection, table, key, partitions, cancellationToken) > 0)
                {
                    filled.Add(table);
                }
            }
            await transaction.CommitAsync(cancellationToken);
        }
        // Fresh rows carry no hint bits or visibility map: the first scans would set them (and be
        // several times slower); vacuum sets them now, and the planner gets its statistics. An empty
        // table is left never analysed, so the importer analyses it after its first batch.
        foreach (var table in filled)
        {
            await ExecuteAsync(connection, $"VACUUM (ANALYZE) {table}", cancellationToken);
        }
        return true;
    }

    /// <summary>Rebuilds one table; returns the rows it moved.</summary>
    private static async Task<int> RebuildAsync(NpgsqlConnection connection, string table, string key, int partitions, CancellationToken cancellationToken)
    {
        // What the table is made of besides its columns, to make again on the new one by the same names.
        var constraints = await RowsAsync(connection, """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = @table::regclass AND contype IN ('p', 'u', 'c', 'f', 'x')
            ORDER BY CASE contype WHEN 'p' THEN 0 ELSE 1 END, conname
            """, table, cancellationToken);
        var indexes = await RowsAsync(connection, """
            SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            WHERE x.indrelid = @table::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid)
            ORDER BY c.relname
            """, table, cancellationToken);
        int rows;
        await using (var identity = new NpgsqlCommand(
            "SELECT attname FROM pg_attribute WHERE attrelid = @table::regclass AND attidentity <> '' AND NOT attisdropped", connection))
        {
            identity.Parameters.AddWithValue("table", table);
            var column = await identity.ExecuteScalarAsync(cancellationToken) as string;
            var rebuilt = $"{table}_rebuilt";
            await ExecuteAsync(connection, $"""
                CREATE TABLE {rebuilt} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS)
                {(partitions > 0 ? $"PARTITION BY HASH ({key})" : "")}
                """, cancellationToken);
            for (var i = 0; i < partitions; i++)
            {
                await ExecuteAsync(connection, $"CREATE TABLE {rebuilt}_{i} PARTITION OF {rebuilt} FOR VALUES WITH (MODULUS {partitions}, REMAINDER {i})", cancellationToken);
            }
            await using (var copy = new NpgsqlCommand($"INSERT INTO {rebuilt} OVERRIDING SYSTEM VALUE SELECT * FROM {table}", connection) { CommandTimeout = 0 })
            {
                rows = await copy.ExecuteNonQueryAsync(cancellationToken);
            }
            string? sequence = null;
            if (column is not null)
            {
                var oldSequence = await ScalarAsync(connection, $"SELECT pg_get_serial_sequence('{table}', '{column}')", cancellationToken);
                sequence = await ScalarAsync(connection, $"SELECT pg_get_serial_sequence('{rebuilt}', '{column}')", cancellationToken);
                // The new identity goes on from the old one's next value, not from the rows (deleted rows' ids are never reused).
                await ExecuteAsync(connection, $"""
                    SELECT setval('{sequence}', greatest((SELECT coalesce(max({column}), 0) FROM {table}), (SELECT last_value FROM {oldSequence})))
                    """, cancellationToken);
            }
            await ExecuteAsync(connection, $"DROP TABLE {table}", cancellationToken);
            await ExecuteAsync(connection, $"ALTER TABLE {rebuilt} RENAME TO {table}", cancellationToken);
            for (var i = 0; i < partitions; i++)
            {
                await ExecuteAsync(connection, $"ALTER TABLE {rebuilt}_{i} RENAME TO {table}_p{i}", cancellationToken);
            }
            if (sequence is not null)
            {
                await ExecuteAsync(connection, $"ALTER SEQUENCE {sequence} RENAME TO {table}_{column}_seq", cancellationToken);
            }
        }
        foreach (var (name, definition) in constraints)
        {
            await ExecuteAsync(connection, $"ALTER TABLE {table} ADD CONSTRAINT {Quote(name)} {definition}", cancellationToken);
        }
        foreach (var (_, definition) in indexes)
        {
            await ExecuteAsync(connection, definition, cancellationToken);
        }
        return rows;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<List<(string, string)>> RowsAsync(NpgsqlConnection connection, string sql, string table, CancellationToken cancellationToken)
    {
        var rows = new List<(string, string)>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        return rows;
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
