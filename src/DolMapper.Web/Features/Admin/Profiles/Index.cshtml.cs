using System.Text;
using DolMapper.Web.Features.Overview;
using DolMapper.Web.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin.Profiles;

/// <summary>Scoring profiles: their latest version and runs, "Run now", JSON import and export.</summary>
public sealed class IndexModel(ScoringProfiles profiles, ProfileRunStateQuery runsQuery, IBackgroundJobClient jobs) : PageModel
{
    public sealed record ProfileRow(StoredProfile Profile, ProfileRunState Run);

    public IReadOnlyList<ProfileRow> Rows { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var latest = await profiles.LatestAsync(activeOnly: false, cancellationToken);
        var runs = await runsQuery.ByProfileAsync(cancellationToken);
        Rows = [.. latest.Select(p => new ProfileRow(p, runs.GetValueOrDefault(p.ProfileId)
            ?? new ProfileRunState(p.ProfileId, RunStates.None, null, null, null, null, null, null, null, null)))];
    }

    public async Task<IActionResult> OnPostRunAsync(int id, CancellationToken cancellationToken)
    {
        var profile = await profiles.LatestAsync(id, cancellationToken);
        if (profile is null)
        {
            return NotFound();
        }
        ScoringRunJob.Enqueue(jobs, profile.ProfileId, $"admin:{User.Identity?.Name}");
        Notice = $"A scoring run of '{profile.Definition.Name}' (version {profile.Version}) is queued; the rankings show it when it completes.";
        return RedirectToPage();
    }

    /// <summary>Imports a JSON file of one profile or an array; applied whole or not at all. Each new version queues a run.</summary>
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            Problems = ["Choose a JSON file of one profile or an array of profiles (Help → DolMapper's formats, 'Scoring profile')."];
            await OnGetAsync(cancellationToken);
            return Page();
        }
        string json;
        using (var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8))
        {
            json = await reader.ReadToEndAsync(cancellationToken);
        }
        var (saved, problems) = await profiles.ImportAsync(json, User.Identity?.Name, cancellationToken);
        if (problems.Count > 0 || saved.Any(s => !s.Saved))
        {
            Problems = [.. problems, .. saved.Where(s => !s.Saved).SelectMany(s => s.Problems)];
            await OnGetAsync(cancellationToken);
            return Page();
        }
        foreach (var result in saved.Where(s => s.NewVersion))
        {
            ScoringRunJob.Enqueue(jobs, result.Profile!.ProfileId, $"admin:{User.Identity?.Name}");
        }
        var changed = saved.Where(s => s.NewVersion).Select(s => $"'{s.Profile!.Definition.Name}' v{s.Profile.Version}").ToList();
        Notice = changed.Count == 0
            ? $"{file.FileName}: every profile in it is already current; nothing changed."
            : $"{file.FileName}: saved {string.Join(", ", changed)}; a scoring run of each is queued.";
        return RedirectToPage();
    }

    /// <summary>One profile's JSON, or all profiles as an array.</summary>
    public async Task<IActionResult> OnGetExportAsync(string? name, CancellationToken cancellationToken)
    {
        var json = await profiles.ExportAsync(string.IsNullOrEmpty(name) ? null : name, cancellationToken);
        if (json is null)
        {
            return NotFound();
        }
        var file = string.IsNullOrEmpty(name) ? "dolmapper-profiles" : "dolmapper-profile-" + Infrastructure.Downloads.Slug(name, "profile");
        return File(Encoding.UTF8.GetBytes(json + "\n"), "application/json", file + ".json");
    }
}
