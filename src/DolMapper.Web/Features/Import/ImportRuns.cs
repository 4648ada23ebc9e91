using System.Text.Json;
using DolMapper.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.Import;

/// <summary>An import run as the Import pages show it.</summary>
public sealed record ImportRunView(
    long Id, string? Files, string? TriggeredBy, DateTime StartedAt, DateTime? FinishedAt, string Status, string? Message,
    long Lines, long New, long Updated, long Rejected, long BytesRead, long? BytesTotal, string Details)
{
    public bool Finished => FinishedAt is not null;
    public bool Queued => !Finished && Message == "queued" && BytesRead == 0;

    /// <summary>0-100 from bytes read, when the size is known.</summary>
    public int? Percent => BytesTotal is > 0 ? (int)Math.Clamp(100 * BytesRead / BytesTotal.Value, 0, 100) : Finished ? 100 : null;

    /// <summary>The per-kind counts of a finished run, from its report.</summary>
    public IReadOnlyList<(string Label, string Value)> Breakdown()
    {
        if (!Finished)
        {
            return [];
        }
        using var document = JsonDocument.Parse(Details);
        if (!document.RootElement.TryGetProperty("counts", out var c))
        {
            return [];
        }
        long N(string name) => c.TryGetProperty(name, out var v) ? v.GetInt64() : 0;
        return
        [
            ("Accounts", $"{N("accounts_new"):N0} new, {N("accounts_updated"):N0} updated, {N("accounts_unchanged"):N0} unchanged"),
            ("Accounts known only from posts", $"{N("stub_accounts"):N0}"),
            ("Posts", $"{N("posts_new"):N0} new, {N("posts_updated"):N0} updated, {N("posts_unchanged"):N0} unchanged"),
            ("Interactions derived", $"{N("interactions"):N0}"),
            ("Deletions", $"{N("deletions"):N0} applied, {N("posts_tombstoned"):N0} deleted posts not stored"),
            ("CRM relationships", $"{N("relationships_new"):N0} new, {N("relationships_updated"):N0} updated, {N("relationships_unchanged"):N0} unchanged"),
            ("Opted out (not stored)", $"{N("opted_out"):N0}"),
            ("Superseded by a newer line", $"{N("superseded"):N0}"),
        ];
    }
}

internal static class ImportRuns
{
    public static IQueryable<Data.Entities.IngestionRun> Runs(DolMapperDbContext db) =>
        db.IngestionRuns.AsNoTracking().Where(r => r.Kind == Data.Entities.IngestionKinds.Import);

    /// <summary>The view of each run; apply filters and ordering before this.</summary>
    public static IQueryable<ImportRunView> AsView(this IQueryable<Data.Entities.IngestionRun> runs) =>
        runs.Select(r => new ImportRunView(r.Id, r.Query, r.TriggeredBy, r.StartedAt, r.FinishedAt, r.Status, r.Message,
            r.Fetched, r.New, r.Updated, r.Rejected, r.BytesRead, r.BytesTotal, r.Details));
}
