using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Patients;

/// <summary>
/// One patient influencer in a patient profile (docs/patients.md): the score and each question's
/// figure, contribution and reason in words, the posts and links behind them, the conditions they
/// talk about, and how one could engage them. Not found says so; it never lands elsewhere.
/// </summary>
public sealed class PersonModel(PatientQuery patients) : PageModel
{
    public PatientDetail? Detail { get; private set; }
    public bool CanShortlist => User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst);

    public async Task<IActionResult> OnGetAsync(long id, string? profile, CancellationToken cancellationToken)
    {
        var brandManager = !CanShortlist;
        profile ??= (await patients.ProfilesAsync(brandManager, cancellationToken)).FirstOrDefault();
        var run = profile is null ? null : await patients.LatestRunAsync(profile, brandManager, cancellationToken);
        Detail = run is null ? null : await patients.PersonAsync(run, id, cancellationToken);
        return Detail is not null ? Page()
            : run is null ? this.NotFoundBecause(profile is null ? "There is no patient influencer ranking yet." : $"There is no patient influencer ranking named '{profile}'.")
            : this.NotFoundBecause($"Nobody with the id {id} is ranked in '{profile}' (its latest run).");
    }
}
