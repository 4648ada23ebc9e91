using DolMapper.Web.Events;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Events;

/// <summary>One side of a comparison: the event, its reading and its leaders.</summary>
public sealed record ComparedEvent(StoredEvent Event, EventReading? Reading, IReadOnlyList<EventRow> Leaders, int Participants, int NewVoices);

/// <summary>
/// Two events or two editions side by side (docs/events.md, "Compare"): volume and HCP share during
/// each, the leaders who stayed (leaders of both), left (of the first only) and arrived (of the
/// second only), and the hashtags of each.
/// </summary>
public sealed class CompareModel(EventStore store, EventQuery query) : PageModel
{
    /// <summary>How many of each event's first are compared as its leaders.</summary>
    public const int Top = 25;

    public ComparedEvent? A { get; private set; }
    public ComparedEvent? B { get; private set; }
    public IReadOnlyList<(EventRow A, EventRow B)> Stayed { get; private set; } = [];
    public IReadOnlyList<EventRow> Left { get; private set; } = [];
    public IReadOnlyList<EventRow> Arrived { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? a, string? b, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b))
        {
            return NotFound("Which events? The link needs ?a=NAME&b=NAME.");
        }
        A = await LoadAsync(a, cancellationToken);
        B = await LoadAsync(b, cancellationToken);
        if (A is null || B is null)
        {
            return NotFound($"There is no event called '{(A is null ? a : b)}'.");
        }
        // The earlier edition first, so "left" and "arrived" read forwards in time.
        if (A.Event.Definition.Start > B.Event.Definition.Start)
        {
            (A, B) = (B, A);
        }
        var inB = B.Leaders.ToDictionary(r => r.PersonId);
        var inA = A.Leaders.ToDictionary(r => r.PersonId);
        Stayed = [.. A.Leaders.Where(r => inB.ContainsKey(r.PersonId)).Select(r => (r, inB[r.PersonId]))];
        Left = [.. A.Leaders.Where(r => !inB.ContainsKey(r.PersonId))];
        Arrived = [.. B.Leaders.Where(r => !inA.ContainsKey(r.PersonId))];
        return Page();
    }

    private async Task<ComparedEvent?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var stored = await store.LatestAsync(name, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        var reading = (await query.StateAsync(stored, cancellationToken)).Shown;
        if (reading is null)
        {
            return new ComparedEvent(stored, null, [], 0, 0);
        }
        var (participants, newVoices) = await query.CountsAsync(reading.Id, cancellationToken);
        return new ComparedEvent(stored, reading, await query.RowsAsync(reading.Id, stored.Definition.Profile, Top, newVoicesOnly: false, cancellationToken), participants, newVoices);
    }
}
