using DolMapper.Scoring;
using DolMapper.Web.Data;
using DolMapper.Web.Scoring;
using Hangfire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.Admin.Profiles;

/// <summary>Every version of a profile: who saved it, when, what it changed, its runs; view and restore.</summary>
public sealed class VersionsModel(DolMapperDbContext db, ScoringProfiles profiles, IBackgroundJobClient jobs) : PageModel
{
    public sealed record VersionRow(int Id, int Version, DateTime CreatedAt, string? CreatedBy, ProfileDefinition Definition, IReadOnlyList<ProfileChange> Changes, int Runs, DateTime? LastCompleteRun);

    public string Name { get; private set; } = "";
    public IReadOnlyList<VersionRow> Versions { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken cancellationToken)
    {
        var profile = await db.ScoringProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (profile is null)
        {
            return NotFound();
        }
        Name = profile.Name;
        var versions = await db.ScoringProfileVersions.AsNoTracking().Where(v => v.ProfileId == profile.Id).OrderBy(v => v.Version).ToListAsync(cancellationToken);
        var runs = await db.ScoringRuns.AsNoTracking().Where(r => r.ProfileId == profile.Id)
            .GroupBy(r => r.ProfileVersionId)
            .Select(g => new { g.Key, Count = g.Count(), Last = g.Where(r => r.Status == "complete").Max(r => r.CompletedAt) })
            .ToDictionaryAsync(g => g.Key, cancellationToken);
        var rows = new List<VersionRow>();
        ProfileDefinition? previous = null;
        foreach (var v in versions)
        {
            var definition = ScoringProfiles.Read(v.Definition);
            var run = runs.GetValueOrDefault(v.Id);
            rows.Add(new VersionRow(v.Id, v.Version, DateTime.SpecifyKind(v.CreatedAt, DateTimeKind.Utc), v.CreatedBy, definition,
                previous is null ? [] : definition.ChangesFrom(previous), run?.Count ?? 0, run?.Last));
            previous = definition;
        }
        rows.Reverse();
        Versions = rows;
        return Page();
    }

    /// <summary>Restores a version: its definition is saved as a new version (history is never rewritten) and a run is queued.</summary>
    public async Task<IActionResult> OnPostRestoreAsync(string name, int versionId, CancellationToken cancellationToken)
    {
        var version = await profiles.VersionAsync(versionId, cancellationToken);
        if (version is null || version.Definition.Name != name)
        {
            return NotFound();
        }
        var result = await profiles.SaveAsync(version.Definition, User.Identity?.Name, cancellationToken, restoredFrom: version.Version);
        if (!result.Saved)
        {
            Notice = "Not restored: " + string.Join(" ", result.Problems);
        }
        else if (!result.NewVersion)
        {
            Notice = $"Version {version.Version} is what the profile already says; nothing changed.";
        }
        else
        {
            ScoringRunJob.Enqueue(jobs, result.Profile!.ProfileId, $"admin:{User.Identity?.Name}");
            Notice = $"Restored version {version.Version} as version {result.Profile.Version}. A scoring run is queued.";
        }
        return RedirectToPage(new { name });
    }
}
