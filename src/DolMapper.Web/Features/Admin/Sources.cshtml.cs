using DolMapper.Web.Data;
using DolMapper.Web.Ingestion.Sources;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.Admin;

/// <summary>The data sources, their last runs, and "Run now".</summary>
public sealed class SourcesModel(SourceStore store, SourcePasses passes, DolMapperDbContext db, IBackgroundJobClient jobs) : PageModel
{
    public sealed record RunRow(long Id, int? SourceId, string? Query, DateTime StartedAt, DateTime? FinishedAt, string Status, long Fetched, long New, long Updated, long Duplicates, long Rejected, long Errors, long ReadsUsed, string? Message);

    public IReadOnlyList<SourceConfig> Sources { get; private set; } = [];
    public IReadOnlyList<RunRow> Runs { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Sources = await store.ListAsync(cancellationToken);
        Runs = await db.IngestionRuns.AsNoTracking().Where(r => r.Kind == Data.Entities.IngestionKinds.Ingest).OrderByDescending(r => r.StartedAt).Take(30)
            .Select(r => new RunRow(r.Id, r.SourceId, r.Query, r.StartedAt, r.FinishedAt, r.Status, r.Fetched, r.New, r.Updated, r.Duplicates, r.Rejected, r.Errors, r.ReadsUsed, r.Message))
            .ToListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostTestAsync(int id, CancellationToken cancellationToken)
    {
        var result = await passes.TestAsync(id, cancellationToken);
        Notice = result.Accepted
            ? $"Connection works: '{result.SourceName}': {result.Kind} accepted the settings."
            : $"Connection failed: '{result.SourceName}': {result.Refusal}";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRunAsync(int id, CancellationToken cancellationToken)
    {
        var source = await store.GetAsync(id, cancellationToken);
        if (source is null)
        {
            return NotFound();
        }
        jobs.Enqueue<IngestSourceJob>(job => job.RunAsync(id, CancellationToken.None));
        Notice = $"A pass of '{source.Name}' is queued; its run appears below when it starts.";
        return RedirectToPage();
    }
}
