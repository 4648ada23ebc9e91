using DolMapper.Scoring.Events;

namespace DolMapper.Web.Demo;

/// <summary>
/// The demo world's planted events (docs/demo-world.md, "Planted events"): two editions of a
/// congress eleven months apart (the world spans one year), each with a planted leader who drives
/// its conversation; in the second edition fifteen new voices — quiet oncology HCPs who had not been
/// talking about the topic and are prominent during the congress — and one post at 23:30 local time
/// on its last day; and an awareness day. Persons are chosen from the world and posts are dealt by
/// their own random stream, so nothing else in the world changes.
/// </summary>
public static class PlantedEvents
{
    /// <summary>The therapy area of the congress (its HCPs tag their posts of the congress days).</summary>
    public const string Area = "oncology";
    /// <summary>The share of the area's posts (by anyone but the public) during the congress days that carry its hashtag.</summary>
    public const double TagShare = 0.35;
    /// <summary>The share of the diabetes posts on the awareness day that carry its hashtag.</summary>
    public const double AwarenessShare = 0.5;
    /// <summary>How many new voices the second edition has.</summary>
    public const int NewVoiceCount = 15;
    /// <summary>Posts each new voice writes during the second edition.</summary>
    public const int NewVoicePosts = 4;
    /// <summary>Posts a leader writes on each day of their edition.</summary>
    public const int LeaderPostsPerDay = 6;

    public const string Series = "Thoracic Oncology Summit";

    /// <summary>The first edition; the world starts two weeks before it, so "before" is 14 days.</summary>
    public static readonly EventDefinition Summit2025 = new()
    {
        Name = "Thoracic Oncology Summit 2025", Kind = EventKinds.Congress, Series = Series, Hashtags = ["tos25"], Keywords = ["Thoracic Oncology Summit"],
        Start = new DateOnly(2025, 11, 17), End = new DateOnly(2025, 11, 19), TimeZone = "America/Denver", Location = "Denver, USA",
        Profile = "Oncology - scientific exchange", BeforeDays = 14,
    };

    /// <summary>The second edition: its new voices and the post at 23:30 local time on its last day are planted.</summary>
    public static readonly EventDefinition Summit2026 = new()
    {
        Name = "Thoracic Oncology Summit 2026", Kind = EventKinds.Congress, Series = Series, Hashtags = ["tos26"], Keywords = ["Thoracic Oncology Summit"],
        Start = new DateOnly(2026, 10, 13), End = new DateOnly(2026, 10, 15), TimeZone = "America/Denver", Location = "Denver, USA",
        Profile = "Oncology - scientific exchange",
    };

    /// <summary>An awareness day: a burst in the diabetes conversation, by HCPs, patients and the public.</summary>
    public static readonly EventDefinition DiabetesDay = new()
    {
        Name = "World Diabetes Day 2025", Kind = EventKinds.AwarenessDay, Hashtags = ["worlddiabetesday"],
        Start = new DateOnly(2025, 11, 14), End = new DateOnly(2025, 11, 14), TimeZone = "Europe/Brussels", Location = "worldwide",
        Profile = "Diabetes - new voices",
    };

    /// <summary>23:30 on the last day of the second edition, local time (05:30 UTC the next day): a post that counts only if the window honours the time zone.</summary>
    public static DateTime LateLocalPost => TimeZoneInfo.ConvertTimeToUtc(Summit2026.End.ToDateTime(new TimeOnly(23, 30)), TimeZoneInfo.FindSystemTimeZoneById(Summit2026.TimeZone));

    /// <summary>Who is planted: person indexes in the world.</summary>
    public sealed record Plan(int Leader2025, int Leader2026, IReadOnlyList<int> NewVoices, int LateWitness);

    /// <summary>The planted persons of <paramref name="world"/>: physicians on one account who are not planted stars; null in a world too small to hold them.</summary>
    public static Plan? Choose(DemoWorld world)
    {
        var area = Array.FindIndex(WorldVocabulary.Areas, a => a.Key == Area);
        bool Single(DemoPerson p) => p.Accounts.Count == 1 && p.PersonKey is null && p.Planted is null && p.Role == Role.Physician;
        var oncology = world.Persons.Where(p => Single(p) && p.Affinity[area] >= 0.5).ToList();
        var leaders = oncology.OrderByDescending(p => p.Traits.PeerStanding + p.Traits.PublicAppeal).ThenBy(p => p.Index).Take(2).ToList();
        // The quietest: the fewest posts expected, so nothing they wrote before the congress makes them familiar voices.
        var quiet = oncology.Where(p => !leaders.Contains(p)).OrderBy(p => world.Accounts[p.Accounts[0]].PostWeight).ThenBy(p => p.Index).ToList();
        var newVoices = quiet.Take(NewVoiceCount).Select(p => p.Index).ToList();
        var cardiology = Array.FindIndex(WorldVocabulary.Areas, a => a.Key == "cardiology");
        var witness = world.Persons.Where(p => Single(p) && p.Affinity[cardiology] >= 0.5).OrderBy(p => world.Accounts[p.Accounts[0]].PostWeight).ThenBy(p => p.Index).FirstOrDefault();
        if (leaders.Count < 2 || newVoices.Count < NewVoiceCount || witness is null)
        {
            return null;
        }
        return new Plan(leaders[0].Index, leaders[1].Index, newVoices, witness.Index);
    }

    /// <summary>A planted post: who, when, what, how much engagement.</summary>
    public sealed record PlantedPost(int Account, DateTime CreatedAt, string Text, string[] Hashtags, int Likes);

    /// <summary>Sentences planted posts are made of.</summary>
    private static readonly string[] Sentences =
    [
        "Practice-changing data in the plenary this morning.",
        "Key takeaways from the lung cancer session, thread below.",
        "Great discussion on ctDNA-guided adjuvant therapy.",
        "The overall survival curves in this trial are striking.",
        "So much to think about from today's late-breaking abstracts.",
        "Meeting colleagues in person again is the best part.",
    ];

    /// <summary>The posts the plan adds to the world, in time order.</summary>
    public static IReadOnlyList<PlantedPost> Posts(DemoWorld world, Rng rng)
    {
        if (Choose(world) is not { } plan)
        {
            return [];
        }
        var posts = new List<PlantedPost>();
        var denver = TimeZoneInfo.FindSystemTimeZoneById(Summit2025.TimeZone);
        DateTime Local(DateOnly day, double hours) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue).AddHours(hours), denver);
        string Text(string tag) => $"{rng.Pick(Sentences)} #{tag.ToUpperInvariant()}";
        foreach (var (edition, leader) in new[] { (Summit2025, plan.Leader2025), (Summit2026, plan.Leader2026) })
        {
            var tag = edition.Hashtags[0];
            var account = world.Persons[leader].Accounts[0];
            for (var day = edition.Start; day <= edition.End; day = day.AddDays(1))
            {
                for (var k = 0; k < LeaderPostsPerDay; k++)
                {
                    posts.Add(new PlantedPost(account, Local(day, 8 + 2 * k + rng.NextDouble()), Text(tag), [tag, "lcsm"], rng.Next(1500, 3000)));
                }
            }
        }
        foreach (var person in plan.NewVoices)
        {
            var account = world.Persons[person].Accounts[0];
            for (var k = 0; k < NewVoicePosts; k++)
            {
                var day = Summit2026.Start.AddDays(rng.Next(Summit2026.Days));
                posts.Add(new PlantedPost(account, Local(day, 8 + 12 * rng.NextDouble()), Text("tos26"), ["tos26", "lcsm"], rng.Next(400, 900)));
            }
        }
        posts.Add(new PlantedPost(world.Persons[plan.LateWitness].Accounts[0], LateLocalPost, "Last session done, flying home tomorrow. #TOS26", ["tos26"], 12));
        return [.. posts.OrderBy(p => p.CreatedAt)];
    }

    /// <summary>The hashtag a natural post of <paramref name="area"/> at <paramref name="createdAt"/> carries for a planted event, if its draw says so; null otherwise.</summary>
    public static string? TagFor(string area, Role role, DateTime createdAt, Rng rng)
    {
        foreach (var edition in new[] { Summit2025, Summit2026 })
        {
            var w = edition.Windows();
            if (area == Area && role != Role.Public && createdAt >= w.Start && createdAt < w.End && rng.Chance(TagShare))
            {
                return edition.Hashtags[0].ToUpperInvariant();
            }
        }
        var day = DiabetesDay.Windows();
        if (area == "diabetes" && createdAt >= day.Start && createdAt < day.End && rng.Chance(AwarenessShare))
        {
            return "WorldDiabetesDay";
        }
        return null;
    }
}
