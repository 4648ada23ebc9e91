using DolMapper.Scoring.Insights;
using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Scoring;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>
/// A profile's product list (docs/insights.md, "Products"): shown as a table and edited as its JSON,
/// which replaces the list whole when it is valid; the next scoring run counts the products.
/// </summary>
public sealed class ProductsModel(ProductLists lists, RankingQuery rankings) : PageModel
{
    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public string? Profile { get; private set; }
    public ProductList? List { get; private set; }
    [BindProperty] public string? Json { get; set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];
    [TempData] public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(string? profile, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(profile, cancellationToken))
        {
            return NotFound($"There is no profile called '{profile}'.");
        }
        Json = List?.ToJson();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? profile, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(profile, cancellationToken) || Profile is null)
        {
            return NotFound($"There is no profile called '{profile}'.");
        }
        var parsed = ProductList.ParseMany(Json ?? "", out var problems);
        var wrong = parsed.Where(l => !string.Equals(l.Profile, Profile, StringComparison.Ordinal)).Select(l => $"This page edits the products of '{Profile}', but the JSON names '{l.Profile}'.").ToList();
        if (problems.Count > 0 || wrong.Count > 0 || parsed.Count != 1)
        {
            Problems = [.. problems, .. wrong, .. parsed.Count > 1 ? ["Give one list here; import several at once with `dolmapper products import`."] : Array.Empty<string>()];
            return Page();
        }
        var result = await lists.SaveAsync(parsed, User.Identity?.Name, cancellationToken);
        if (!result.Ok)
        {
            Problems = result.Problems;
            return Page();
        }
        Notice = $"Saved {parsed[0].Products.Count} products for '{Profile}'. The next scoring run of the profile counts them.";
        return RedirectToPage(new { profile = Profile });
    }

    private async Task<bool> LoadAsync(string? profile, CancellationToken cancellationToken)
    {
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        if (profile is not null && !Profiles.Contains(profile))
        {
            return false;
        }
        Profile = profile ?? Profiles.FirstOrDefault();
        List = Profile is null ? null : (await lists.ExportAsync(Profile, cancellationToken))?.SingleOrDefault();
        return true;
    }
}
