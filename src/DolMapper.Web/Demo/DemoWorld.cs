namespace DolMapper.Web.Demo;

public enum Role
{
    Physician, Nurse, Pharmacist, Researcher, OtherHcp, MedicalStudent, PatientAdvocate, Organisation, Pharma, Journal, Public, Bot,
}

/// <summary>
/// The behavioural archetypes HCPs are drawn from (docs/demo-world.md). Non-HCP roles behave by
/// role and have no archetype.
/// </summary>
public enum Archetype
{
    None, ScientificCommunicator, PatientChampion, ConversationStarter, Broadcaster, LocalVoice, QuietClinician,
}

/// <summary>
/// Latent traits in [0, 1]. They act only through behaviour (how often and what a person posts,
/// whom they engage, who engages them); none is written to the import file.
/// </summary>
public sealed class Traits
{
    public double Activity { get; set; }
    public double Conversation { get; set; }
    public double Science { get; set; }
    public double Community { get; set; }
    public double Locality { get; set; }
    public double PeerStanding { get; set; }
    public double PublicAppeal { get; set; }
    public double Presence { get; set; }
}

public sealed class DemoPerson
{
    public int Index { get; init; }
    public required Role Role { get; init; }
    public Archetype Archetype { get; init; }
    public required Traits Traits { get; init; }
    public Specialty? Specialty { get; init; }
    /// <summary>Topic affinity per therapy area (same order as <see cref="WorldVocabulary.Areas"/>), summing to 1.</summary>
    public required double[] Affinity { get; init; }
    public required int PrimaryArea { get; init; }
    public required string Country { get; init; }
    /// <summary>
    /// Where the people they talk with locally live: their own country, except for the planted
    /// out-of-market stars, whose audience is in a target market they do not live in.
    /// </summary>
    public string AudienceCountry => PlantedAudience ?? Country;
    public string? PlantedAudience { get; set; }
    /// <summary>A planted case the scorer must handle (docs/demo-world.md, "Planted stars"), else null.</summary>
    public string? Planted { get; set; }
    /// <summary>A planted patient influencer (<see cref="PlantedPatients"/>, docs/demo-world.md), else null.</summary>
    public string? PlantedPatient { get; set; }
    /// <summary>Whether one of their accounts says where they live (a real place or a country code), so a market can place them.</summary>
    public bool Located { get; set; }
    public required string Language { get; init; }
    public required bool Female { get; init; }
    /// <summary>The import person key, given only for some people on several platforms (as in real exports).</summary>
    public string? PersonKey { get; set; }
    public string? Npi { get; set; }
    public string? CrmKind { get; set; }
    /// <summary>Preferred posting hour (UTC), from time zone and habit.</summary>
    public int PeakHour { get; init; }
    public List<int> Accounts { get; } = [];

    public bool IsHcp => Role is Role.Physician or Role.Nurse or Role.Pharmacist or Role.Researcher or Role.OtherHcp;

    /// <summary>The profession as DolMapper's classifier names it (docs/scoring.md, "HCP identification").</summary>
    public string Profession => Role switch
    {
        Role.Physician => "physician",
        Role.Nurse => "nurse",
        Role.Pharmacist => "pharmacist",
        Role.Researcher => "researcher",
        Role.OtherHcp => "other_hcp",
        Role.MedicalStudent => "medical_student",
        Role.PatientAdvocate => "patient_advocate",
        Role.Organisation or Role.Pharma or Role.Journal => "organisation",
        _ => "public",
    };
}

public sealed class DemoAccount
{
    public required int Index { get; init; }
    public required int Person { get; init; }
    public required string Platform { get; init; }
    public required string Id { get; init; }
    public required string Handle { get; init; }
    public required string Name { get; init; }
    public required string Bio { get; set; }
    public string? Location { get; init; }
    public string? CountryField { get; init; }
    public long Followers { get; set; }
    public long Following { get; init; }
    public DateTime CreatedAt { get; init; }
    public string? Url { get; init; }
    public bool Verified { get; init; }
    /// <summary>Relative posting rate of this account.</summary>
    public double PostWeight { get; init; }
    /// <summary>How strongly HCPs (peer) and the public are drawn to engage with this account.</summary>
    public double PeerPull { get; init; }
    public double PublicPull { get; init; }
    public long PostsCount { get; set; }
    /// <summary>Base of the account's post ids on Bluesky and Mastodon.</summary>
    public required string PostIdPrefix { get; init; }
}

/// <summary>The demo world's people and accounts, built deterministically from the options.</summary>
public sealed class DemoWorld
{
    public required DemoWorldOptions Options { get; init; }
    public required DemoPerson[] Persons { get; init; }
    public required DemoAccount[] Accounts { get; init; }

    /// <summary>Shares of each role among persons (docs/demo-world.md).</summary>
    public static readonly IReadOnlyDictionary<Role, double> RoleShares = new Dictionary<Role, double>
    {
        [Role.Physician] = 0.30, [Role.Nurse] = 0.08, [Role.Pharmacist] = 0.05, [Role.Researcher] = 0.07, [Role.OtherHcp] = 0.03,
        [Role.MedicalStudent] = 0.04, [Role.PatientAdvocate] = 0.08, [Role.Organisation] = 0.02, [Role.Pharma] = 0.01,
        [Role.Journal] = 0.01, [Role.Public] = 0.28, [Role.Bot] = 0.03,
    };

    /// <summary>Shares of each archetype among HCPs.</summary>
    public static readonly IReadOnlyDictionary<Archetype, double> ArchetypeShares = new Dictionary<Archetype, double>
    {
        [Archetype.ScientificCommunicator] = 0.15, [Archetype.PatientChampion] = 0.12, [Archetype.ConversationStarter] = 0.15,
        [Archetype.Broadcaster] = 0.13, [Archetype.LocalVoice] = 0.15, [Archetype.QuietClinician] = 0.30,
    };

    /// <summary>Trait means per archetype: activity, conversation, science, community, locality, peer standing, public appeal, presence.</summary>
    private static readonly Dictionary<Archetype, double[]> ArchetypeMeans = new()
    {
        [Archetype.ScientificCommunicator] = [0.55, 0.35, 0.80, 0.15, 0.20, 0.65, 0.45, 0.60],
        [Archetype.PatientChampion] = [0.55, 0.65, 0.25, 0.80, 0.45, 0.40, 0.50, 0.55],
        [Archetype.ConversationStarter] = [0.75, 0.80, 0.40, 0.30, 0.35, 0.60, 0.45, 0.50],
        [Archetype.Broadcaster] = [0.80, 0.10, 0.35, 0.20, 0.35, 0.35, 0.75, 0.65],
        [Archetype.LocalVoice] = [0.50, 0.45, 0.30, 0.35, 0.90, 0.35, 0.35, 0.35],
        [Archetype.QuietClinician] = [0.20, 0.35, 0.30, 0.20, 0.50, 0.20, 0.15, 0.25],
    };

    private static readonly Dictionary<Role, double[]> RoleMeans = new()
    {
        [Role.MedicalStudent] = [0.45, 0.55, 0.30, 0.25, 0.40, 0.15, 0.15, 0.45],
        [Role.PatientAdvocate] = [0.55, 0.60, 0.10, 0.90, 0.40, 0.20, 0.45, 0.50],
        [Role.Organisation] = [0.55, 0.20, 0.20, 0.85, 0.55, 0.20, 0.50, 0.70],
        [Role.Pharma] = [0.50, 0.05, 0.40, 0.15, 0.20, 0.15, 0.60, 0.80],
        [Role.Journal] = [0.65, 0.05, 0.95, 0.05, 0.05, 0.40, 0.55, 0.75],
        [Role.Public] = [0.35, 0.50, 0.05, 0.20, 0.55, 0.05, 0.25, 0.30],
        [Role.Bot] = [0.95, 0.02, 0.02, 0.02, 0.50, 0.01, 0.02, 0.20],
    };

    public static DemoWorld Build(DemoWorldOptions options)
    {
        var persons = new DemoPerson[options.Persons];
        var rng = Rng.For(options.Seed, "persons");
        var roles = RoleShares.Keys.ToArray();
        var roleWeights = RoleShares.Values.ToArray();
        var archetypes = ArchetypeShares.Keys.ToArray();
        var archetypeWeights = ArchetypeShares.Values.ToArray();
        var countryWeights = WorldVocabulary.Countries.Select(c => c.Weight).ToArray();
        var specialtiesByArea = WorldVocabulary.Specialties;

        for (var i = 0; i < persons.Length; i++)
        {
            var role = roles[rng.Weighted(roleWeights)];
            var archetype = role is Role.Physician or Role.Nurse or Role.Pharmacist or Role.Researcher or Role.OtherHcp
                ? archetypes[rng.Weighted(archetypeWeights)]
                : Archetype.None;
            var means = archetype != Archetype.None ? ArchetypeMeans[archetype] : RoleMeans[role];
            var traits = new Traits
            {
                Activity = rng.BetaMean(means[0]),
                Conversation = rng.BetaMean(means[1]),
                Science = rng.BetaMean(means[2] + (role == Role.Researcher ? 0.15 : 0)),
                Community = rng.BetaMean(means[3] + (role == Role.Nurse ? 0.1 : 0)),
                Locality = rng.BetaMean(means[4]),
                PeerStanding = rng.BetaMean(means[5] * (role == Role.Physician ? 1.1 : role is Role.Nurse or Role.OtherHcp ? 0.8 : 1.0)),
                PublicAppeal = rng.BetaMean(means[6]),
                Presence = rng.BetaMean(means[7]),
            };

            Specialty? specialty = role == Role.Physician ? rng.Pick(specialtiesByArea) : null;
            var primary = specialty is not null
                ? Array.FindIndex(WorldVocabulary.Areas, a => a.Key == specialty.Area)
                : rng.Next(WorldVocabulary.Areas.Length);
            var affinity = new double[WorldVocabulary.Areas.Length];
            var focus = role is Role.Public or Role.Bot ? 0.3 : 0.65 + 0.25 * rng.NextDouble();
            var total = 0.0;
            for (var a = 0; a < affinity.Length; a++)
            {
                affinity[a] = rng.Gamma(0.5);
                total += affinity[a];
            }
            for (var a = 0; a < affinity.Length; a++)
            {
                affinity[a] = (1 - focus) * affinity[a] / total + (a == primary ? focus : 0);
            }

            var country = WorldVocabulary.Countries[rng.Weighted(countryWeights)];
            var language = country.Language != "en" && rng.Chance(0.15) ? "en" : country.Language;
            var offset = TimeZoneOffset(country.Code);
            persons[i] = new DemoPerson
            {
                Index = i,
                Role = role,
                Archetype = archetype,
                Traits = traits,
                Specialty = specialty,
                Affinity = affinity,
                PrimaryArea = primary,
                Country = country.Code,
                Language = language,
                Female = rng.Chance(0.5),
                PeakHour = ((int)Math.Round(rng.Normal(role == Role.Bot ? 12 : rng.Chance(0.5) ? 8 : 20, 2.5)) - offset + 48) % 24,
            };
        }

        PlantStars(options, persons);
        var accounts = BuildAccounts(options, persons);
        AssignRelationships(options, persons);
        var world = new DemoWorld { Options = options, Persons = persons, Accounts = accounts };
        PlantedPatients.Apply(world);
        return world;
    }

    /// <summary>The therapy areas the example profiles are about, where the stars are planted.</summary>
    public static readonly string[] StarAreas = ["oncology", "cardiology", "diabetes"];

    /// <summary>The market the out-of-market stars' audience is in (the UK cardiology example's).</summary>
    public const string StarMarket = "GB";

    public const string OffTopicStar = "off_topic_star";
    public const string OutOfMarketStar = "out_of_market_star";

    /// <summary>
    /// Plants the cases a topic- and market-true scorer must keep out (docs/demo-world.md): in each of
    /// <see cref="StarAreas"/>, physicians who are stars of that area alone (every trait high,
    /// all their affinity in it), so off-topic for the other areas' profiles; and cardiology stars
    /// living in the US, Canada, Ireland or Australia whose local audience is in the UK. About one
    /// person in a thousand each, at least three.
    /// </summary>
    private static void PlantStars(DemoWorldOptions options, DemoPerson[] persons)
    {
        var rng = Rng.For(options.Seed, "planted");
        var each = Math.Max(3, persons.Length / 1000);
        void Plant(IEnumerable<DemoPerson> candidates, string kind, double locality, string? audience)
        {
            var pool = candidates.Where(p => p.Planted is null).ToList();
            for (var n = 0; n < each && pool.Count > 0; n++)
            {
                var k = rng.Next(pool.Count);
                var person = pool[k];
                pool.RemoveAt(k);
                person.Planted = kind;
                person.PlantedAudience = audience;
                var t = person.Traits;
                t.Activity = rng.BetaMean(0.9, 40);
                t.PeerStanding = rng.BetaMean(0.92, 40);
                t.PublicAppeal = rng.BetaMean(0.85, 40);
                t.Science = rng.BetaMean(0.8, 40);
                t.Presence = rng.BetaMean(0.85, 40);
                t.Conversation = rng.BetaMean(0.6, 40);
                t.Community = rng.BetaMean(0.5, 40);
                t.Locality = locality;
                Array.Clear(person.Affinity);
                person.Affinity[person.PrimaryArea] = 1;
            }
        }
        foreach (var area in StarAreas)
        {
            Plant(persons.Where(p => p.Role == Role.Physician && p.Specialty?.Area == area), OffTopicStar, 0.3, null);
        }
        Plant(persons.Where(p => p.Role == Role.Physician && p.Specialty?.Area == "cardiology" && p.Country is "US" or "CA" or "IE" or "AU"),
            OutOfMarketStar, 0.9, StarMarket);
    }

    /// <summary>
    /// When an account was opened: its age in years grows with the person's presence (about nine
    /// years at presence 1 on X, ± 1.5 years of chance), bounded by the platform's own life (X from
    /// 2008, Mastodon from 2017, Bluesky from April 2023).
    /// </summary>
    private static DateTime AccountCreated(DemoWorldOptions options, string platform, double presence, double chance)
    {
        var end = options.End.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var oldest = platform switch
        {
            "x" => new DateTime(2008, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            "bluesky" => new DateTime(2023, 4, 1, 0, 0, 0, DateTimeKind.Utc),
            _ => new DateTime(2017, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        var life = Math.Max(0.1, (end - oldest).TotalDays / 365.25);
        var years = Math.Clamp(Math.Min(9, life) * presence + 0.8 * (chance - 0.5), 0.05, life);
        return end.AddDays(-years * 365.25);
    }

    private static int TimeZoneOffset(string country) => country switch
    {
        "US" => -6, "CA" => -5, "MX" => -6, "BR" => -3, "GB" or "IE" => 0, "AU" => 10, "IN" => 5, "JP" => 9, "NG" => 1, "ZA" => 2, _ => 1,
    };

    private static DemoAccount[] BuildAccounts(DemoWorldOptions options, DemoPerson[] persons)
    {
        var rng = Rng.For(options.Seed, "accounts");
        var accounts = new List<DemoAccount>(persons.Length * 3 / 2);
        var usedHandles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var person in persons)
        {
            var t = person.Traits;
            var platforms = new List<string>(3);
            var european = person.Country is "GB" or "DE" or "FR" or "NL" or "IE" or "ES" or "IT" or "CH" or "SE";
            if (rng.Chance(person.Role == Role.Bot ? 0.9 : 0.86))
            {
                platforms.Add("x");
            }
            if (rng.Chance(0.15 + 0.35 * t.Presence + (person.Role == Role.Researcher ? 0.15 : 0)))
            {
                platforms.Add("bluesky");
            }
            if (rng.Chance(0.04 + 0.2 * t.Presence + (european ? 0.08 : 0)))
            {
                platforms.Add("mastodon");
            }
            if (platforms.Count == 0)
            {
                platforms.Add(rng.Chance(0.7) ? "x" : "bluesky");
            }
            if (platforms.Count > 1 && rng.Chance(0.45))
            {
                person.PersonKey = $"p-{person.Index:D6}";
            }
            if (person.Role == Role.Physician && person.Country == "US" && rng.Chance(0.3))
            {
                person.Npi = "1" + ((ulong)(person.Index + 1) * 982451653UL % 1_000_000_000UL).ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
            }

            var name = WorldText.PersonName(rng, person.Role, person.Language, person.Female, person.Country, out var first, out var last);
            var bio = WorldText.Bio(rng, person.Role, person.Language, person.Specialty, WorldVocabulary.Areas[person.PrimaryArea].Key, person.Country);
            var country = WorldVocabulary.Countries.First(c => c.Code == person.Country);
            var location = person.Planted is not null ? rng.Pick(country.Places) : rng.NextDouble() switch
            {
                < 0.72 => rng.Pick(country.Places),
                < 0.80 => rng.Pick(country.Nonsense),
                < 0.90 => rng.Pick(WorldVocabulary.GlobalNonsense),
                _ => null,
            };
            var baseHandle = Handle(rng, person, first, last);
            var mainPlatform = true;
            foreach (var platform in platforms)
            {
                var index = accounts.Count;
                var handle = Unique(usedHandles, platform, baseHandle, rng);
                var instance = rng.Pick(WorldVocabulary.MastodonInstances);
                var (id, shownHandle, prefix) = platform switch
                {
                    "x" => (XUserId(index), handle, ""),
                    "bluesky" => Bluesky(rng, handle),
                    _ => ($"{handle.ToLowerInvariant()}@{instance}", $"{handle.ToLowerInvariant()}@{instance}", $"https://{instance}/users/{handle.ToLowerInvariant()}/statuses/"),
                };
                var followersMu = person.Role switch
                {
                    Role.Pharma => 9.5, Role.Journal => 10.0, Role.Organisation => 8.0, Role.Bot => 5.5,
                    _ => 4.0 + 3.6 * t.PublicAppeal + 1.2 * t.PeerStanding,
                };
                var followers = rng.LogNormal(followersMu - (platform == "x" ? 0 : 1.2), 0.7);
                if (rng.Chance(0.01))
                {
                    followers *= rng.Pareto(5, 1.2);
                }
                var peerPull = person.Role == Role.Bot ? 0 : Math.Exp(4.5 * t.PeerStanding) * (person.IsHcp ? 1.0 : person.Role is Role.Journal ? 0.8 : 0.25);
                var publicPull = person.Role == Role.Bot ? 0 : Math.Exp(4.0 * t.PublicAppeal);
                var completeness = t.Presence;
                accounts.Add(new DemoAccount
                {
                    Index = index,
                    Person = person.Index,
                    Platform = platform,
                    Id = id,
                    Handle = shownHandle,
                    Name = !mainPlatform && rng.Chance(0.2) ? $"{first} {last}" : name,
                    Bio = rng.Chance(0.55 + 0.4 * completeness) ? bio : "",
                    // Planted stars say where they live, so the market can be judged on them.
                    Location = rng.Chance(0.6 + 0.35 * completeness) || person.Planted is not null ? location : null,
                    CountryField = rng.Chance(0.25) ? person.Country : null,
                    Followers = (long)followers,
                    Following = (long)rng.LogNormal(5.5, 1.0),
                    // Presence shows in the account's age too: people present online for years
                    // opened their accounts long ago, newcomers recently (within each platform's life).
                    CreatedAt = AccountCreated(options, platform, t.Presence, rng.NextDouble()),
                    Url = rng.Chance(0.05 + 0.7 * completeness) ? $"https://{last.ToLowerInvariant().Replace("'", "", StringComparison.Ordinal)}{rng.Pick(new[] { "lab.org", ".net", "md.com", ".substack.com", "-clinic.example" })}" : null,
                    Verified = platform == "x" && rng.Chance(0.02 + 0.2 * t.PublicAppeal),
                    PostWeight = (person.Role == Role.Bot ? 12 : 0.05 + 3 * t.Activity * t.Activity) * (mainPlatform ? 1.0 : 0.45),
                    PeerPull = peerPull,
                    PublicPull = publicPull,
                    PostIdPrefix = prefix,
                    // Lifetime posts before the year began.
                    PostsCount = (long)rng.LogNormal(person.Role == Role.Bot ? 9 : 4.5 + 3 * t.Activity, 1.0),
                });
                person.Accounts.Add(index);
                person.Located |= accounts[^1].CountryField is not null || (accounts[^1].Location is { } shown && country.Places.Contains(shown));
                mainPlatform = false;
            }
        }
        return [.. accounts];
    }

    private static string Handle(Rng rng, DemoPerson person, string first, string last)
    {
        static string Clean(string s) => new([.. s.Normalize(System.Text.NormalizationForm.FormD).Where(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9')]);
        var f = Clean(first);
        var l = Clean(last);
        var area = WorldVocabulary.Areas[person.PrimaryArea].Key;
        var handle = person.Role switch
        {
            Role.Physician => rng.Pick(new[] { $"dr{f}{l}", $"{f}{l}MD", $"{f}_{l}", $"{l}{f[0]}", $"Dr{l}", $"{f}{l}", $"{area[..4]}doc{f}" }),
            Role.Nurse => rng.Pick(new[] { $"{f}{l}RN", $"nurse{f}", $"{f}_{l}", $"{f}{l}" }),
            Role.Pharmacist => rng.Pick(new[] { $"{f}PharmD", $"rx{f}{l}", $"{f}_{l}" }),
            Role.Organisation or Role.Pharma or Role.Journal => rng.Pick(new[] { $"{area}org", $"{area}news", $"{area}{rng.Next(10, 99)}" }),
            Role.Bot => $"healthnews{rng.Next(100, 99999)}",
            _ => rng.Pick(new[] { $"{f}{l}", $"{f}_{rng.Next(1, 999)}", $"{f.ToLowerInvariant()}{l.ToLowerInvariant()}", $"{l}{f}", $"the{f}" }),
        };
        return handle.Length > 15 ? handle[..15] : handle;
    }

    private static string Unique(HashSet<string> used, string platform, string handle, Rng rng)
    {
        var candidate = handle;
        while (!used.Add($"{platform}:{candidate}"))
        {
            var suffix = rng.Next(1, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            candidate = (handle.Length + suffix.Length > 15 ? handle[..(15 - suffix.Length)] : handle) + suffix;
        }
        return candidate;
    }

    /// <summary>Numeric X user ids, unique per account index (a bijection modulo 10^10, offset to look real).</summary>
    private static string XUserId(int index) =>
        (1_000_000_000UL + ((ulong)(index + 1) * 7_919_000_003UL % 10_000_000_000UL) * 13UL).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private const string Base32Sortable = "234567abcdefghijklmnopqrstuvwxyz";

    private static (string Id, string Handle, string Prefix) Bluesky(Rng rng, string handle)
    {
        Span<char> did = stackalloc char[24];
        for (var i = 0; i < did.Length; i++)
        {
            did[i] = Base32Sortable[rng.Next(32)];
        }
        var id = $"did:plc:{did}";
        var shown = rng.Chance(0.1) ? $"{handle.ToLowerInvariant()}.com" : $"{handle.ToLowerInvariant()}.bsky.social";
        return (id, shown, $"at://{id}/app.bsky.feed.post/");
    }

    /// <summary>A few dozen CRM relationships, mostly with well-regarded physicians (whom companies do engage).</summary>
    private static void AssignRelationships(DemoWorldOptions options, DemoPerson[] persons)
    {
        var rng = Rng.For(options.Seed, "crm");
        var candidates = persons.Where(p => p.Role is Role.Physician or Role.Pharmacist or Role.Nurse).ToList();
        if (candidates.Count == 0)
        {
            return;
        }
        var wanted = Math.Min(candidates.Count, Math.Clamp(persons.Length / 100, 5, 60));
        var table = new AliasTable([.. candidates.Select(p => p.Index)], [.. candidates.Select(p => Math.Exp(5 * p.Traits.PeerStanding))]);
        var kinds = new[] { "advisory_board", "speaker", "investigator", "consultant", "employee", "none" };
        var kindWeights = new[] { 0.3, 0.25, 0.2, 0.15, 0.03, 0.07 };
        var chosen = 0;
        for (var attempt = 0; chosen < wanted && attempt < wanted * 50; attempt++)
        {
            var person = persons[table.Draw(rng)];
            if (person.CrmKind is null)
            {
                person.CrmKind = kinds[rng.Weighted(kindWeights)];
                chosen++;
            }
        }
    }
}
