using DolMapper.Scoring.Events;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Events;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Events;

/// <summary>
/// One event (docs/events.md): its volume by day or hour (HCPs and others), the conversation before,
/// during and after, the leaderboard with each leader's usual DOL score and their own before/during/after,
/// the new voices with the numbers that make them new, shared links, hashtags and countries.
/// </summary>
public sealed class EventModel(EventStore store, EventQuery query, IAuthorizationService authorization) : PageModel
{
    /// <summary>How many leaders the page lists (the report has everyone).</summary>
    public const int Shown = 25;

    public StoredEvent? Event { get; private set; }
    public EventStatus Status { get; private set; }
    public EventReadingState? State { get; private set; }
    public IReadOnlyList<EventBucket> Buckets { get; private set; } = [];
    public IReadOnlyList<EventRow> Leaders { get; private set; } = [];
    public IReadOnlyList<EventRow> NewVoices { get; private set; } = [];
    public int Participants { get; private set; }
    public IReadOnlyDictionary<long, (string? Text, string? Handle, string? Url, DateTime CreatedAt)> TopPosts { get; private set; } = new Dictionary<long, (string?, string?, string?, DateTime)>();
    public bool CanExport { get; private set; }
    /// <summary>Every version of the event, the newest first (analysts and admins see them).</summary>
    public IReadOnlyList<StoredEvent> Versions { get; private set; } = [];
    /// <summary>Other editions of the same series, for "compare with".</summary>
    public IReadOnlyList<string> OtherEditions { get; private set; } = [];

    /// <summary>
    /// Every hour (a day before to a day after a short event) or every local day (the three windows)
    /// with the empty ones as zero, so the chart's time axis is continuous; none past the newest post.
    /// </summary>
    public static IReadOnlyList<EventBucket> Filled(IReadOnlyList<EventBucket> stored, EventDefinition d, DateTime? dataUntil)
    {
        var w = d.Windows();
        var zone = d.Zone();
        var byStart = stored.ToDictionary(b => b.StartsAt);
        var starts = new List<DateTime>();
        if (d.Hourly)
        {
            for (var t = w.Start.AddDays(-1); t < w.End.AddDays(1); t = t.AddHours(1))
            {
                starts.Add(t);
            }
        }
        else
        {
            for (var day = d.Start.AddDays(-d.EffectiveBeforeDays); day <= d.End.AddDays(d.EffectiveAfterDays); day = day.AddDays(1))
            {
                starts.Add(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone));
            }
        }
        var until = dataUntil ?? DateTime.MaxValue;
        return [.. starts.Where(t => t <= until || byStart.ContainsKey(t))
            .Select(t => byStart.TryGetValue(t, out var b) ? b : new EventBucket { StartsAt = t, Hours = d.Hourly ? 1 : 24 })
            .Concat(stored.Where(b => !starts.Contains(b.StartsAt)))
            .OrderBy(b => b.StartsAt)];
    }

    public async Task<IActionResult> OnGetAsync(string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return NotFound("Which event? The link needs ?name=NAME.");
        }
        Event = await store.LatestAsync(name, cancellationToken);
        if (Event is null)
        {
            return NotFound($"There is no event called '{name}'.");
        }
        var d = Event.Definition;
        Status = d.Windows().StatusAt(DateTime.UtcNow);
        CanExport = (await authorization.AuthorizeAsync(User, Policies.Analyst)).Succeeded;
        State = await query.StateAsync(Event, cancellationToken);
        if (CanExport)
        {
            Versions = await store.VersionsAsync(Event.EventId, cancellationToken);
        }
        if (d.Series is not null)
        {
            OtherEditions = [.. (await store.LatestAsync(cancellationToken)).Where(e => e.Definition.Series == d.Series && e.Definition.Name != d.Name).Select(e => e.Definition.Name)];
        }
        if (State.Shown is { } reading)
        {
            Buckets = Filled(await query.BucketsAsync(reading.Id, d.Hourly ? 1 : 24, cancellationToken), d, reading.DataUntil);
            Leaders = await query.RowsAsync(reading.Id, d.Profile, Shown, newVoicesOnly: false, cancellationToken);
            NewVoices = await query.RowsAsync(reading.Id, d.Profile, EventRoles.ProminentTop, newVoicesOnly: true, cancellationToken);
            Participants = (await query.CountsAsync(reading.Id, cancellationToken)).Participants;
            TopPosts = await query.PostsAsync(reading.Details.TopPosts, cancellationToken);
        }
        return Page();
    }
}
