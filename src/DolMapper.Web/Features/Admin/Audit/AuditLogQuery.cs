using System.Globalization;
using DolMapper.Web.Scoring;
using Npgsql;

namespace DolMapper.Web.Features.Admin.Audit;

/// <summary>What the audit log page and its CSV show: an action, a user, a text in the target or details, a date range.</summary>
public sealed record AuditFilter(string? Action = null, string? User = null, string? Text = null, DateOnly? From = null, DateOnly? To = null, int Page = 1)
{
    public const int PageSize = 100;
}

public sealed record AuditRow(long Id, DateTime At, string? User, string Action, string? Target, string Details);

/// <summary>
/// Reads the append-only audit log (a database trigger rejects UPDATE, DELETE and TRUNCATE), and
/// records that it was exported. Writes go through <see cref="Data.AuditLog"/> or EF Core.
/// </summary>
public sealed class AuditLogQuery(NpgsqlDataSource dataSource)
{
    /// <summary>Records an export of the log: who, how many rows, and the filter (its free text withheld).</summary>
    public async Task RecordExportAsync(string? user, AuditFilter filter, long rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Data.AuditLog.WriteAsync(connection, null, user, "audit.exported", null,
            new { rows, filter = new { action = filter.Action, user = filter.User, q = Data.AuditLog.Withheld(filter.Text), from = filter.From, to = filter.To } }, cancellationToken);
    }

    public async Task<(IReadOnlyList<AuditRow> Rows, long Total)> PageAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM audit_log a WHERE {Where}", connection);
        Bind(count, filter);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        await using var command = new NpgsqlCommand($"""
            SELECT a.id, a.at, coalesce(a.user_name, a.user_id), a.action, a.target, a.details::text
            FROM audit_log a WHERE {Where} ORDER BY a.at DESC, a.id DESC OFFSET @offset LIMIT @limit
            """, connection);
        Bind(command, filter);
        command.Parameters.AddWithValue("offset", Data.Paging.Offset(filter.Page, AuditFilter.PageSize));
        command.Parameters.AddWithValue("limit", AuditFilter.PageSize);
        var rows = new List<AuditRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }
        return (rows, total);
    }

    /// <summary>The actions and users that occur, for the filter's choices.</summary>
    public async Task<(IReadOnlyList<string> Actions, IReadOnlyList<string> Users)> ChoicesAsync(CancellationToken cancellationToken)
    {
        var actions = new List<string>();
        var users = new List<string>();
        await using var command = dataSource.CreateCommand("""
            SELECT 'a', action FROM (SELECT DISTINCT action FROM audit_log) x
            UNION ALL SELECT 'u', u FROM (SELECT DISTINCT coalesce(user_name, user_id) u FROM audit_log WHERE coalesce(user_name, user_id) IS NOT NULL) y
            ORDER BY 1, 2
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            (reader.GetString(0) == "a" ? actions : users).Add(reader.GetString(1));
        }
        return (actions, users);
    }

    /// <summary>Every entry the filter selects (all pages), newest first, as CSV; returns the number of rows.</summary>
    public async Task<long> WriteCsvAsync(AuditFilter filter, TextWriter output, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT a.id, a.at, coalesce(a.user_name, a.user_id), a.action, a.target, a.details::text
            FROM audit_log a WHERE {Where} ORDER BY a.at DESC, a.id DESC
            """);
        Bind(command, filter);
        command.CommandTimeout = 0;
        await using var csv = Infrastructure.Downloads.CsvWriter(output);
        foreach (var column in new[] { "id", "at", "user", "action", "target", "details" })
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken);
        long rows = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = Read(reader);
            csv.WriteField(row.Id.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(row.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            csv.WriteField(Infrastructure.Downloads.CsvText(row.User));
            csv.WriteField(Infrastructure.Downloads.CsvText(row.Action));
            csv.WriteField(Infrastructure.Downloads.CsvText(row.Target));
            csv.WriteField(Infrastructure.Downloads.CsvText(row.Details));
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }

    private const string Where = """
        (@action IS NULL OR a.action = @action)
        AND (@user IS NULL OR coalesce(a.user_name, a.user_id) = @user)
        AND (@text IS NULL OR a.target ILIKE @text OR a.details::text ILIKE @text)
        AND (@from IS NULL OR a.at >= @from)
        AND (@to IS NULL OR a.at < @to)
        """;

    private static void Bind(NpgsqlCommand command, AuditFilter filter)
    {
        static object Or(string? value) => string.IsNullOrWhiteSpace(value) ? DBNull.Value : value.Trim();
        command.Parameters.Add(new NpgsqlParameter("action", NpgsqlTypes.NpgsqlDbType.Text) { Value = Or(filter.Action) });
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = Or(filter.User) });
        command.Parameters.Add(new NpgsqlParameter("text", NpgsqlTypes.NpgsqlDbType.Text)
        {
            Value = string.IsNullOrWhiteSpace(filter.Text) ? DBNull.Value : Data.Like.Containing(filter.Text.Trim()),
        });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.TimestampTz)
        {
            Value = filter.From is { } from ? from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DBNull.Value,
        });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.TimestampTz)
        {
            Value = filter.To is { } to ? to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DBNull.Value,
        });
    }

    private static AuditRow Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc),
        reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5));
}
