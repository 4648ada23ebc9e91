using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Scoring;

/// <summary>A profile's latest version.</summary>
public sealed record StoredProfile(int ProfileId, int VersionId, int Version, DateTime CreatedAt, string? CreatedBy, ProfileDefinition Definition);

/// <summary>What saving a profile did.</summary>
public sealed record ProfileSaveResult(StoredProfile? Profile, bool Created, bool NewVersion, IReadOnlyList<string> Problems)
{
    public bool Saved => Problems.Count == 0;
}

/// <summary>
/// Scoring profiles (docs/formats.md, "Scoring profile"): the name is the identity, every change is a new
/// immutable version (the database rejects updates of versions), saving the same definition again
/// changes nothing. Each new version is written to the audit log.
/// </summary>
public sealed class ScoringProfiles(DolMapperDbContext db)
{
    public async Task<ProfileSaveResult> SaveAsync(ProfileDefinition definition, string? user, CancellationToken cancellationToken, int? restoredFrom = null)
    {
        var problems = definition.Validate();
        if (problems.Count > 0)
        {
            return new ProfileSaveResult(null, false, false, problems);
        }
        var profile = await db.ScoringProfiles.SingleOrDefaultAsync(p => p.Name == definition.Name, cancellationToken);
        var created = profile is null;
        ScoringProfileVersion? latest = null;
        ProfileDefinition? before = null;
        if (profile is null)
        {
            profile = new ScoringProfile { Name = definition.Name, Active = definition.Active, Kind = definition.Kind, CreatedAt = DateTime.UtcNow };
            db.ScoringProfiles.Add(profile);
        }
        else if (profile.Kind != definition.Kind)
        {
            // A run's rows live where its kind says (person_scores or patient_scores): a profile keeps its kind.
            return new ProfileSaveResult(null, false, false,
                [$"'{definition.Name}' is a profile of kind \"{profile.Kind}\"; its kind cannot change. Save the {definition.Kind} profile under another name."]);
        }
        else
        {
            latest = await db.ScoringProfileVersions.AsNoTracking().Where(v => v.ProfileId == profile.Id).OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
            before = latest is null ? null : Read(latest.Definition);
            if (latest is not null && before is not null && before.SameAs(definition))
            {
                return new ProfileSaveResult(ToStored(latest, definition), false, false, []);
            }
        }
        var version = new ScoringProfileVersion
        {
            Definition = definition.ToJson(indented: false),
            Version = (latest?.Version ?? 0) + 1,
            CreatedAt = DateTime.UtcNow,
            CreatedBy = user,
        };
        profile.Versions.Add(version);
        profile.Active = definition.Active;
        db.AuditLog.Add(new AuditLogEntry
        {
            At = DateTime.UtcNow,
            UserName = user,
            Action = created ? "profile.created" : "profile.version",
            Target = definition.Name,
            // The diff is kept with the entry, so the audit log alone says what each version changed.
            Details = JsonSerializer.Serialize(new
            {
                version = version.Version,
                previous = latest?.Version,
                restored_from = restoredFrom,
                changes = before is null ? [] : definition.ChangesFrom(before).Select(c => new { field = c.Field, before = c.Before, after = c.After }).ToArray(),
            }),
        });
        await db.SaveChangesAsync(cancellationToken);
        return new ProfileSaveResult(ToStored(version, definition), created, true, []);
    }

    /// <summary>The latest version of every profile (or only active ones), by name.</summary>
    public async Task<IReadOnlyList<StoredProfile>> LatestAsync(bool activeOnly, CancellationToken cancellationToken)
    {
        var rows = await db.ScoringProfiles.AsNoTracking()
            .Where(p => !activeOnly || p.Active)
            .OrderBy(p => p.Name)
            .Select(p => p.Versions.OrderByDescending(v => v.Version).First())
            .ToListAsync(cancellationToken);
        return [.. rows.Select(v => ToStored(v, Read(v.Definition)))];
    }

    public Task<StoredProfile?> LatestAsync(string name, CancellationToken cancellationToken) =>
        LatestOfAsync(db.ScoringProfileVersions.Where(v => db.ScoringProfiles.Any(p => p.Id == v.ProfileId && p.Name == name)), cancellationToken);

    public Task<StoredProfile?> LatestAsync(int profileId, CancellationToken cancellationToken) =>
        LatestOfAsync(db.ScoringProfileVersions.Where(v => v.ProfileId == profileId), cancellationToken);

    public Task<StoredProfile?> VersionAsync(int versionId, CancellationToken cancellationToken) =>
        LatestOfAsync(db.ScoringProfileVersions.Where(v => v.Id == versionId), cancellationToken);

    private static async Task<StoredProfile?> LatestOfAsync(IQueryable<ScoringProfileVersion> versions, CancellationToken cancellationToken)
    {
        var version = await versions.AsNoTracking().OrderByDescending(v => v.Version).FirstOrDefaultAsync(cancellationToken);
        return version is null ? null : ToStored(version, Read(version.Definition));
    }

    /// <summary>
    /// Imports a file's profiles (one object or an array). Nothing is saved unless every profile is
    /// valid, so a file is applied whole or not at all.
    /// </summary>
    public async Task<(IReadOnlyList<ProfileSaveResult> Saved, IReadOnlyList<string> Problems)> ImportAsync(string json, string? user, CancellationToken cancellationToken)
    {
        var profiles = ProfileDefinition.ParseMany(json, out var problems);
        if (problems.Count > 0)
        {
            return ([], problems);
        }
        if (profiles.Count == 0)
        {
            return ([], ["The file holds no profile."]);
        }
        var duplicates = profiles.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            return ([], [.. duplicates.Select(d => $"'{d}' appears more than once in the file.")]);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var results = new List<ProfileSaveResult>();
        foreach (var profile in profiles)
        {
            results.Add(await SaveAsync(profile, user, cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return (results, []);
    }

    /// <summary>The profile named <paramref name="name"/> as JSON, or all profiles as a JSON array; null when the name is unknown.</summary>
    public async Task<string?> ExportAsync(string? name, CancellationToken cancellationToken)
    {
        if (name is not null)
        {
            var one = await LatestAsync(name, cancellationToken);
            return one?.Definition.ToJson();
        }
        var all = await LatestAsync(activeOnly: false, cancellationToken);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var profile in all)
            {
                profile.Definition.Write(writer);
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Saves the built-in example profiles that are missing (never overwrites an edited one).</summary>
    public async Task<int> EnsureExamplesAsync(string? user, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var example in ExampleProfiles.All.Concat(ExampleProfiles.Patients))
        {
            if (!await db.ScoringProfiles.AnyAsync(p => p.Name == example.Name, cancellationToken))
            {
                await SaveAsync(example, user, cancellationToken);
                // The demo world's planted launch and its competitors (docs/demo-world.md), listed with the profile.
                if (ExampleProfiles.ProductsOf(example) is { } products)
                {
                    var saved = await new ProductLists(db).SaveAsync([products], user, cancellationToken);
                    if (!saved.Ok)
                    {
                        throw new InvalidOperationException(string.Join(" ", saved.Problems));
                    }
                }
                added++;
            }
        }
        // The demo world's example events (docs/events.md), which name the example profiles.
        await new Events.EventStore(db).EnsureExamplesAsync(user, cancellationToken);
        return added;
    }

    internal static ProfileDefinition Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ProfileDefinition.Parse(document.RootElement, out var problems)
            ?? throw new InvalidDataException($"A stored profile version is unreadable: {string.Join(" ", problems)}");
    }

    private static StoredProfile ToStored(ScoringProfileVersion v, ProfileDefinition d) => new(v.ProfileId, v.Id, v.Version, v.CreatedAt, v.CreatedBy, d);
}

/// <summary>
/// The example profiles that ship with the demo world (docs/scoring.md, "Example profiles"). They
/// take the defaults: read in their topic (scope <c>topic</c>), and the UK one ranks only persons
/// living in the UK. The demo world's planted off-topic and out-of-market stars test both.
/// </summary>
public static class ExampleProfiles
{
    public static readonly ProfileDefinition OncologyScientificExchange = new()
    {
        Name = "Oncology - scientific exchange",
        Hashtags = ["oncology", "bcsm", "lcsm", "onctwitter", "breastcancer", "lungcancer", "medonc"],
        Keywords = ["breast cancer", "lung cancer", "immunotherapy", "HER2", "EGFR", "ctDNA", "checkpoint inhibitors"],
        Countries = [],
        WindowDays = 365,
        MinHcpConfidence = 0.6,
        Weights = new Dictionary<string, double>
        {
            ["relevance"] = 1, ["hcp_following"] = 0.5, ["peer_trust"] = 1, ["activity"] = 0.5, ["public_influence"] = 0.25,
            ["presence"] = 0.25, ["relationship"] = 0, ["science"] = 1, ["geography"] = 0, ["community"] = 0.25,
        },
    };

    public static readonly ProfileDefinition CardiologyAwarenessUk = new()
    {
        Name = "Cardiology - awareness (UK)",
        Hashtags = ["cardiotwitter", "cardiology", "heartfailure", "afib", "hypertension"],
        Keywords = ["heart failure", "atrial fibrillation", "hypertension", "SGLT2 inhibitors", "statins"],
        Countries = ["GB"],
        WindowDays = 365,
        MinHcpConfidence = 0.6,
        Weights = new Dictionary<string, double>
        {
            ["relevance"] = 1, ["hcp_following"] = 0.25, ["peer_trust"] = 0.25, ["activity"] = 0.5, ["public_influence"] = 1,
            ["presence"] = 0.5, ["relationship"] = 0, ["science"] = 0, ["geography"] = 1, ["community"] = 0.5,
        },
    };

    public static readonly ProfileDefinition DiabetesNewVoices = new()
    {
        Name = "Diabetes - new voices",
        Hashtags = ["diabetes", "t1d", "t2d", "glp1", "endocrinology", "obesity"],
        Keywords = ["type 2 diabetes", "GLP-1", "CGM", "insulin pricing", "semaglutide", "tirzepatide"],
        Countries = [],
        WindowDays = 365,
        MinHcpConfidence = 0.6,
        Weights = new Dictionary<string, double>
        {
            ["relevance"] = 1, ["hcp_following"] = 0, ["peer_trust"] = 0.25, ["activity"] = 1, ["public_influence"] = 0,
            ["presence"] = 0, ["relationship"] = -1, ["science"] = 0, ["geography"] = 0, ["community"] = 1,
        },
    };

    public static IReadOnlyList<ProfileDefinition> All { get; } = [OncologyScientificExchange, CardiologyAwarenessUk, DiabetesNewVoices];

    /// <summary>
    /// The example patient influencer profile (docs/patients.md): the breast cancer conversation,
    /// trust and the quality of the sources linked weighing most. An admin made it visible to brand
    /// managers, as the demo's walk-through needs; new patient profiles start hidden from them.
    /// </summary>
    public static readonly ProfileDefinition BreastCancerPatientVoices = new()
    {
        Name = "Breast cancer - patient voices",
        Kind = ProfileDefinition.PatientKind,
        Conditions = ["breast_cancer"],
        Hashtags = ["bcsm", "breastcancer", "mbc"],
        WindowDays = 365,
        VisibleToBrandManagers = true,
        Weights = new Dictionary<string, double>
        {
            ["reach"] = 0.5, ["trust"] = 1, ["condition_relevance"] = 0.75, ["consistency"] = 0.5, ["support"] = 0.5, ["information_quality"] = 1,
        },
    };

    /// <summary>The example patient profiles (saved with the HCP examples).</summary>
    public static IReadOnlyList<ProfileDefinition> Patients { get; } = [BreastCancerPatientVoices];

    /// <summary>The product list that ships with an example profile (the demo world's planted launch), or null.</summary>
    public static DolMapper.Scoring.Insights.ProductList? ProductsOf(ProfileDefinition profile) =>
        profile.Name != OncologyScientificExchange.Name ? null : new DolMapper.Scoring.Insights.ProductList
        {
            Profile = profile.Name,
            Products = [.. Demo.PlantedLaunch.Products.Select((p, i) => new DolMapper.Scoring.Insights.ProductDefinition
            {
                Name = p.Name,
                GenericName = Demo.PlantedLaunch.GenericNames[i],
                Synonyms = i == 0 ? ["Oncavera", "Onkavra"] : [],
                Competitors = i == 0 ? [.. Demo.PlantedLaunch.Products.Skip(1).Select(c => c.Name)] : [],
                LaunchDate = i == 0 ? Demo.PlantedLaunch.LaunchDate : null,
            })],
        };

    /// <summary>The demo world's therapy areas each example is about (for the ground-truth rule).</summary>
    public static IReadOnlyList<string> AreasOf(ProfileDefinition profile) => profile.Name switch
    {
        "Oncology - scientific exchange" => ["oncology"],
        "Cardiology - awareness (UK)" => ["cardiology"],
        "Diabetes - new voices" => ["diabetes"],
        _ => [],
    };
}
