using Npgsql;

namespace DolMapper.Web.Data;

/// <summary>
/// DolMapper on a Citus cluster (docs/operations.md, "Citus"): when the database has the
/// <c>citus</c> extension, the two big tables are distributed by their author — posts by
/// <c>account_id</c>, interactions by <c>source_account_id</c> (the interacting post's author),
/// co-located, so a person's posts and the engagements they made sit on one worker and every
/// unique key (which already starts with the author) holds per shard. Every other table stays on
/// the coordinator, where the scoring runs, profiles, users and audit log are written. Run after
/// each migration, as the schema owner; does nothing on a plain PostgreSQL or when already done.
/// </summary>
public static class CitusLayout
{
    /// <summary>The distributed tables and their distribution columns, in the order they are distributed (the first is the co-location group).</summary>
    public static readonly IReadOnlyList<(string Table, string Column)> Distributed =
    [
        ("posts", "account_id"),
        ("interactions", "source_account_id"),
    ];

    /// <summary>
    /// Foreign keys a distributed table cannot keep (Citus allows one only towards a co-located or
    /// reference table). posts.source_id → sources: sources are never deleted, so the key's
    /// <c>ON DELETE SET NULL</c> never acts; the column stays.
    /// </summary>
    public static readonly IReadOnlyList<(string Table, string Constraint)> DroppedForeignKeys =
    [
        ("posts", "fk_posts_sources_source_id"),
    ];

    public static async Task<bool> IsCitusAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Distributes what is not yet distributed; returns the tables distributed now.</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(string ownerConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (!await IsCitusAsync(connection, cancellationToken))
        {
            return [];
        }
        var done = new List<string>();
        foreach (var (table, constraint) in DroppedForeignKeys)
        {
            await using var drop = new NpgsqlCommand($"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {constraint}", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        var colocateWith = "default";
        foreach (var (table, column) in Distributed)
        {
            await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = @table::regclass)", connection))
            {
                check.Parameters.AddWithValue("table", table);
                if ((bool)(await check.ExecuteScalarAsync(cancellationToken))!)
                {
                    colocateWith = table;
                    continue;
                }
            }
            // Existing rows are copied to the shards; the coordinator's copy is then truncated.
            await using (var distribute = new NpgsqlCommand("SELECT create_distributed_table(@table, @column, colocate_with => @colocate)", connection))
            {
                distribute.CommandTimeout = 0;
                distribute.Parameters.AddWithValue("table", table);
                distribute.Parameters.AddWithValue("column", column);
                distribute.Parameters.AddWithValue("colocate", colocateWith);
                await distribute.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var truncate = new NpgsqlCommand("SELECT truncate_local_data_after_distributing_table(@table)", connection))
            {
                truncate.Parameters.AddWithValue("table", table);
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            }
            done.Add(table);
            colocateWith = table;
        }
        return done;
    }
}
