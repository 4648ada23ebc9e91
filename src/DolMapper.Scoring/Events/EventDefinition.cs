using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DolMapper.Scoring.Events;

/// <summary>The kinds of event (docs/events.md).</summary>
public static class EventKinds
{
    /// <summary>A scientific congress or meeting.</summary>
    public const string Congress = "congress";
    /// <summary>A product launch.</summary>
    public const string Launch = "launch";
    /// <summary>An awareness day, week or month.</summary>
    public const string AwarenessDay = "awareness_day";
    /// <summary>A campaign (a brand's, a society's, a charity's).</summary>
    public const string Campaign = "campaign";
    /// <summary>Anything else.</summary>
    public const string Other = "other";

    /// <summary>Every kind, in the order forms list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Congress, Launch, AwarenessDay, Campaign, Other];

    /// <summary>The kind in words.</summary>
    public static string Words(string kind) => kind switch
    {
        Congress => "Congress",
        Launch => "Launch",
        AwarenessDay => "Awareness day",
        Campaign => "Campaign",
        _ => "Other",
    };
}

/// <summary>
/// An event as docs/events.md defines its JSON: a congress, a launch, an awareness day or a
/// campaign — the conversation it is known by (hashtags, keywords), its days in its own time zone,
/// where it is, and optionally the scoring profile whose topic and scores it is read with. The name
/// is its identity; every change is a new version, like a profile's.
/// </summary>
public sealed record EventDefinition
{
    /// <summary>Days before the start read as "before" unless the event says otherwise.</summary>
    public const int DefaultBeforeDays = 30;
    /// <summary>Days after the end read as "after" unless the event says otherwise.</summary>
    public const int DefaultAfterDays = 14;
    /// <summary>Events this many days long or shorter are shown by the hour.</summary>
    public const int HourlyUpToDays = 3;

    /// <summary>The event's identity ("ESMO 2026").</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";
    /// <summary>One of <see cref="EventKinds.All"/>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = EventKinds.Other;
    /// <summary>Editions of one event share a series ("ESMO" for ESMO 2025 and ESMO 2026); compare offers them side by side.</summary>
    [JsonPropertyName("series")]
    public string? Series { get; init; }
    /// <summary>Hashtags, lower case without '#'.</summary>
    [JsonPropertyName("hashtags")]
    public IReadOnlyList<string> Hashtags { get; init; } = [];
    /// <summary>Keywords matched as whole words, case-insensitive.</summary>
    [JsonPropertyName("keywords")]
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>The first day, in the event's time zone.</summary>
    [JsonPropertyName("start")]
    public DateOnly Start { get; init; }
    /// <summary>The last day (inclusive), in the event's time zone.</summary>
    [JsonPropertyName("end")]
    public DateOnly End { get; init; }
    /// <summary>An IANA time zone ("Europe/Berlin", "America/Chicago"); the days run midnight to midnight there.</summary>
    [JsonPropertyName("time_zone")]
    public string TimeZone { get; init; } = "UTC";
    /// <summary>Where it takes place, in words ("Berlin, Germany", "online").</summary>
    [JsonPropertyName("location")]
    public string? Location { get; init; }
    /// <summary>The scoring profile it is read with: its topic says who was quiet before, its scores sit beside the leaders.</summary>
    [JsonPropertyName("profile")]
    public string? Profile { get; init; }
    /// <summary>How many days before the start are compared with the event (<see cref="DefaultBeforeDays"/> when absent).</summary>
    [JsonPropertyName("before_days")]
    public int? BeforeDays { get; init; }
    /// <summary>How many days after the end are compared with the event (<see cref="DefaultAfterDays"/> when absent).</summary>
    [JsonPropertyName("after_days")]
    public int? AfterDays { get; init; }

    private static JsonSerializerOptions Options => JsonFiles.Indented;

    private static JsonSerializerOptions Compact => JsonFiles.Compact;

    /// <summary>The days read as "before".</summary>
    [JsonIgnore]
    public int EffectiveBeforeDays => BeforeDays ?? DefaultBeforeDays;
    /// <summary>The days read as "after".</summary>
    [JsonIgnore]
    public int EffectiveAfterDays => AfterDays ?? DefaultAfterDays;
    /// <summary>How many days it lasts, both ends counted.</summary>
    [JsonIgnore]
    public int Days => End.DayNumber - Start.DayNumber + 1;
    /// <summary>True when its volume is shown by the hour (three days or less).</summary>
    [JsonIgnore]
    public bool Hourly => Days <= HourlyUpToDays;

    /// <summary>The event's time zone (valid definitions only).</summary>
    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// Its windows in UTC, each from (inclusive) to (exclusive): before, during (midnight of the
    /// first day to midnight after the last, in the event's time zone) and after.
    /// </summary>
    public EventWindows Windows()
    {
        var zone = Zone();
        DateTime Utc(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);
        var start = Utc(Start);
        var end = Utc(End.AddDays(1));
        return new EventWindows(Utc(Start.AddDays(-EffectiveBeforeDays)), start, end, Utc(End.AddDays(1 + EffectiveAfterDays)));
    }

    /// <summary>Every reason the event cannot be stored, each a sentence naming the field (empty when it can).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("name: the event needs a name.");
        }
        else if (Name.Trim().Length > 200)
        {
            problems.Add("name: longer than 200 characters.");
        }
        if (!EventKinds.All.Contains(Kind))
        {
            problems.Add($"kind: '{Kind}' is not a kind of event; use one of {string.Join(", ", EventKinds.All)}.");
        }
        if ((Hashtags ?? []).All(string.IsNullOrWhiteSpace) && (Keywords ?? []).All(string.IsNullOrWhiteSpace))
        {
            problems.Add("hashtags, keywords: give at least one hashtag or keyword, so DolMapper knows which posts are the event's conversation.");
        }
        if ((Hashtags ?? []).Any(string.IsNullOrWhiteSpace) || (Keywords ?? []).Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("hashtags, keywords: an empty entry would match nothing or everything; leave it out.");
        }
        if ((Hashtags ?? []).Any(h => h.Trim().TrimStart('#').Any(char.IsWhiteSpace)))
        {
            problems.Add("hashtags: a hashtag has no spaces; put phrases under keywords.");
        }
        if (Start == default)
        {
            problems.Add("start: give the first day as YYYY-MM-DD.");
        }
        if (End == default)
        {
            problems.Add("end: give the last day as YYYY-MM-DD.");
        }
        else if (Start != default && End < Start)
        {
            problems.Add($"end: {End:yyyy-MM-dd} is before the start, {Start:yyyy-MM-dd}.");
        }
        else if (Start != default && Days > 366)
        {
            problems.Add($"end: the event lasts {Days} days; at most 366.");
        }
        if (string.IsNullOrWhiteSpace(TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            problems.Add($"time_zone: '{TimeZone}' is not a time zone; use an IANA name such as Europe/Berlin, America/Chicago or UTC.");
        }
        if (BeforeDays is < 7 or > 180)
        {
            problems.Add($"before_days: {BeforeDays}; it must be between 7 and 180.");
        }
        if (AfterDays is < 0 or > 90)
        {
            problems.Add($"after_days: {AfterDays}; it must be between 0 and 90.");
        }
        if (Location is { Length: > 200 })
        {
            problems.Add("location: longer than 200 characters.");
        }
        if (Series is { } series && (string.IsNullOrWhiteSpace(series) || series.Trim().Length > 200))
        {
            problems.Add("series: empty or longer than 200 characters; leave it out when the event has no other editions.");
        }
        if (Profile is { } profile && string.IsNullOrWhiteSpace(profile))
        {
            problems.Add("profile: empty; leave it out, or name a scoring profile.");
        }
        return problems;
    }

    /// <summary>The event with names trimmed, hashtags lower case without '#', repeats removed.</summary>
    public EventDefinition Normalised() => this with
    {
        Name = Name.Trim(),
        Series = string.IsNullOrWhiteSpace(Series) ? null : Series.Trim(),
        Hashtags = [.. (Hashtags ?? []).Select(h => h.Trim().TrimStart('#').ToLowerInvariant()).Where(h => h.Length > 0).Distinct()],
        Keywords = [.. (Keywords ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
        Location = string.IsNullOrWhiteSpace(Location) ? null : Location.Trim(),
        Profile = string.IsNullOrWhiteSpace(Profile) ? null : Profile.Trim(),
        TimeZone = TimeZone.Trim(),
    };

    /// <summary>Reads a file's text: one event object or an array of them; every problem is returned as a sentence, nothing is half-read.</summary>
    public static IReadOnlyList<EventDefinition> ParseMany(string json, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        List<EventDefinition?>? events;
        try
        {
            events = JsonFiles.ReadOneOrMany<EventDefinition>(json);
        }
        catch (JsonException e)
        {
            errors.Add($"Not an event: {Explain(e)}");
            return [];
        }
        if (events is null || events.Count == 0 || events.Any(e => e is null))
        {
            errors.Add("Not an event: expected {\"name\": …, \"hashtags\": […], \"start\": \"YYYY-MM-DD\", …} or an array of them.");
            return [];
        }
        for (var i = 0; i < events.Count; i++)
        {
            var label = events.Count == 1 ? "" : $"Event {i + 1}{(string.IsNullOrWhiteSpace(events[i]!.Name) ? "" : $" ('{events[i]!.Name.Trim()}')")}: ";
            errors.AddRange(events[i]!.Validate().Select(p => label + p));
        }
        foreach (var twice in events.Where(e => !string.IsNullOrWhiteSpace(e!.Name)).GroupBy(e => e!.Name.Trim(), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"'{twice.Key}' appears more than once in the file.");
        }
        return errors.Count == 0 ? [.. events.Select(e => e!.Normalised())] : [];
    }

    private static string Explain(JsonException e) =>
        e.Message.Contains("DateOnly", StringComparison.Ordinal)
            ? $"a date is not YYYY-MM-DD ({e.Path})."
            : e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"{e.Message.Split(" Path:")[0]} Known fields: name, kind, series, hashtags, keywords, start, end, time_zone, location, profile, before_days, after_days."
                : e.Message;

    /// <summary>This event as the file format (indented).</summary>
    public string ToJson(bool indented = true) => JsonSerializer.Serialize(this, indented ? Options : Compact);

    /// <summary>The events as the file format (an array).</summary>
    public static string ToJson(IEnumerable<EventDefinition> events) => JsonSerializer.Serialize(events.ToList(), Options);

    /// <summary>Reads one stored version (written by <see cref="ToJson(bool)"/>).</summary>
    public static EventDefinition FromStored(string json) =>
        JsonSerializer.Deserialize<EventDefinition>(json, Options) ?? throw new InvalidDataException("A stored event version is empty.");

    /// <summary>True when both define the same event (so saving again changes nothing).</summary>
    public bool SameAs(EventDefinition other) => ToJson(false) == other.ToJson(false);

    /// <summary>The dates in words, with the time zone ("12–16 Sep 2026, Europe/Berlin").</summary>
    public string DatesInWords()
    {
        var culture = CultureInfo.InvariantCulture;
        var dates = Start == End ? Start.ToString("d MMM yyyy", culture)
            : Start.Year == End.Year && Start.Month == End.Month ? $"{Start.Day}–{End.ToString("d MMM yyyy", culture)}"
            : $"{Start.ToString("d MMM yyyy", culture)} – {End.ToString("d MMM yyyy", culture)}";
        return $"{dates}, {TimeZone}";
    }
}

/// <summary>An event's windows in UTC (each from inclusive, to exclusive).</summary>
public sealed record EventWindows(DateTime BeforeFrom, DateTime Start, DateTime End, DateTime AfterTo)
{
    /// <summary>-1 before, 0 during, 1 after; null outside every window.</summary>
    public int? PhaseOf(DateTime utc) =>
        utc < BeforeFrom || utc >= AfterTo ? null : utc < Start ? -1 : utc < End ? 0 : 1;

    /// <summary>Where the event stands at <paramref name="now"/>.</summary>
    public EventStatus StatusAt(DateTime now) =>
        now < Start ? EventStatus.Upcoming : now < End ? EventStatus.Running : now < AfterTo ? EventStatus.AfterRunning : EventStatus.Finished;
}

/// <summary>Where an event stands.</summary>
public enum EventStatus
{
    /// <summary>It has not started: "during" and "after" are empty.</summary>
    Upcoming,
    /// <summary>It is on: "after" is empty and "during" is partial.</summary>
    Running,
    /// <summary>It ended and its "after" window is still filling.</summary>
    AfterRunning,
    /// <summary>It and its "after" window are over.</summary>
    Finished,
}
