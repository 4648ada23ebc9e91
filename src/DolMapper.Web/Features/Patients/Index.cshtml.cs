using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Patients;

/// <summary>
/// The "Patient influencers" tab beside the HCP rankings (docs/patients.md): the latest run of a
/// patient profile, filtered by country, tier and name, 50 a page. Brand managers see only the
/// patient profiles an admin made visible to them; analysts and admins see all, export them (each
/// export audited) and compare.
/// </summary>
public sealed class IndexModel(PatientQuery patients) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "profile")] public string? Profile { get; set; }
    [BindProperty(SupportsGet = true, Name = "country")] public string? Country { get; set; }
    [BindProperty(SupportsGet = true, Name = "tier")] public string? Tier { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    public int PageNumber { get; private set; } = 1;

    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public PatientPage? Result { get; private set; }
    public bool CanExport => User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst);
    /// <summary>True for a brand manager (who sees only patient profiles made visible to them).</summary>
    public bool BrandManagerOnly => !CanExport;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, page ?? 1);
        Profiles = await patients.ProfilesAsync(BrandManagerOnly, cancellationToken);
        if (Profile is not null && !Profiles.Contains(Profile))
        {
            // An unknown name, an HCP profile, or a patient profile hidden from this user: said, not silently replaced.
            TempData["Notice"] = $"No patient influencer ranking named '{Profile}' is available to you.";
            Profile = null;
        }
        Profile ??= Profiles.FirstOrDefault();
        if (Profile is not null && await patients.LatestRunAsync(Profile, BrandManagerOnly, cancellationToken) is { } run)
        {
            Result = await patients.PageAsync(run, Country, Tier, Search, PageNumber, cancellationToken);
        }
        return Page();
    }

    /// <summary>This view's URL on another page.</summary>
    public string? PageUrl(int page) => Url.Page("/Patients/Index", new { profile = Profile, country = Country, tier = Tier, q = Search, page });
}
