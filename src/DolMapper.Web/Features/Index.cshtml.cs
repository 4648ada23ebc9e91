using DolMapper.Web.Features.Overview;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features;

/// <summary>
/// The home page (docs/dashboard.md, "Home"): each profile's top five with climbers and newcomers
/// since the previous run, each profile's run state, how fresh each source is, and what to do
/// next on a system without data or rankings. While work is under way the page refreshes itself.
/// </summary>
public sealed class IndexModel(OverviewQuery overview) : PageModel
{
    public HomeOverview Overview { get; private set; } = null!;

    public bool IsAdmin => User.IsInRole(Roles.Admin);
    public bool CanImport => User.IsInRole(Roles.Admin) || User.IsInRole(Roles.Analyst);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Overview = await overview.ReadAsync(brandManager: !CanImport, cancellationToken);
    }
}
