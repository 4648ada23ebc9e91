using DolMapper.Web.Features.Rankings;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Personas;

/// <summary>The personas of a profile's latest persona model: who they are (think, feel, do), how many, their typical radar, their members.</summary>
public sealed class IndexModel(PersonaQuery personas, RankingQuery rankings) : PageModel
{
    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public string? Profile { get; private set; }
    public IReadOnlyList<PersonaCard> Personas { get; private set; } = [];
    public int? ModelVersion { get; private set; }
    public DateTime? TrainedAt { get; private set; }
    public int K { get; private set; }
    public string? Silhouettes { get; private set; }

    public async Task OnGetAsync(string? profile, CancellationToken cancellationToken)
    {
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        Profile = profile is not null && Profiles.Contains(profile) ? profile : Profiles.FirstOrDefault();
        if (Profile is null || await personas.ActiveModelAsync(Profile, cancellationToken) is not { } model)
        {
            return;
        }
        (ModelVersion, TrainedAt, K, Silhouettes, Personas) = (model.Version, model.TrainedAt, model.K, model.Silhouettes, model.Personas);
    }
}
