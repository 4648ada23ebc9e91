using System.Globalization;

namespace DolMapper.Web.Demo;

/// <summary>
/// The demo world's planted patient influencers (docs/demo-world.md, "Planted patient
/// influencers"), all in the breast cancer conversation: trusted advocates whom oncology HCPs and
/// other patients reply to, who post steadily, support other patients and link reputable sources; a
/// caregiver who does the same; loud voices with big audiences whom only the public engages, in
/// bursts; and a misinformation spreader with the biggest audience, steady posts and links to sites
/// on the low-quality list. Chosen among the world's oncology patient advocates on one X account;
/// their bios and follower counts are set and their posts (and the replies they receive) are dealt
/// by their own random streams after the world is built, so nothing else in the world changes. Their
/// posts come on top of the world's post count.
/// </summary>
public static class PlantedPatients
{
    public const string Area = "oncology";
    public const string Trusted = "trusted_patient_influencer";
    public const string Caregiver = "caregiver_influencer";
    public const string Loud = "loud_low_trust";
    public const string Spreader = "misinformation_spreader";

    /// <summary>Trusted advocates planted (the caregiver is trusted too, and one more).</summary>
    public const int TrustedCount = 9;
    public const int LoudCount = 2;
    /// <summary>The HCPs each trusted influencer's replies come from.</summary>
    public const int HcpCircle = 40;
    /// <summary>The public accounts each loud voice's replies come from.</summary>
    public const int PublicCircle = 60;

    /// <summary>The kinds a patient profile should put at its top.</summary>
    public static IReadOnlySet<string> TrustedKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { Trusted, Caregiver };

    /// <summary>Who is planted: person indexes, and the circles who reply to them.</summary>
    public sealed record Plan(IReadOnlyList<int> Trusted, int Caregiver, IReadOnlyList<int> Loud, int Spreader, IReadOnlyList<int> Hcps, IReadOnlyList<int> Public)
    {
        public IEnumerable<int> TrustedAll => Trusted.Append(Caregiver);
    }

    private static int X(DemoWorld world, DemoPerson p) => p.Accounts.FirstOrDefault(a => world.Accounts[a].Platform == "x", -1);

    /// <summary>The plan for <paramref name="world"/>; null in a world too small to hold it.</summary>
    public static Plan? Choose(DemoWorld world)
    {
        var area = Array.FindIndex(WorldVocabulary.Areas, a => a.Key == Area);
        var rng = Rng.For(world.Options.Seed, "planted-patients");
        var candidates = world.Persons.Where(p => p.Role == Role.PatientAdvocate && p.PrimaryArea == area && p.Accounts.Count == 1 && p.PersonKey is null && X(world, p) >= 0).ToList();
        var hcps = world.Persons.Where(p => p.IsHcp && p.Affinity[area] >= 0.3 && X(world, p) >= 0).ToList();
        var crowd = world.Persons.Where(p => p.Role == Role.Public && X(world, p) >= 0).ToList();
        var needed = TrustedCount + 1 + LoudCount + 1;
        if (candidates.Count < needed || hcps.Count < HcpCircle * 2 || crowd.Count < PublicCircle * 2)
        {
            return null;
        }
        Shuffle(candidates, rng);
        return new Plan(
            [.. candidates.Take(TrustedCount).Select(p => p.Index)], candidates[TrustedCount].Index,
            [.. candidates.Skip(TrustedCount + 1).Take(LoudCount).Select(p => p.Index)], candidates[TrustedCount + 1 + LoudCount].Index,
            [.. hcps.Select(p => p.Index)], [.. crowd.Select(p => p.Index)]);
    }

    private static void Shuffle<T>(List<T> items, Rng rng)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Marks the planted persons and sets their bios and audiences (after the world is built).</summary>
    public static void Apply(DemoWorld world)
    {
        if (Choose(world) is not { } plan)
        {
            return;
        }
        var rng = Rng.For(world.Options.Seed, "planted-patient-accounts");
        void Set(int person, string kind, string bio, double followers)
        {
            var p = world.Persons[person];
            p.PlantedPatient = kind;
            var account = world.Accounts[X(world, p)];
            account.Bio = bio;
            account.Followers = (long)followers;
        }
        foreach (var person in plan.Trusted)
        {
            Set(person, Trusted, rng.Pick(TrustedBios), rng.Next(5_000, 20_000));
        }
        Set(plan.Caregiver, Caregiver, "Caregiver for my wife, who lives with metastatic breast cancer. Sharing what helps us. #bcsm", rng.Next(4_000, 9_000));
        foreach (var person in plan.Loud)
        {
            Set(person, Loud, rng.Pick(LoudBios), rng.Next(80_000, 150_000));
        }
        Set(plan.Spreader, Spreader, "Breast cancer thriver. Healing naturally. The truth about cancer they won't tell you.", rng.Next(200_000, 400_000));
    }

    private static readonly string[] TrustedBios =
    [
        "Living with metastatic breast cancer since 2019. Patient advocate. #bcsm",
        "Breast cancer survivor & patient advocate. Research advocate for young women with breast cancer.",
        "Patient advocate. Living with HER2+ breast cancer. Moderating #bcsm chats.",
        "Stage IV breast cancer, still here. Patient voice in research.",
    ];

    private static readonly string[] LoudBios =
    [
        "Breast cancer survivor. Big opinions, bigger heart. 💥",
        "Survivor. Breast cancer didn't win. Loud about it.",
    ];

    private static readonly string[] TrustedSentences =
    [
        "What I wish I had known when I was diagnosed with breast cancer: ask about clinical trials early.",
        "Living with metastatic breast cancer means scans every three months. Here is how I cope with scanxiety.",
        "Newly diagnosed with breast cancer? This guide from a trusted source helped me understand my options.",
        "Our #bcsm chat tonight is about fatigue during treatment. Bring your questions.",
        "Side effects are real and you deserve to be heard. Talk to your oncology team about them.",
        "Three tips for your first oncology appointment, from one breast cancer patient to another.",
        "Grateful for the nurses who explained every step of my breast cancer treatment.",
        "Research needs patient voices: here is how to join a patient advisory panel.",
    ];

    private static readonly string[] SupportReplies =
    [
        "Sending you strength. You are not alone in this.",
        "Thank you for sharing this, it helps so many of us.",
        "Same here — it gets easier to ask for help. Message me anytime.",
        "This is so important. Sharing with our support group.",
    ];

    private static readonly string[] HcpReplies =
    [
        "Thank you for explaining this so clearly — I share your posts with my patients.",
        "Important point. Patients should always feel able to raise side effects with their team.",
        "Great resource, and accurate. Thank you for the work you do for the breast cancer community.",
        "As an oncology nurse I see how much this helps newly diagnosed patients.",
    ];

    private static readonly string[] LoudSentences =
    [
        "NOBODY talks about how hard breast cancer really is. Retweet if you agree!!",
        "Hot take: every pink ribbon brand should pay for our treatment. Who's with me?",
        "My breast cancer story is going viral, thank you all!! Follow for more.",
        "I said what I said about breast cancer and I'm not taking it back.",
    ];

    private static readonly string[] SpreaderSentences =
    [
        "Chemo is poison. They don't want you to know breast cancer can be healed naturally.",
        "Big Pharma hides the real cure for breast cancer. Read this before your next appointment.",
        "I refused treatment and healed my breast cancer with diet alone. Here's how.",
        "Mammograms cause more harm than good. Do your own research.",
    ];

    private static readonly string[] PublicReplies =
    [
        "Yes!! 🙌", "This 👏👏", "So true", "Wow, had no idea", "Following!", "Preach", "💯💯💯", "Sharing this now",
    ];

    private static readonly string[] ReputableLinks =
    [
        "https://www.cancer.gov/types/breast", "https://www.nhs.uk/conditions/breast-cancer/", "https://www.who.int/news-room/fact-sheets/detail/breast-cancer",
        "https://www.mayoclinic.org/diseases-conditions/breast-cancer", "https://www.mskcc.org/cancer-care/types/breast", "https://www.cdc.gov/breast-cancer/",
    ];

    private static readonly string[] LowQualityLinks =
    [
        "https://www.naturalnews.com/breast-cancer-cure", "https://www.mercola.com/cancer-truth", "https://thetruthaboutcancer.com/breast-cancer-natural",
        "https://www.greenmedinfo.com/cancer-healing",
    ];

    /// <summary>A planted post: its id, author, time, words, and what it replies to (a post id and its author's account index).</summary>
    public sealed record PlantedPatientPost(int Account, string Id, DateTime CreatedAt, string Text, string[] Hashtags, string[] Urls, int Likes, string? ReplyToPost, int ReplyToAccount);

    /// <summary>The posts the plan adds to the world, in time order: the planted persons' own posts and the replies they receive.</summary>
    public static IReadOnlyList<PlantedPatientPost> Posts(DemoWorld world)
    {
        if (Choose(world) is not { } plan)
        {
            return [];
        }
        var rng = Rng.For(world.Options.Seed, "planted-patient-posts");
        var start = world.Options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var days = world.Options.Days;
        var sequence = 0;
        string Id(int account, DateTime at)
        {
            var ms = (long)(at - DateTime.UnixEpoch).TotalMilliseconds;
            return (((ms - 1288834974657L) << 22) | ((0x3E0000 + sequence++) & 0x3FFFFFL)).ToString(CultureInfo.InvariantCulture);
        }
        DateTime At(int person, int day) => start.AddDays(day).AddHours((world.Persons[person].PeakHour + rng.Next(-1, 2) + 24) % 24).AddMinutes(rng.Next(60));
        var roots = new List<(int Person, DateTime At, string Kind)>();
        foreach (var person in plan.TrustedAll)
        {
            for (var week = 0; week * 7 < days; week++)
            {
                foreach (var d in new[] { rng.Next(0, 3), rng.Next(3, 7) })
                {
                    if (week * 7 + d < days)
                    {
                        roots.Add((person, At(person, week * 7 + d), Trusted));
                    }
                }
            }
        }
        foreach (var person in plan.Loud)
        {
            // Three bursts of two weeks, ten posts a week.
            for (var burst = 0; burst < 3; burst++)
            {
                var first = rng.Next(0, Math.Max(1, days - 14));
                for (var k = 0; k < 20; k++)
                {
                    roots.Add((person, At(person, first + rng.Next(14)), Loud));
                }
            }
        }
        for (var week = 0; week * 7 < days; week++)
        {
            for (var k = 0; k < 3; k++)
            {
                var day = week * 7 + rng.Next(7);
                if (day < days)
                {
                    roots.Add((plan.Spreader, At(plan.Spreader, day), Spreader));
                }
            }
        }
        roots.Sort((a, b) => a.At.CompareTo(b.At));

        var posts = new List<PlantedPatientPost>();
        var latestTrusted = new Dictionary<int, PlantedPatientPost>();
        var circles = plan.TrustedAll.Concat(plan.Loud).Append(plan.Spreader).ToDictionary(p => p, p =>
        {
            var pool = TrustedKinds.Contains(world.Persons[p].PlantedPatient ?? "") ? plan.Hcps : plan.Public;
            var size = pool == plan.Hcps ? HcpCircle : PublicCircle;
            var picked = new List<int>();
            while (picked.Count < size)
            {
                var candidate = pool[rng.Next(pool.Count)];
                if (!picked.Contains(candidate))
                {
                    picked.Add(candidate);
                }
            }
            return picked;
        });
        foreach (var (person, at, kind) in roots)
        {
            var account = X(world, world.Persons[person]);
            PlantedPatientPost post;
            if (kind == Trusted)
            {
                // One post in three answers another trusted influencer's latest post: support.
                var others = latestTrusted.Where(l => l.Key != person && l.Value.CreatedAt < at && l.Value.CreatedAt > at.AddDays(-7)).Select(l => l.Value).ToList();
                if (others.Count > 0 && rng.Chance(0.35))
                {
                    var target = others[rng.Next(others.Count)];
                    post = new PlantedPatientPost(account, Id(account, at), at, rng.Pick(SupportReplies) + " #bcsm", ["bcsm"], [], rng.Next(20, 120), target.Id, target.Account);
                }
                else
                {
                    var urls = rng.Chance(0.3) ? new[] { rng.Pick(ReputableLinks) } : [];
                    var text = rng.Pick(TrustedSentences) + " #bcsm #PatientVoice" + (urls.Length > 0 ? " " + urls[0] : "");
                    post = new PlantedPatientPost(account, Id(account, at), at, text, ["bcsm", "patientvoice"], urls, rng.Next(80, 400), null, -1);
                    latestTrusted[person] = post;
                }
            }
            else if (kind == Loud)
            {
                post = new PlantedPatientPost(account, Id(account, at), at, rng.Pick(LoudSentences) + " #breastcancer", ["breastcancer"], [], rng.Next(3_000, 8_000), null, -1);
            }
            else
            {
                var urls = rng.Chance(0.6) ? new[] { rng.Pick(LowQualityLinks) } : [];
                post = new PlantedPatientPost(account, Id(account, at), at, rng.Pick(SpreaderSentences) + " #breastcancer" + (urls.Length > 0 ? " " + urls[0] : ""), ["breastcancer"], urls, rng.Next(4_000, 10_000), null, -1);
            }
            posts.Add(post);
            // Replies it receives: from the person's circle of HCPs (trusted) or of the public (the others).
            var trusted = kind == Trusted;
            var replies = trusted ? (rng.Chance(0.4) ? 1 : 0) : rng.Next(1, 4);
            for (var r = 0; r < replies; r++)
            {
                var from = circles[person][rng.Next(circles[person].Count)];
                var source = X(world, world.Persons[from]);
                var when = at.AddMinutes(rng.Next(20, 600));
                if (when >= start.AddDays(days))
                {
                    continue;
                }
                posts.Add(new PlantedPatientPost(source, Id(source, when), when, trusted ? rng.Pick(HcpReplies) : rng.Pick(PublicReplies), [], [], rng.Next(0, 30), post.Id, account));
            }
        }
        return [.. posts.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)];
    }
}
