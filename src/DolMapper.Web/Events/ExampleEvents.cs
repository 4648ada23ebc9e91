using DolMapper.Scoring.Events;
using DolMapper.Web.Demo;

namespace DolMapper.Web.Events;

/// <summary>
/// The events that ship with the demo world (docs/events.md, "Example events"): the two planted
/// editions of a congress and the planted awareness day (docs/demo-world.md), and two of the world's
/// own congresses with their bursts.
/// </summary>
public static class ExampleEvents
{
    public static readonly EventDefinition Asco2026 = new()
    {
        Name = "ASCO 2026", Kind = EventKinds.Congress, Series = "ASCO Annual Meeting", Hashtags = ["asco26"], Keywords = ["ASCO 2026"],
        Start = new DateOnly(2026, 5, 29), End = new DateOnly(2026, 6, 2), TimeZone = "America/Chicago", Location = "Chicago, USA",
        Profile = "Oncology - scientific exchange",
    };

    public static readonly EventDefinition EscCongress2026 = new()
    {
        Name = "ESC Congress 2026", Kind = EventKinds.Congress, Series = "ESC Congress", Hashtags = ["esccongress"], Keywords = ["ESC Congress 2026"],
        Start = new DateOnly(2026, 8, 28), End = new DateOnly(2026, 8, 31), TimeZone = "Europe/Berlin", Location = "Munich, Germany",
        Profile = "Cardiology - awareness (UK)",
    };

    public static readonly IReadOnlyList<EventDefinition> All = [PlantedEvents.Summit2025, PlantedEvents.Summit2026, PlantedEvents.DiabetesDay, Asco2026, EscCongress2026];
}
