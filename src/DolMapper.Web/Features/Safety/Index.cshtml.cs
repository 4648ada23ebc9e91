using DolMapper.Web.Compliance;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Safety;

/// <summary>
/// The potential adverse-event review queue (docs/compliance.md): reviewers — analysts and admins —
/// see each item with the criteria found highlighted and its deadline, overdue ones first in red,
/// and mark it reported or not an adverse event with a note. Brand managers never see it.
/// </summary>
[Authorize(Policy = Policies.Analyst)]
public sealed class IndexModel(AdverseEventQueue queue) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "status")] public string? Status { get; set; }
    /// <summary>Items a page shows (the most urgent first); the export has them all.</summary>
    public const int Shown = 100;
    public IReadOnlyList<AdverseEventRow> Items { get; private set; } = [];
    public (long Open, long Overdue, long All) Counts { get; private set; }
    public bool All => Status == "all";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await queue.ScanAsync(cancellationToken);
        Items = await queue.ListAsync(All, cancellationToken, Shown);
        Counts = await queue.CountAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostDecideAsync(long id, string decision, string? note, CancellationToken cancellationToken)
    {
        var done = await queue.DecideAsync(id, decision, note, User.Identity?.Name ?? "?", User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, cancellationToken);
        if (!done)
        {
            return BadRequest($"No open item {id}, or '{decision}' is not a decision ({string.Join(", ", AdverseEventQueue.Decisions)}).");
        }
        TempData["Notice"] = $"Item {id}: {(decision == AdverseEventQueue.Reported ? "reported to pharmacovigilance" : "not an adverse event")}.";
        return RedirectToPage("/Safety/Index", new { status = Status });
    }

    /// <summary>The text in pieces, each marked with the criterion it met (product, event) or none, for highlighting.</summary>
    public static IEnumerable<(string Text, string? Criterion)> Highlight(string? text, string[] products)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }
        var at = 0;
        foreach (var span in DolMapper.Scoring.Compliance.AdverseEventScreen.Screen(text, products).Spans)
        {
            if (span.Start < at)
            {
                continue;
            }
            yield return (text[at..span.Start], null);
            yield return (text.Substring(span.Start, span.Length), span.Criterion);
            at = span.Start + span.Length;
        }
        yield return (text[at..], null);
    }
}
