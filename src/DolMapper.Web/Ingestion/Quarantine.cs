using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion;

/// <summary>Something that could not be taken in, with where it came from and why.</summary>
public sealed record QuarantineItem(string Origin, long? LineNumber, string Reason, string? Raw);

/// <summary>Writes rejected input to the <c>quarantine</c> table (capped raw text), for imports and ingestion alike.</summary>
public static class Quarantine
{
    public const int MaxRawChars = 64 * 1024;

    public static async Task WriteAsync(NpgsqlConnection connection, long runId, int? sourceId, IReadOnlyCollection<QuarantineItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }
        var now = DateTime.UtcNow;
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY quarantine (run_id, source_id, origin, line_number, reason, raw, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var item in items)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(runId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(copy, sourceId, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(item.Origin, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(copy, item.LineNumber, NpgsqlDbType.Bigint, cancellationToken);
            await copy.WriteAsync(item.Reason, NpgsqlDbType.Text, cancellationToken);
            if (item.Raw is null)
            {
                await copy.WriteNullAsync(cancellationToken);
            }
            else
            {
                var raw = item.Raw.Length > MaxRawChars ? item.Raw[..MaxRawChars] : item.Raw;
                await copy.WriteAsync(raw.Replace("\0", "", StringComparison.Ordinal), NpgsqlDbType.Text, cancellationToken);
            }
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    private static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) where T : struct =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value.Value, type, cancellationToken);
}
