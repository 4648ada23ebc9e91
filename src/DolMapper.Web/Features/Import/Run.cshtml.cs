using DolMapper.Web.Data;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.Import;

/// <summary>One import: its progress while it runs, then its report and the lines it rejected.</summary>
[Authorize(Policy = Policies.Analyst)]
public sealed class RunModel(DolMapperDbContext db) : PageModel
{
    public const int MaxShownRejections = 200;

    public sealed record Rejection(long? LineNumber, string Reason, string? Raw);

    public ImportRunView Run { get; private set; } = null!;
    public IReadOnlyList<Rejection> Rejections { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } notFound)
        {
            return notFound;
        }
        Rejections = await db.Quarantine.AsNoTracking()
            .Where(q => q.RunId == id)
            .OrderBy(q => q.LineNumber).ThenBy(q => q.Id)
            .Take(MaxShownRejections)
            .Select(q => new Rejection(q.LineNumber, q.Reason, q.Raw == null ? null : q.Raw.Substring(0, 300)))
            .ToListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetProgressAsync(long id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } notFound)
        {
            return notFound;
        }
        if (Run.Finished)
        {
            // Once done, htmx reloads the page so the report and the rejected lines appear.
            Response.Headers["HX-Refresh"] = "true";
        }
        return Partial("_RunProgress", Run);
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var run = await ImportRuns.Runs(db).Where(r => r.Id == id).AsView().SingleOrDefaultAsync(cancellationToken);
        if (run is null)
        {
            return NotFound();
        }
        Run = run;
        return null;
    }
}
