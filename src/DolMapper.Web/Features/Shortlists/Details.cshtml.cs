using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Shortlists;

/// <summary>One shortlist: its members as ranked in the profile's latest run, notes, export, compare.</summary>
[Authorize(Policy = Policies.Analyst)]
public sealed class DetailsModel(ShortlistStore shortlists, RankingQuery rankings) : PageModel
{
    public ShortlistDetail? List { get; private set; }
    public RankingPage? Members { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, [FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        List = await shortlists.GetAsync(id, cancellationToken);
        if (List is null)
        {
            return NotFound();
        }
        Members = await rankings.PageAsync(new RankingFilter(List.Profile, Page: Math.Max(1, page ?? 1)), cancellationToken, List.PersonIds);
        return Page();
    }

    public async Task<IActionResult> OnPostNotesAsync(int id, string? notes, CancellationToken cancellationToken)
    {
        await shortlists.SetNotesAsync(id, notes, cancellationToken);
        return RedirectToPage("/Shortlists/Details", new { id });
    }

    public async Task<IActionResult> OnPostEntryNoteAsync(int id, long person, string? note, CancellationToken cancellationToken)
    {
        await shortlists.SetEntryNoteAsync(id, person, note, cancellationToken);
        return RedirectToPage("/Shortlists/Details", new { id });
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, long person, CancellationToken cancellationToken)
    {
        await shortlists.RemoveAsync(id, person, cancellationToken);
        return RedirectToPage("/Shortlists/Details", new { id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        await shortlists.DeleteAsync(id, cancellationToken);
        return RedirectToPage("/Shortlists/Index");
    }
}
