using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// The ranked DOL list of a scoring profile (every role): filters and sort in the URL, server-side
/// paging; htmx swaps only the results when a filter changes.
/// </summary>
public sealed class IndexModel(RankingQuery rankings) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "profile")] public string? Profile { get; set; }
    [BindProperty(SupportsGet = true, Name = "country")] public string? Country { get; set; }
    [BindProperty(SupportsGet = true, Name = "specialty")] public string? Specialty { get; set; }
    [BindProperty(SupportsGet = true, Name = "profession")] public string? Profession { get; set; }
    [BindProperty(SupportsGet = true, Name = "tier")] public string? Tier { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "min")] public double? MinScore { get; set; }
    [BindProperty(SupportsGet = true, Name = "sort")] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public RankingPage? Result { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        if (Profile is not null && !Profiles.Contains(Profile))
        {
            Profile = null;
        }
        Result = await rankings.PageAsync(new RankingFilter(Profile, Country, Specialty, Profession, Tier, Search, MinScore, Sort, Math.Max(1, PageNumber)), cancellationToken);
        return Request.Headers.ContainsKey("HX-Request") && !Request.Headers.ContainsKey("HX-History-Restore-Request")
            ? Partial("_Results", this)
            : Page();
    }

    /// <summary>This view's URL with one parameter changed (paging, sorting).</summary>
    public string UrlWith(string key, string? value)
    {
        var query = new Dictionary<string, string?>
        {
            ["profile"] = Result?.Profile, ["country"] = Country, ["specialty"] = Specialty, ["profession"] = Profession, ["tier"] = Tier,
            ["q"] = Search, ["min"] = MinScore?.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sort"] = Result?.Filter.Sort,
            ["page"] = PageNumber > 1 ? PageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        query[key] = value;
        if (key != "page")
        {
            query["page"] = null;
        }
        return "/Rankings" + Microsoft.AspNetCore.Http.QueryString.Create(query.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
    }
}
