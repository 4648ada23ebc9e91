using System.Text;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Mail;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.SavedViews;

/// <summary>What one pass of the alerts did.</summary>
public sealed record SavedViewAlertReport(int Views, int Sent, int Unchanged, int Failed);

/// <summary>
/// The weekly e-mail of saved views with an alert (docs/dashboard.md, "Saved views"): who entered
/// and who left the view's top <see cref="Top"/> since the last e-mail, read from the profile's
/// latest complete run with the view's own filters (opt-outs left out, as on the page). The first
/// e-mail lists the top five and starts the comparison; a week with no change sends nothing.
/// Without SMTP nothing is sent and nothing is marked, so the first e-mail after SMTP is set up
/// still compares with the last one sent.
/// </summary>
public sealed class SavedViewAlerts(DolMapperDbContext db, RankingQuery rankings, MailSender mail, PublicAddress address, ILogger<SavedViewAlerts> logger)
{
    public const string RecurringJobId = "saved-view-alerts";
    /// <summary>Mondays at 07:00 UTC.</summary>
    public const string Schedule = "0 7 * * 1";
    /// <summary>How deep into a view an alert looks.</summary>
    public const int Top = 25;

    public async Task<SavedViewAlertReport> RunAsync(CancellationToken cancellationToken)
    {
        var views = await (from v in db.SavedViews.AsNoTracking()
                           join u in db.Users on v.OwnerId equals u.Id
                           join p in db.ScoringProfiles on v.ProfileId equals p.Id
                           where v.WeeklyAlert
                           orderby v.Id
                           select new { View = v, u.Email, Profile = p.Name }).ToListAsync(cancellationToken);
        if (!mail.Configured)
        {
            if (views.Count > 0)
            {
                logger.LogWarning("{Count} saved views have a weekly alert, but SMTP is not configured (DolMapper:Smtp:Host): no e-mail sent", views.Count);
            }
            return new SavedViewAlertReport(views.Count, 0, 0, 0);
        }
        int sent = 0, unchanged = 0, failed = 0;
        foreach (var item in views)
        {
            var view = item.View;
            var query = new QueryCollection(QueryHelpers.ParseQuery(view.Query));
            var page = await rankings.PageAsync(RankingFilter.FromQuery(item.Profile, query) with { Size = Top }, cancellationToken);
            if (page is null || item.Email is null)
            {
                continue;
            }
            var now = page.Rows.Take(Top).ToList();
            var before = await db.SavedViewMembers.AsNoTracking().Where(m => m.SavedViewId == view.Id).ToDictionaryAsync(m => m.PersonId, m => m.Rank, cancellationToken);
            var entered = now.Where(r => !before.ContainsKey(r.PersonId)).ToList();
            var leftIds = before.Keys.Except(now.Select(r => r.PersonId)).ToList();
            var first = view.LastAlertAt is null;
            if (!first && entered.Count == 0 && leftIds.Count == 0)
            {
                unchanged++;
                continue;
            }
            var left = await db.Persons.Where(p => leftIds.Contains(p.Id)).Select(p => new { p.Id, Name = p.DisplayName ?? p.PublicId }).ToListAsync(cancellationToken);
            var link = new Uri(address.Base, "Rankings?" + view.Query);
            var body = new StringBuilder();
            body.AppendLine($"Your saved view “{view.Name}” ({item.Profile}, run of {page.Run.RunAt:yyyy-MM-dd HH:mm} UTC, version {page.Run.Version}).");
            body.AppendLine();
            if (first)
            {
                body.AppendLine($"Its top five now (from next week this e-mail says who entered and left its top {Top}):");
                foreach (var r in now.Take(5))
                {
                    body.AppendLine($"  #{r.Rank} {r.Name ?? r.PublicId} (score {r.Score:0})");
                }
            }
            else
            {
                body.AppendLine(entered.Count == 0 ? $"Nobody new in its top {Top}." : $"New in its top {Top}:");
                foreach (var r in entered)
                {
                    body.AppendLine($"  #{r.Rank} {r.Name ?? r.PublicId} (score {r.Score:0}{(r.PreviousRank is { } was ? $", #{was} in the run before" : "")})");
                }
                if (left.Count > 0)
                {
                    body.AppendLine();
                    body.AppendLine($"No longer in its top {Top}:");
                    foreach (var p in left.OrderBy(p => before[p.Id]))
                    {
                        body.AppendLine($"  {p.Name} (was #{before[p.Id]})");
                    }
                }
            }
            body.AppendLine();
            body.AppendLine($"Open the view: {link.AbsoluteUri}");
            body.AppendLine("You get this because you asked for a weekly e-mail on this view; switch it off under Saved views.");
            var problem = await mail.SendAsync(item.Email, $"DolMapper: {view.Name} this week", body.ToString(), cancellationToken);
            if (problem is not null)
            {
                failed++;
                logger.LogWarning("The weekly e-mail of saved view {View} could not be sent: {Problem}", view.Id, problem);
                continue;
            }
            await db.SavedViewMembers.Where(m => m.SavedViewId == view.Id).ExecuteDeleteAsync(cancellationToken);
            db.SavedViewMembers.AddRange(now.Select(r => new SavedViewMember { SavedViewId = view.Id, PersonId = r.PersonId, Rank = r.Rank }));
            await db.SaveChangesAsync(cancellationToken);
            await db.SavedViews.Where(v => v.Id == view.Id).ExecuteUpdateAsync(u => u.SetProperty(v => v.LastAlertAt, DateTime.UtcNow), cancellationToken);
            sent++;
        }
        return new SavedViewAlertReport(views.Count, sent, unchanged, failed);
    }
}
