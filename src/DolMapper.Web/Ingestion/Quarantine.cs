using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion;

/// <summary>Something that could not be taken in, with where it came from and why.</summary>
public sealed record QuarantineItem(string Origin, long? LineNumber, string Reason, string? Raw);

/// <summary>
/// How much of a run's rejected input is kept: the first <paramref name="LinesPerRun"/> items, each
/// cut to <paramref name="LineChars"/> characters. The run's record counts every rejection, so a
/// file of bad lines is reported in full without its bad lines filling the disk.
/// </summary>
public sealed record QuarantineLimits(int LinesPerRun = QuarantineLimits.DefaultLinesPerRun, int LineChars = QuarantineLimits.DefaultLineChars)
{
    public const int DefaultLinesPerRun = 1_000;
    public const int DefaultLineChars = 1_024;

    public static QuarantineLimits Default { get; } = new();
}

/// <summary>Writes rejected input to the <c>quarantine</c> table, within <see cref="QuarantineLimits"/>, for imports and ingestion alike.</summary>
public static class Quarantine
{
    /// <summary>Writes what the run's allowance still has room for; returns how many items were kept.</summary>
    public static async Task<int> WriteAsync(NpgsqlConnection connection, long runId, int? sourceId, IReadOnlyCollection<QuarantineItem> items,
        QuarantineLimits limits, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return 0;
        }
        long kept;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM quarantine WHERE run_id = @run", connection))
        {
            count.Parameters.AddWithValue("run", runId);
            kept = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        var room = (int)Math.Clamp(limits.LinesPerRun - kept, 0, items.Count);
        if (room == 0)
        {
            return 0;
        }
        var now = DateTime.UtcNow;
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY quarantine (run_id, source_id, origin, line_number, reason, raw, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var item in items.Take(room))
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(runId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(copy, sourceId, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(Cut(item.Origin, limits.LineChars), NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(copy, item.LineNumber, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(Cut(item.Reason, limits.LineChars), NpgsqlDbType.Text, cancellationToken);
            if (item.Raw is null)
            {
                await copy.WriteNullAsync(cancellationToken);
            }
            else
            {
                await copy.WriteAsync(Cut(item.Raw, limits.LineChars), NpgsqlDbType.Text, cancellationToken);
            }
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
        return room;
    }

    /// <summary>PostgreSQL text holds no NUL; a cut never splits a surrogate pair.</summary>
    internal static string Cut(string value, int chars)
    {
        if (value.Length > chars)
        {
            var end = char.IsHighSurrogate(value[chars - 1]) ? chars - 1 : chars;
            value = value[..end];
        }
        return value.Contains('\0', StringComparison.Ordinal) ? value.Replace("\0", "", StringComparison.Ordinal) : value;
    }

    private static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) where T : struct =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value.Value, type, cancellationToken);
}
