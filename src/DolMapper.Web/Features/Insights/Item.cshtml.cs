using DolMapper.Web.Features.Rankings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Insights;

/// <summary>One hashtag, term or site of a profile's topic: its weeks (HCPs and the public), the HCPs who drive it and posts that show it.</summary>
public sealed class ItemModel(InsightsQuery insights) : PageModel
{
    public string Profile { get; private set; } = "";
    public RankingRun? Run { get; private set; }
    public TrendDetail? Detail { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? profile, string? kind, string? item, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(profile) || !InsightsQuery.IsKind(kind) || string.IsNullOrWhiteSpace(item))
        {
            return NotFound("Which item? The link needs ?profile=NAME&kind=hashtag|term|domain&item=ITEM.");
        }
        Profile = profile;
        Run = await insights.LatestRunAsync(profile, cancellationToken);
        if (Run is null)
        {
            return NotFound(await insights.NoRunMessageAsync(profile, cancellationToken));
        }
        Detail = await insights.ItemAsync(Run.RunId, kind!, item, cancellationToken);
        return Detail is null ? NotFound($"The latest run of '{profile}' kept no {kind} '{item}' (too few posts in its topic).") : Page();
    }
}
