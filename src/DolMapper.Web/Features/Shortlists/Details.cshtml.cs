using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Scoring;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Shortlists;

/// <summary>One shortlist: its members as ranked in the profile's latest run, notes, export, compare.</summary>
[Authorize(Policy = Policies.Analyst)]
public sealed class DetailsModel(ShortlistStore shortlists, RankingQuery rankings, Patients.PatientQuery patients) : PageModel
{
    public ShortlistDetail? List { get; private set; }
    public RankingPage? Members { get; private set; }
    /// <summary>True when the list's profile ranks patient influencers (docs/patients.md): its members link to their patient pages.</summary>
    public bool IsPatient { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, [FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        List = await shortlists.GetAsync(id, cancellationToken);
        if (List is null)
        {
            return this.NotFoundBecause($"There is no shortlist {id}: it may have been deleted.");
        }
        if (await patients.LatestRunAsync(List.Profile, brandManager: false, cancellationToken) is { } run)
        {
            // A patient profile's list: its members as that ranking has them, in the shape the table reads.
            IsPatient = true;
            var result = await patients.PageAsync(run, null, null, null, Math.Max(1, page ?? 1), cancellationToken, List.PersonIds, RankingFilter.PageSize);
            Members = new RankingPage(new RankingRun(run.Profile, run.ProfileId, run.Version, run.RunId, run.RunAt, null),
                [.. result.Rows.Select(r => new RankingRow(r.Rank, r.PersonId, r.PublicId, r.Name, r.Handles, "patient influencer", r.TalksAbout, r.Country, r.Score, r.Tier, null, r.Signals, null))],
                result.Total, new RankingFilter(List.Profile, Page: result.Page), [], [], [], [], []);
            return Page();
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
