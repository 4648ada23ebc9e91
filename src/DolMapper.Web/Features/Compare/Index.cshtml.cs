using DolMapper.Web.Features.Profiles;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Compare;

/// <summary>Two to four DOLs side by side under one profile (every role): radar overlay and a table.</summary>
public sealed class IndexModel(ProfileQuery profiles, Rankings.RankingQuery rankings) : PageModel
{
    public const int Most = 4;

    [BindProperty(SupportsGet = true, Name = "profile")] public string? Profile { get; set; }
    [BindProperty(SupportsGet = true, Name = "ids")] public long[] Ids { get; set; } = [];

    public IReadOnlyList<DolProfile> Dols { get; private set; } = [];
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var known = await rankings.ProfilesAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(Profile))
        {
            Profile = known.FirstOrDefault();
        }
        if (Profile is null || !known.Contains(Profile))
        {
            return this.NotFoundBecause(Profile is null ? "There is no ranking yet to compare persons in." : $"There is no ranking of a scoring profile named '{Profile}'.");
        }
        var bad = Request.Query["ids"].Where(v => !long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)).ToList();
        if (bad.Count > 0)
        {
            return this.NotFoundBecause($"'{bad[0]}' is not a person's id: compare links carry the ids of ticked persons.");
        }
        var ids = Ids.Distinct().ToArray();
        if (ids.Length is < 2 or > Most)
        {
            Message = $"Tick two to four persons to compare (you chose {ids.Length}).";
            ids = ids.Take(Most).ToArray();
        }
        var dols = new List<DolProfile>();
        foreach (var id in ids)
        {
            if (await profiles.GetAsync(id, Profile, cancellationToken) is { } dol)
            {
                dols.Add(dol);
            }
        }
        Dols = dols;
        return Page();
    }
}
