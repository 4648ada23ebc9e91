using DolMapper.Scoring.Insights;
using DolMapper.Web.Features.Rankings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Insights;

/// <summary>One product of a profile's list: its share of voice a week against its competitors (around its launch when it has one), its tones, the HCPs who mention it most and a post of each tone.</summary>
public sealed class ProductModel(InsightsQuery insights) : PageModel
{
    /// <summary>Weeks shown before and after a launch.</summary>
    public const int WeeksAroundLaunch = 12;

    public string Profile { get; private set; } = "";
    public RankingRun? Run { get; private set; }
    public ProductDetail? Detail { get; private set; }
    /// <summary>The launch view (null when the product has no launch date in the run's weeks).</summary>
    public LaunchView? Launch { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? profile, string? product, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(profile) || string.IsNullOrWhiteSpace(product))
        {
            return NotFound("Which product? The link needs ?profile=NAME&product=NAME.");
        }
        Profile = profile;
        Run = await insights.LatestRunAsync(profile, cancellationToken);
        if (Run is null)
        {
            return NotFound(await insights.NoRunMessageAsync(profile, cancellationToken));
        }
        Detail = await insights.ProductAsync(Run.RunId, product, cancellationToken);
        if (Detail is null)
        {
            return NotFound($"The latest run of '{profile}' counted no product '{product}' (products are counted by the run after they are listed).");
        }
        var r = Detail.Row;
        if (r.LaunchDate is not null)
        {
            var launch = ProductMentions.Launch(r.Product, r.Competitors, r.LaunchDate, Detail.Weeks, WeeksAroundLaunch);
            Launch = launch.Weeks.Count > 0 ? launch : null;
        }
        return Page();
    }
}
