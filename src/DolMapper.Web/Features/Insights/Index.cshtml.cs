using DolMapper.Scoring.Insights;
using DolMapper.Web.Features.Rankings;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Insights;

/// <summary>A profile's conversation insights: what is rising, what is new, what is steady and what is falling in its topic (docs/insights.md).</summary>
public sealed class IndexModel(InsightsQuery insights, RankingQuery rankings) : PageModel
{
    /// <summary>Steady and falling items shown per kind (the CSV has every kept item).</summary>
    public const int Shown = 15;

    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public string? Profile { get; private set; }
    /// <summary>Set when the URL named a profile that does not exist (the first profile is shown instead, and the page says so).</summary>
    public string? UnknownProfile { get; private set; }
    public string? Kind { get; private set; }
    public RankingRun? Run { get; private set; }
    public bool TopicScoped { get; private set; }
    public IReadOnlyDictionary<string, IReadOnlyList<TrendRow>> ByStatus { get; private set; } = new Dictionary<string, IReadOnlyList<TrendRow>>();
    public IReadOnlyList<ConcernRow> Concerns { get; private set; } = [];
    public IReadOnlyList<ProductRow> Products { get; private set; } = [];

    public async Task OnGetAsync(string? profile, string? kind, CancellationToken cancellationToken)
    {
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        if (profile is not null && !Profiles.Contains(profile))
        {
            UnknownProfile = profile;
            profile = null;
        }
        Profile = profile ?? Profiles.FirstOrDefault();
        Kind = InsightsQuery.IsKind(kind) ? kind : null;
        if (Profile is null || await insights.LatestRunAsync(Profile, cancellationToken) is not { } run)
        {
            return;
        }
        Run = run;
        TopicScoped = run.Definition?.TopicScoped ?? false;
        Products = await insights.ProductsAsync(run.RunId, cancellationToken);
        if (!TopicScoped)
        {
            return;
        }
        var byStatus = new Dictionary<string, IReadOnlyList<TrendRow>>();
        foreach (var status in TrendStatus.All)
        {
            byStatus[status] = await insights.TrendsAsync(run.RunId, Kind, status,
                status is TrendStatus.Rising or TrendStatus.Emerging ? 50 : Kind is null ? 3 * Shown : Shown, cancellationToken, byVolume: status == TrendStatus.Steady);
        }
        ByStatus = byStatus;
        Concerns = await insights.ConcernsAsync(run.RunId, cancellationToken, limit: Shown);
    }
}
