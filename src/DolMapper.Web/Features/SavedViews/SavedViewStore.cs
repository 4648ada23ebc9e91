using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.SavedViews;

/// <summary>A saved view as its owner sees it.</summary>
public sealed record SavedViewRow(int Id, string Name, string Profile, string Query, bool WeeklyAlert, DateTime? LastAlertAt, DateTime CreatedAt);

/// <summary>What saving a view did, or why it could not.</summary>
public sealed record SavedViewResult(bool Saved, string Message);

/// <summary>
/// Each user's saved rankings views (docs/dashboard.md, "Saved views"): a name, a profile and the
/// rankings page's filters and sort. Saving a name that exists replaces that view. Views are the
/// owner's own; nobody else lists, opens or deletes them.
/// </summary>
public sealed class SavedViewStore(DolMapperDbContext db)
{
    /// <summary>The most views one user keeps.</summary>
    public const int MaxViews = 50;

    /// <summary>The rankings parameters a view keeps; the page number, the page size and anything else are dropped.</summary>
    public static readonly IReadOnlyList<string> Kept = ["profile", "country", "specialty", "profession", "tier", "platform", "relationship", "persona", "event", "q", "min", "sort"];

    /// <summary>A rankings query string reduced to <see cref="Kept"/>, in that order (so the same view reads the same).</summary>
    public static string Normalise(string? query)
    {
        var parsed = QueryHelpers.ParseQuery(query);
        var kept = Kept.Where(k => parsed.TryGetValue(k, out var v) && !string.IsNullOrWhiteSpace(v.ToString()))
            .Select(k => KeyValuePair.Create(k, (string?)parsed[k].ToString()));
        return QueryString.Create(kept).ToUriComponent().TrimStart('?');
    }

    public async Task<IReadOnlyList<SavedViewRow>> ListAsync(string ownerId, CancellationToken cancellationToken) =>
        await (from v in db.SavedViews.AsNoTracking()
               join p in db.ScoringProfiles on v.ProfileId equals p.Id
               where v.OwnerId == ownerId
               orderby v.Name
               select new SavedViewRow(v.Id, v.Name, p.Name, v.Query, v.WeeklyAlert, v.LastAlertAt, v.CreatedAt)).ToListAsync(cancellationToken);

    public async Task<SavedViewResult> SaveAsync(string ownerId, string? name, string? query, bool weeklyAlert, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return new SavedViewResult(false, "Give the view a name of 1 to 100 characters.");
        }
        var normalised = Normalise(query);
        var profileName = QueryHelpers.ParseQuery(normalised).TryGetValue("profile", out var p) ? p.ToString() : null;
        var profile = profileName is null ? null : await db.ScoringProfiles.AsNoTracking().SingleOrDefaultAsync(x => x.Name == profileName, cancellationToken);
        if (profile is null)
        {
            return new SavedViewResult(false, "A view needs a ranking: choose a profile on the rankings page first.");
        }
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.OwnerId == ownerId && v.Name == name, cancellationToken);
        if (view is null)
        {
            if (await db.SavedViews.CountAsync(v => v.OwnerId == ownerId, cancellationToken) >= MaxViews)
            {
                return new SavedViewResult(false, $"You have {MaxViews} saved views, the most one person keeps; delete one first.");
            }
            view = new SavedView { OwnerId = ownerId, Name = name, Query = normalised, CreatedAt = DateTime.UtcNow };
            db.SavedViews.Add(view);
        }
        else if (view.Query != normalised)
        {
            // Another view under the same name: what its alert compared with no longer applies.
            await db.SavedViewMembers.Where(m => m.SavedViewId == view.Id).ExecuteDeleteAsync(cancellationToken);
            view.LastAlertAt = null;
        }
        view.ProfileId = profile.Id;
        view.Query = normalised;
        view.WeeklyAlert = weeklyAlert;
        await db.SaveChangesAsync(cancellationToken);
        return new SavedViewResult(true, $"Saved the view “{name}”{(weeklyAlert ? "; a weekly e-mail will say who entered and left its top " + SavedViewAlerts.Top : "")}.");
    }

    public async Task<bool> SetAlertAsync(string ownerId, int id, bool weeklyAlert, CancellationToken cancellationToken) =>
        await db.SavedViews.Where(v => v.Id == id && v.OwnerId == ownerId)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.WeeklyAlert, weeklyAlert), cancellationToken) == 1;

    public async Task<bool> DeleteAsync(string ownerId, int id, CancellationToken cancellationToken) =>
        await db.SavedViews.Where(v => v.Id == id && v.OwnerId == ownerId).ExecuteDeleteAsync(cancellationToken) == 1;
}
