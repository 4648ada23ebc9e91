using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Profiles;

/// <summary>One DOL's explained score under a profile (every role).</summary>
public sealed class IndexModel(ProfileQuery profiles) : PageModel
{
    public DolProfile? Dol { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, [FromQuery] string? profile, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(profile))
        {
            return RedirectToPage("/Rankings/Index");
        }
        Dol = await profiles.GetAsync(id, profile, cancellationToken);
        return Dol is null ? NotFound() : Page();
    }
}
