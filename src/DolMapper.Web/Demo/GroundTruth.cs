using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using DolMapper.Scoring;

namespace DolMapper.Web.Demo;

/// <summary>
/// The demo world's answer key: each person's role, specialty, country, archetype and latent traits,
/// and the rule (docs/demo-world.md, "The ground-truth rule") that turns a scoring profile into the
/// expected ranking. The rule reads traits, never the posts, and was written before any scorer.
/// </summary>
public static class GroundTruth
{
    public const int RuleVersion = 3;

    public const string RuleText =
        "Population: persons whose profession is physician, nurse, pharmacist, researcher or other_hcp. " +
        "For each question key k take the trait T_k: relevance = the sum of the person's affinity over the profile's therapy areas (1 if the profile names none); " +
        "hcp_following = peer_standing; peer_trust = peer_standing; activity = activity; public_influence = public_appeal; presence = presence; " +
        "relationship = 1 if the person has a CRM relationship other than 'none', else 0; science = science; " +
        "geography = 0.5 + 0.5 * locality if the person's country is a target country, 0.5 * (1 - locality) if targets are named and it is not, and 1 - locality when no targets are named; " +
        "community = community. Each trait is then normalised as the scorer normalises a signal: S_k = its percentile rank among the population's values above zero " +
        "(ties share the mid-rank), 0 for a trait of zero. With w_k the profile's weights, S'_k = S_k for w_k >= 0 and 1 - S_k for w_k < 0; " +
        "expected score = sum(|w_k| * S'_k) / sum(|w_k|). Expected ranking = persons by expected score, highest first. " +
        "A profile that keeps to its market (target countries and located_in_countries_only) takes only persons whose country is a target and who say where they live (a place or a country code on one of their accounts). " +
        "A topic-scoped profile (scope topic) takes only persons with A > 0, A being the sum of their affinity over the profile's therapy areas, " +
        "and multiplies the traits of hcp_following, peer_trust and activity by A (standing and activity in the topic grow with the share of the person's conversation in it); " +
        "public_influence (audience and reach per post), science and community (shares of the relevant conversation) are not multiplied.";

    /// <summary>A person as the ground-truth file describes them.</summary>
    public sealed record PersonTruth(
        string PersonId, IReadOnlyList<string> Accounts, string Role, string Profession, string? Specialty, string Country,
        string? Archetype, IReadOnlyDictionary<string, double> Traits, IReadOnlyDictionary<string, double> Affinity, string? Crm,
        string? Planted = null, bool Located = true, string? PlantedPatient = null);

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEnumerable<PersonTruth> Describe(DemoWorld world) =>
        world.Persons.Select(p => new PersonTruth(
            PersonId(world, p),
            [.. p.Accounts.Select(a => $"{world.Accounts[a].Platform}:{world.Accounts[a].Id}")],
            Snake(p.Role.ToString()),
            p.Profession,
            p.Specialty?.Key,
            p.Country,
            p.Archetype == Archetype.None ? null : Snake(p.Archetype.ToString()),
            new Dictionary<string, double>
            {
                ["activity"] = p.Traits.Activity, ["conversation"] = p.Traits.Conversation, ["science"] = p.Traits.Science,
                ["community"] = p.Traits.Community, ["locality"] = p.Traits.Locality, ["peer_standing"] = p.Traits.PeerStanding,
                ["public_appeal"] = p.Traits.PublicAppeal, ["presence"] = p.Traits.Presence,
            },
            WorldVocabulary.Areas.Select((a, i) => (a.Key, p.Affinity[i])).ToDictionary(x => x.Key, x => x.Item2),
            p.CrmKind,
            p.Planted,
            p.Located,
            p.PlantedPatient));

    /// <summary>
    /// The id DolMapper gives the person: the import key where one was given, else "platform:id" of
    /// their first account (a person on two platforms without a key is two persons to DolMapper, as
    /// in reality, until an admin links them; the accounts list says who is who).
    /// </summary>
    public static string PersonId(DemoWorld world, DemoPerson person) =>
        person.PersonKey ?? $"{world.Accounts[person.Accounts[0]].Platform}:{world.Accounts[person.Accounts[0]].Id}";

    public static async Task WriteAsync(DemoWorld world, string path, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        await using var writer = new Utf8JsonWriter(stream, Json);
        void Line()
        {
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset(stream);
        }

        writer.WriteStartObject();
        writer.WriteString("type", "rule");
        writer.WriteNumber("version", RuleVersion);
        writer.WriteString("rule", RuleText);
        writer.WriteNumber("seed", world.Options.Seed);
        writer.WriteNumber("persons", world.Options.Persons);
        writer.WriteNumber("posts", world.Options.Posts);
        writer.WriteString("start", world.Options.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("end", world.Options.End.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        Line();
        foreach (var p in Describe(world))
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.WriteStartObject();
            writer.WriteString("type", "person");
            writer.WriteString("person_id", p.PersonId);
            writer.WriteStartArray("accounts");
            foreach (var a in p.Accounts)
            {
                writer.WriteStringValue(a);
            }
            writer.WriteEndArray();
            writer.WriteString("role", p.Role);
            writer.WriteString("profession", p.Profession);
            writer.WriteString("specialty", p.Specialty);
            writer.WriteString("country", p.Country);
            writer.WriteString("archetype", p.Archetype);
            writer.WriteStartObject("traits");
            foreach (var (k, v) in p.Traits)
            {
                writer.WriteNumber(k, Math.Round(v, 4));
            }
            writer.WriteEndObject();
            writer.WriteStartObject("affinity");
            foreach (var (k, v) in p.Affinity)
            {
                writer.WriteNumber(k, Math.Round(v, 4));
            }
            writer.WriteEndObject();
            writer.WriteString("crm", p.Crm);
            writer.WriteString("planted", p.Planted);
            if (p.PlantedPatient is not null)
            {
                writer.WriteString("planted_patient", p.PlantedPatient);
            }
            writer.WriteBoolean("located", p.Located);
            writer.WriteEndObject();
            Line();
        }
    }

    private static readonly HashSet<string> HcpProfessions = ["physician", "nurse", "pharmacist", "researcher", "other_hcp"];

    /// <summary>The rule, for tests that compare a ranking with the expected one.</summary>
    /// <param name="areas">Therapy-area keys the profile is about (<see cref="WorldVocabulary.Areas"/>); empty means any.</param>
    /// <param name="countries">Target countries; empty means no geographic target.</param>
    /// <param name="topic">The profile reads the topic-readable questions in its topic (scope <c>topic</c>).</param>
    /// <param name="marketOnly">The profile ranks only persons living in its target countries.</param>
    public static IReadOnlyList<(PersonTruth Person, double Score)> ExpectedRanking(
        IEnumerable<PersonTruth> persons, IReadOnlyDictionary<string, double> weights, IReadOnlyCollection<string> areas, IReadOnlyCollection<string> countries,
        bool topic = false, bool marketOnly = false)
    {
        var population = persons.Where(p => HcpProfessions.Contains(p.Profession)
            && (!marketOnly || countries.Count == 0 || (p.Located && countries.Contains(p.Country)))
            && (!topic || areas.Count == 0 || AreaAffinity(p, areas) > 0)).ToList();
        var sums = new double[population.Count];
        double norm = 0;
        var raw = new double[population.Count];
        var normalised = new double[population.Count];
        foreach (var key in Questions.All)
        {
            var w = weights.GetValueOrDefault(key);
            if (w == 0)
            {
                continue;
            }
            // The scorer's own normalisation (docs/scoring.md), so the expected top is one a scorer can reach.
            for (var i = 0; i < population.Count; i++)
            {
                raw[i] = Trait(population[i], key, areas, countries, topic);
            }
            PercentileRank.Normalise(raw, normalised);
            for (var i = 0; i < population.Count; i++)
            {
                sums[i] += Math.Abs(w) * (w > 0 ? normalised[i] : 1 - normalised[i]);
            }
            norm += Math.Abs(w);
        }
        return [.. population.Select((p, i) => (p, norm == 0 ? 0 : sums[i] / norm))
            .OrderByDescending(s => s.Item2).ThenBy(s => s.p.PersonId, StringComparer.Ordinal)];
    }

    /// <summary>The trait the rule takes for question <paramref name="key"/> (the table in docs/demo-world.md).</summary>
    /// <param name="topic">Read in the profile's topic: standing and activity are multiplied by the person's affinity to it.</param>
    public static double Trait(PersonTruth p, string key, IReadOnlyCollection<string> areas, IReadOnlyCollection<string> countries, bool topic = false)
    {
        var inTopic = topic && areas.Count > 0 ? AreaAffinity(p, areas) : 1;
        return key switch
        {
            "relevance" => areas.Count == 0 ? 1 : AreaAffinity(p, areas),
            "hcp_following" or "peer_trust" => p.Traits["peer_standing"] * inTopic,
            "activity" => p.Traits["activity"] * inTopic,
            "public_influence" => p.Traits["public_appeal"],
            "presence" => p.Traits["presence"],
            "relationship" => p.Crm is null or "none" ? 0 : 1,
            "science" => p.Traits["science"],
            "geography" => countries.Count == 0 ? 1 - p.Traits["locality"]
                : countries.Contains(p.Country) ? 0.5 + 0.5 * p.Traits["locality"] : 0.5 * (1 - p.Traits["locality"]),
            "community" => p.Traits["community"],
            _ => 0,
        };
    }

    /// <summary>The person's affinity summed over the therapy areas (at most 1).</summary>
    public static double AreaAffinity(PersonTruth p, IReadOnlyCollection<string> areas) => Math.Min(1, areas.Sum(a => p.Affinity.GetValueOrDefault(a)));

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
