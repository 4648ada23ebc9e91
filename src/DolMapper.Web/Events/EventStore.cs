using System.Text.Json;
using DolMapper.Scoring.Events;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Events;

/// <summary>An event's latest version.</summary>
public sealed record StoredEvent(int EventId, int VersionId, int Version, DateTime CreatedAt, string? CreatedBy, EventDefinition Definition);

/// <summary>What saving events did: each saved event and whether it is new or a new version; or the problems, and nothing saved.</summary>
public sealed record EventSaveResult(IReadOnlyList<(StoredEvent Event, bool Created, bool NewVersion)> Saved, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Events (docs/events.md): the name is the identity, every change is a new immutable version (the
/// database rejects updates of versions), saving the same definition again changes nothing, and a
/// file of events is stored whole or not at all. Each new version is written to the audit log.
/// </summary>
public sealed class EventStore(DolMapperDbContext db)
{
    /// <summary>Reads and stores the events in <paramref name="json"/> (one object or an array).</summary>
    public async Task<EventSaveResult> ImportAsync(string json, string? user, CancellationToken cancellationToken)
    {
        var events = EventDefinition.ParseMany(json, out var problems);
        if (problems.Count > 0)
        {
            return new EventSaveResult([], problems);
        }
        return await SaveAsync(events, user, cancellationToken);
    }

    /// <summary>Stores valid events, each as a new version of its name (or a new event); refused whole when any names a profile that does not exist.</summary>
    public async Task<EventSaveResult> SaveAsync(IReadOnlyList<EventDefinition> events, string? user, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            var label = events.Count == 1 ? "" : $"Event {i + 1} ('{events[i].Name}'): ";
            problems.AddRange(events[i].Validate().Select(p => label + p));
        }
        var profiles = events.Select(e => e.Profile).OfType<string>().Distinct().ToList();
        var known = await db.ScoringProfiles.AsNoTracking().Where(p => profiles.Contains(p.Name)).Select(p => p.Name).ToListAsync(cancellationToken);
        problems.AddRange(profiles.Except(known).Select(p => $"profile: there is no scoring profile named '{p}'; create it first, or check the spelling."));
        if (problems.Count > 0)
        {
            return new EventSaveResult([], problems);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var saved = new List<(StoredEvent, bool, bool)>();
        foreach (var definition in events.Select(e => e.Normalised()))
        {
            saved.Add(await SaveOneAsync(definition, user, cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return new EventSaveResult(saved, []);
    }

    private async Task<(StoredEvent, bool, bool)> SaveOneAsync(EventDefinition definition, string? user, CancellationToken cancellationToken)
    {
        var row = await db.Events.SingleOrDefaultAsync(e => e.Name == definition.Name, cancellationToken);
        var created = row is null;
        EventVersion? latest = null;
        if (row is null)
        {
            row = new Event { Name = definition.Name, CreatedAt = DateTime.UtcNow };
            db.Events.Add(row);
        }
        else
        {
            latest = await db.EventVersions.AsNoTracking().Where(v => v.EventId == row.Id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
            if (latest is not null && EventDefinition.FromStored(latest.Definition).SameAs(definition))
            {
                return (ToStored(latest, definition), false, false);
            }
        }
        var version = new EventVersion
        {
            Definition = definition.ToJson(indented: false),
            Version = (latest?.Version ?? 0) + 1,
            CreatedAt = DateTime.UtcNow,
            CreatedBy = user,
        };
        row.Versions.Add(version);
        db.AuditLog.Add(new AuditLogEntry
        {
            At = DateTime.UtcNow,
            UserName = user,
            Action = created ? "event.created" : "event.version",
            Target = definition.Name,
            Details = JsonSerializer.Serialize(new { version = version.Version, previous = latest?.Version }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return (ToStored(version, definition), created, true);
    }

    /// <summary>The latest version of every event, the newest start first.</summary>
    public async Task<IReadOnlyList<StoredEvent>> LatestAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Events.AsNoTracking()
            .Select(e => e.Versions.OrderByDescending(v => v.Version).First())
            .ToListAsync(cancellationToken);
        return [.. rows.Select(v => ToStored(v, EventDefinition.FromStored(v.Definition))).OrderByDescending(e => e.Definition.Start).ThenBy(e => e.Definition.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every event's name, the newest created first (for a filter: no definitions read).</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(Npgsql.NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        // Plain SQL on the data source: the rankings page asks on every view, and through EF it was the page's only use of a DbContext.
        var names = new List<string>();
        await using var command = dataSource.CreateCommand("SELECT name FROM events ORDER BY created_at DESC, name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>The latest version of the event named <paramref name="name"/>; null when there is none.</summary>
    public Task<StoredEvent?> LatestAsync(string name, CancellationToken cancellationToken) =>
        LatestOfAsync(db.EventVersions.Where(v => db.Events.Any(e => e.Id == v.EventId && e.Name == name)), cancellationToken);

    /// <summary>The latest version of event <paramref name="eventId"/>; null when there is none.</summary>
    public Task<StoredEvent?> LatestAsync(int eventId, CancellationToken cancellationToken) =>
        LatestOfAsync(db.EventVersions.Where(v => v.EventId == eventId), cancellationToken);

    /// <summary>Every version of an event, the newest first.</summary>
    public async Task<IReadOnlyList<StoredEvent>> VersionsAsync(int eventId, CancellationToken cancellationToken)
    {
        var rows = await db.EventVersions.AsNoTracking().Where(v => v.EventId == eventId).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
        return [.. rows.Select(v => ToStored(v, EventDefinition.FromStored(v.Definition)))];
    }

    private static async Task<StoredEvent?> LatestOfAsync(IQueryable<EventVersion> versions, CancellationToken cancellationToken)
    {
        var version = await versions.AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        return version is null ? null : ToStored(version, EventDefinition.FromStored(version.Definition));
    }

    /// <summary>The event named <paramref name="name"/> as JSON, or every event as a JSON array; null when the name is unknown.</summary>
    public async Task<string?> ExportAsync(string? name, CancellationToken cancellationToken)
    {
        if (name is not null)
        {
            return (await LatestAsync(name, cancellationToken))?.Definition.ToJson();
        }
        return EventDefinition.ToJson((await LatestAsync(cancellationToken)).OrderBy(e => e.Definition.Name, StringComparer.Ordinal).Select(e => e.Definition));
    }

    /// <summary>Saves the example events that are missing (never overwrites an edited one); the profiles they name must exist.</summary>
    public async Task<int> EnsureExamplesAsync(string? user, CancellationToken cancellationToken)
    {
        var names = ExampleEvents.All.Select(e => e.Name).ToList();
        var existing = await db.Events.AsNoTracking().Where(e => names.Contains(e.Name)).Select(e => e.Name).ToListAsync(cancellationToken);
        var profiles = await db.ScoringProfiles.AsNoTracking().Select(p => p.Name).ToListAsync(cancellationToken);
        // An example whose profile is gone (renamed by an admin) is left out rather than refused.
        var missing = ExampleEvents.All.Where(e => !existing.Contains(e.Name) && (e.Profile is null || profiles.Contains(e.Profile))).ToList();
        if (missing.Count == 0)
        {
            return 0;
        }
        var result = await SaveAsync(missing, user, cancellationToken);
        return result.Ok ? missing.Count : throw new InvalidOperationException(string.Join(" ", result.Problems));
    }

    private static StoredEvent ToStored(EventVersion v, EventDefinition d) => new(v.EventId, v.Id, v.Version, v.CreatedAt, v.CreatedBy, d);
}
