using DolMapper.Web.Features.Rankings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Network;

/// <summary>
/// Who engages whom among a profile's top persons (every role; docs/dashboard.md, "Network"):
/// drawn by network.js from the same JSON the page's table of strongest ties is read from.
/// </summary>
public sealed class IndexModel(RankingQuery rankings, NetworkQuery networks) : PageModel
{
    /// <summary>The sizes a reader may choose.</summary>
    public static readonly IReadOnlyList<int> Sizes = [50, 100, 200];

    [BindProperty(SupportsGet = true, Name = "profile")] public string? Profile { get; set; }
    [BindProperty(SupportsGet = true, Name = "top")] public int? Top { get; set; }

    public RankingRun Run { get; private set; } = null!;
    public NetworkGraph Graph { get; private set; } = null!;
    public int Size => Top is { } top && Sizes.Contains(top) ? top : 100;

    /// <summary>The strongest ties, for reading without the drawing.</summary>
    public IEnumerable<(NetworkNode From, NetworkNode To, int Weight)> StrongestTies(int count)
    {
        var byId = Graph.Nodes.ToDictionary(n => n.Id);
        return Graph.Edges.Take(count).Select(e => (byId[e.Source], byId[e.Target], e.Weight));
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await rankings.LatestRunAsync(Profile, cancellationToken) is not { } run || (Profile is not null && run.Profile != Profile))
        {
            return this.NotFoundBecause(Profile is null ? "There is no ranking yet to draw a network of." : $"There is no ranking of a scoring profile named '{Profile}'.");
        }
        Run = run;
        Graph = await networks.TopAsync(run, Size, cancellationToken);
        return Page();
    }
}
