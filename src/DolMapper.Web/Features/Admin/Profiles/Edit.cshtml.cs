using System.Globalization;
using DolMapper.Scoring;
using DolMapper.Web.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin.Profiles;

/// <summary>
/// The profile editor: the ten weights with each question's meaning, the topic and its scope,
/// countries and whether only persons located there are ranked, window, minimum HCP confidence and
/// active flag; a live preview of the top 25 as the weights move; save
/// as a new immutable version (audited with its diff) that queues a scoring run.
/// </summary>
public sealed class EditModel(ScoringProfiles profiles, ProfilePreview preview, IBackgroundJobClient jobs) : PageModel
{
    public sealed class ProfileForm
    {
        public string Name { get; set; } = "";
        /// <summary><c>hcp</c> or <c>patient</c> (docs/patients.md); fixed once the profile exists.</summary>
        public string Kind { get; set; } = ProfileDefinition.HcpKind;
        /// <summary>Patient profiles: condition keys or therapy areas, comma-separated.</summary>
        public string? Conditions { get; set; }
        /// <summary>Patient profiles: whether brand managers may see the ranking.</summary>
        public bool VisibleToBrandManagers { get; set; }
        public string? Hashtags { get; set; }
        public string? Keywords { get; set; }
        public string? Countries { get; set; }
        public int WindowDays { get; set; } = 365;
        public double MinHcpConfidence { get; set; } = 0.6;
        public double[] Weights { get; set; } = new double[Questions.Count];
        public bool Active { get; set; } = true;
        /// <summary><c>topic</c> or <c>all</c>.</summary>
        public string Scope { get; set; } = ProfileDefinition.TopicScope;
        /// <summary>Rank only persons located in the target countries (applies when there are some).</summary>
        public bool LocatedInCountriesOnly { get; set; } = true;
        /// <summary>The version the editor was opened on (0 for a new profile): a save on a stale version is refused.</summary>
        public int BaseVersion { get; set; }

        public static ProfileForm From(ProfileDefinition d, int version) => new()
        {
            Name = d.Name,
            Kind = d.Kind,
            Conditions = string.Join(", ", d.Conditions),
            VisibleToBrandManagers = d.VisibleToBrandManagers,
            Hashtags = string.Join(", ", d.Hashtags),
            Keywords = string.Join(", ", d.Keywords),
            Countries = string.Join(", ", d.Countries),
            WindowDays = d.WindowDays,
            MinHcpConfidence = d.MinHcpConfidence,
            Weights = [.. d.QuestionKeys.Select(k => d.Weights.GetValueOrDefault(k))],
            Active = d.Active,
            Scope = d.EffectiveScope,
            LocatedInCountriesOnly = d.LocatedInCountriesOnly ?? true,
            BaseVersion = version,
        };

        public ProfileDefinition ToDefinition()
        {
            static string[] Split(string? text) =>
                (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var patient = Kind == ProfileDefinition.PatientKind;
            var keys = patient ? DolMapper.Scoring.Patients.PatientQuestions.All : Questions.All;
            var weights = new Dictionary<string, double>();
            for (var q = 0; q < keys.Count; q++)
            {
                weights[keys[q]] = q < Weights.Length ? Math.Round(Weights[q], 4) : 0;
            }
            return new ProfileDefinition
            {
                Name = Name.Trim(),
                Kind = string.IsNullOrWhiteSpace(Kind) ? ProfileDefinition.HcpKind : Kind.Trim().ToLowerInvariant(),
                Conditions = patient ? [.. Split(Conditions).Select(c => c.ToLowerInvariant()).Distinct()] : [],
                VisibleToBrandManagers = patient && VisibleToBrandManagers,
                Hashtags = [.. Split(Hashtags).Select(h => h.TrimStart('#').ToLowerInvariant()).Where(h => h.Length > 0).Distinct()],
                Keywords = [.. Split(Keywords).Distinct(StringComparer.OrdinalIgnoreCase)],
                Countries = [.. Split(Countries).Select(c => c.ToUpperInvariant()).Distinct()],
                WindowDays = WindowDays,
                MinHcpConfidence = MinHcpConfidence,
                Weights = weights,
                Active = Active,
                Scope = patient || string.IsNullOrWhiteSpace(Scope) ? null : Scope.Trim().ToLowerInvariant(),
                // With no countries the setting has nothing to apply to: left at its default rather than refused.
                LocatedInCountriesOnly = Split(Countries).Length == 0 ? null : LocatedInCountriesOnly,
            };
        }
    }

    [BindProperty]
    public ProfileForm Form { get; set; } = new();

    /// <summary>The stored profile the editor was opened on; null for a new one.</summary>
    public StoredProfile? Current { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public PreviewResult? Preview { get; private set; }

    public string? PreviewMessage { get; private set; }

    /// <summary>Changes other than weights, which the preview cannot show (they change signals or the population).</summary>
    public IReadOnlyList<ProfileChange> NeedsRun { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? name, string? kind, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(name))
        {
            Current = await profiles.LatestAsync(name, cancellationToken);
            if (Current is null)
            {
                return NotFound();
            }
            Form = ProfileForm.From(Current.Definition, Current.Version);
        }
        else
        {
            Form = kind == ProfileDefinition.PatientKind
                ? ProfileForm.From(new ProfileDefinition { Name = "", Kind = ProfileDefinition.PatientKind, Weights = DolMapper.Scoring.Patients.PatientQuestions.All.ToDictionary(k => k, _ => 1.0) }, 0)
                : ProfileForm.From(new ProfileDefinition { Name = "", Weights = Questions.All.ToDictionary(k => k, k => k == Questions.Relevance ? 1.0 : 0.0) }, 0);
        }
        return Page();
    }

    /// <summary>The preview panel (htmx) for the weights in the form.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        await PreviewAsync(cancellationToken);
        return Partial("_Preview", this);
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var definition = Form.ToDefinition();
        Current = await profiles.LatestAsync(definition.Name, cancellationToken);
        var problems = definition.Validate().ToList();
        if (Form.BaseVersion == 0 && Current is not null)
        {
            problems.Add($"A profile named '{definition.Name}' already exists: open it from the profiles list to edit it, or choose another name.");
        }
        else if (Current is not null && Current.Version != Form.BaseVersion)
        {
            problems.Add($"Version {Current.Version} was saved by {Current.CreatedBy ?? "someone"} at {Current.CreatedAt:yyyy-MM-dd HH:mm} UTC while you edited version {Form.BaseVersion}. Reload to start from it; nothing was saved.");
        }
        if (problems.Count > 0)
        {
            Problems = problems;
            await PreviewAsync(cancellationToken);
            return Page();
        }
        var result = await profiles.SaveAsync(definition, User.Identity?.Name, cancellationToken);
        if (!result.Saved)
        {
            Problems = result.Problems;
            await PreviewAsync(cancellationToken);
            return Page();
        }
        if (result.NewVersion)
        {
            ScoringRunJob.Enqueue(jobs, result.Profile!.ProfileId, $"admin:{User.Identity?.Name}");
            TempData["Notice"] = $"Saved '{definition.Name}' as version {result.Profile.Version}. A scoring run is queued; the rankings show it when it completes.";
        }
        else
        {
            TempData["Notice"] = $"Nothing changed: '{definition.Name}' version {result.Profile!.Version} already says this.";
        }
        return RedirectToPage("Versions", new { name = definition.Name });
    }

    private async Task PreviewAsync(CancellationToken cancellationToken)
    {
        var definition = Form.ToDefinition();
        Current ??= string.IsNullOrEmpty(definition.Name) ? null : await profiles.LatestAsync(definition.Name, cancellationToken);
        if (Current is null || Form.BaseVersion == 0)
        {
            PreviewMessage = "A new profile has no run to preview on yet: save it, and its first scoring run is queued.";
            return;
        }
        if (definition.IsPatient)
        {
            PreviewMessage = "The live preview reads HCP runs. A patient profile's new weights show in its patient influencer ranking once the run that saving queues completes.";
            return;
        }
        var weights = DolMapper.Scoring.Weights.Create(definition.Weights, out var errors);
        if (errors.Count > 0 || weights.AllZero)
        {
            PreviewMessage = errors.Count > 0 ? string.Join(" ", errors) : "All weights are zero: give at least one question a weight.";
            return;
        }
        Preview = await preview.PreviewAsync(Current.ProfileId, weights, cancellationToken);
        if (Preview is null)
        {
            PreviewMessage = "This profile has no complete scoring run yet, so there is nothing to preview on. Save, or run it from the profiles list.";
            return;
        }
        NeedsRun = [.. definition.ChangesFrom(Current.Definition).Where(c => !c.Field.StartsWith("weights.", StringComparison.Ordinal) && c.Field != "active")];
    }

    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
