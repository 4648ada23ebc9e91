using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Patients;

/// <summary>Two to ten patient influencers of one patient profile side by side: score, each question and what they talk about.</summary>
public sealed class CompareModel(PatientQuery patients) : PageModel
{
    public const int Max = 10;
    public PatientPage? Result { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? profile, [FromQuery(Name = "ids")] long[]? ids, CancellationToken cancellationToken)
    {
        var brandManager = !(User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst));
        var run = profile is null ? null : await patients.LatestRunAsync(profile, brandManager, cancellationToken);
        if (run is null)
        {
            return this.NotFoundBecause($"There is no patient influencer ranking named '{profile}'.");
        }
        var chosen = (ids ?? []).Distinct().Take(Max).ToArray();
        if (chosen.Length < 2)
        {
            Problem = "Tick two to ten people on the patient influencer ranking to compare them.";
            Result = new PatientPage(run, [], 0, 1, []);
            return Page();
        }
        Result = await patients.PageAsync(run, null, null, null, 1, cancellationToken, chosen);
        return Page();
    }
}
