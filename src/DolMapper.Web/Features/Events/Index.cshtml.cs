using DolMapper.Scoring.Events;
using DolMapper.Web.Events;
using DolMapper.Web.Infrastructure.Auth;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Events;

/// <summary>An event on the list: what it is, where it stands and what its latest reading found.</summary>
public sealed record EventListItem(StoredEvent Event, EventStatus Status, EventReadingState State, int Participants, int NewVoices);

/// <summary>
/// The events (docs/events.md): every role sees the list; analysts and admins create and edit them
/// as JSON (one event or an array; an existing name gets a new version), and each saved event is read
/// by a job at once.
/// </summary>
public sealed class IndexModel(EventStore store, EventQuery query, IBackgroundJobClient jobs, IAuthorizationService authorization) : PageModel
{
    public IReadOnlyList<EventListItem> Events { get; private set; } = [];
    public bool CanEdit { get; private set; }
    /// <summary>The event being edited (its name), null for a new one.</summary>
    public string? Editing { get; private set; }
    [BindProperty] public string? Json { get; set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];
    [TempData] public string? Notice { get; set; }

    /// <summary>What the editor starts from for a new event.</summary>
    public static readonly string Template = new EventDefinition
    {
        Name = "Example Congress 2026",
        Kind = EventKinds.Congress,
        Series = "Example Congress",
        Hashtags = ["example26"],
        Keywords = ["Example Congress"],
        Start = new DateOnly(2026, 9, 12),
        End = new DateOnly(2026, 9, 16),
        TimeZone = "Europe/Berlin",
        Location = "Berlin, Germany",
    }.ToJson();

    public async Task<IActionResult> OnGetAsync(string? edit, int? version, bool? create, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (edit is not null && CanEdit)
        {
            var stored = await store.LatestAsync(edit, cancellationToken);
            if (stored is null)
            {
                return NotFound($"There is no event called '{edit}'.");
            }
            // An earlier version to start from (saving it makes it the newest version again).
            if (version is { } v && v != stored.Version)
            {
                stored = (await store.VersionsAsync(stored.EventId, cancellationToken)).FirstOrDefault(x => x.Version == v);
                if (stored is null)
                {
                    return NotFound($"'{edit}' has no version {v}.");
                }
            }
            Editing = edit;
            Json = stored.Definition.ToJson();
        }
        else if (create == true && CanEdit)
        {
            Json = Template;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (!CanEdit)
        {
            return Forbid();
        }
        var result = await store.ImportAsync(Json ?? "", User.Identity?.Name, cancellationToken);
        if (!result.Ok)
        {
            Problems = result.Problems;
            return Page();
        }
        foreach (var (stored, _, newVersion) in result.Saved.Where(s => s.NewVersion))
        {
            EventAnalysisJob.Enqueue(jobs, stored.Definition.Name);
        }
        var changed = result.Saved.Where(s => s.NewVersion).Select(s => $"'{s.Event.Definition.Name}' v{s.Event.Version}").ToList();
        Notice = changed.Count == 0 ? "Nothing changed: the events are as saved before."
            : $"Saved {string.Join(", ", changed)}. Each is being read now; its page fills in when the reading completes.";
        return result.Saved.Count == 1 ? RedirectToPage("/Events/Event", new { name = result.Saved[0].Event.Definition.Name }) : RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanEdit = (await authorization.AuthorizeAsync(User, Policies.Analyst)).Succeeded;
        var now = DateTime.UtcNow;
        var items = new List<EventListItem>();
        foreach (var stored in await store.LatestAsync(cancellationToken))
        {
            var state = await query.StateAsync(stored, cancellationToken);
            var (participants, newVoices) = state.Shown is { } shown ? await query.CountsAsync(shown.Id, cancellationToken) : (0, 0);
            items.Add(new EventListItem(stored, stored.Definition.Windows().StatusAt(now), state, participants, newVoices));
        }
        Events = items;
    }
}
