using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Profiles;

/// <summary>One DOL's explained score under a profile (every role); Analysts and Admins can add them to a shortlist.</summary>
public sealed class IndexModel(ProfileQuery profiles, Scoring.LearnedRanking learned, Rankings.RankingQuery rankings, Web.Events.EventQuery events) : PageModel
{
    /// <summary>The events the person took part in, and their role there (docs/events.md).</summary>
    public IReadOnlyList<Web.Events.PersonEvent> Events { get; private set; } = [];
    /// <summary>This analyst's verdict on the person for the profile.</summary>
    public string? Verdict { get; private set; }
    public DolProfile? Dol { get; private set; }
    public bool CanShortlist => User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst);

    public async Task<IActionResult> OnGetAsync(long id, [FromQuery] string? profile, CancellationToken cancellationToken)
    {
        var known = await rankings.ProfilesAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(profile))
        {
            // A link without its profile: the person under the first profile that ranks them, said in the URL.
            foreach (var name in known)
            {
                if (await profiles.GetAsync(id, name, cancellationToken) is not null)
                {
                    return RedirectToPage("/Profiles/Index", new { id, profile = name });
                }
            }
            return this.NotFoundBecause($"Nobody with the id {id} is ranked in any scoring profile.");
        }
        if (!known.Contains(profile))
        {
            return this.NotFoundBecause($"There is no ranking of a scoring profile named '{profile}'.");
        }
        Dol = await profiles.GetAsync(id, profile, cancellationToken);
        if (Dol is null)
        {
            return this.NotFoundBecause($"Nobody with the id {id} is ranked in '{profile}' (its latest run).");
        }
        Events = await events.OfPersonAsync(id, cancellationToken);
        if (CanShortlist)
        {
            if (await rankings.LatestRunAsync(profile, cancellationToken) is { } run && run.Profile == profile)
            {
                var user = User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "";
                Verdict = (await learned.VerdictsAsync(run.ProfileId, user, [id], cancellationToken)).GetValueOrDefault(id);
            }
        }
        return Page();
    }
}
