using System.Globalization;
using DolMapper.Scoring.Compliance;
using DolMapper.Web.Compliance;
using DolMapper.Web.Infrastructure;
using Npgsql;

namespace DolMapper.Web.Features.Safety;

/// <summary>The safety team's CSV of the potential adverse-event queue (docs/compliance.md), written by the Safety page and <c>dolmapper ae export</c>, audited.</summary>
public sealed class SafetyCsv(AdverseEventQueue queue, NpgsqlDataSource dataSource)
{
    /// <summary>The CSV header of the safety team's export.</summary>
    public static readonly string[] Header =
        ["id", "post_url", "platform", "author", "text", "text_masked", "criteria", "products", "events", "posted_at", "found_at", "due_at", "overdue", "status", "decided_by", "decided_at", "note"];

    /// <summary>Writes the queue (open items, or <paramref name="all"/>) as CSV; text that may identify a patient is masked unless <paramref name="unmask"/>. Returns the rows written.</summary>
    public async Task<int> WriteCsvAsync(bool all, bool unmask, TextWriter writer, CancellationToken cancellationToken)
    {
        var rows = await queue.ListAsync(all, cancellationToken);
        await using var csv = Downloads.CsvWriter(writer);
        foreach (var column in Header)
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken);
        var now = DateTime.UtcNow;
        static string Time(DateTime? t) => t?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";
        foreach (var r in rows)
        {
            var masked = !unmask && ConfidentialityGuard.Check(r.Text).Flagged;
            csv.WriteField(r.Id);
            csv.WriteField(Downloads.CsvText(Profiles.PostLinks.Url(r.Platform, r.ExternalId, r.Handle)));
            csv.WriteField(r.Platform);
            csv.WriteField(Downloads.CsvText(r.Handle));
            csv.WriteField(Downloads.CsvText(masked ? ConfidentialityGuard.Mask(r.Text!) : r.Text));
            csv.WriteField(masked ? "true" : "false");
            csv.WriteField(string.Join(" ", r.Criteria));
            csv.WriteField(Downloads.CsvText(string.Join("; ", r.Products)));
            csv.WriteField(Downloads.CsvText(string.Join("; ", r.Events)));
            csv.WriteField(Time(r.PostedAt));
            csv.WriteField(Time(r.FoundAt));
            csv.WriteField(Time(r.DueAt));
            csv.WriteField(r.Overdue(now) ? "true" : "false");
            csv.WriteField(r.Status);
            csv.WriteField(Downloads.CsvText(r.DecidedBy));
            csv.WriteField(Time(r.DecidedAt));
            csv.WriteField(Downloads.CsvText(r.Note));
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>Writes an export of the queue to the audit log.</summary>
    public async Task AuditExportAsync(string? userId, string userName, int rows, object request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Data.AuditLog.WriteAsync(connection, null, userName, "export.ae.csv", null, new { rows, request }, cancellationToken, userId);
    }
}
