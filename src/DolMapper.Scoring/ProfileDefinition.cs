using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DolMapper.Scoring.Patients;

namespace DolMapper.Scoring;

/// <summary>
/// A scoring profile as docs/formats.md ("Scoring profile") defines its JSON: name, hashtags, keywords, target
/// countries, window, minimum HCP confidence, the ten weights, whether it is active, its scope and
/// whether only persons located in the target countries are ranked. A profile of kind <c>patient</c>
/// (docs/patients.md) ranks patient influencers on the six patient questions instead of HCPs on the ten.
/// </summary>
public sealed record ProfileDefinition
{
    /// <summary>Kind <c>hcp</c>: ranks HCPs on the ten questions (the default).</summary>
    public const string HcpKind = "hcp";
    /// <summary>Kind <c>patient</c>: ranks patient influencers (advocates and caregivers) on <see cref="PatientQuestions"/>.</summary>
    public const string PatientKind = "patient";

    /// <summary>Scope <c>topic</c>: the questions that can be read in the topic are measured on relevant posts and the topic's engagement graph; persons without a relevant post are not ranked.</summary>
    public const string TopicScope = "topic";
    /// <summary>Scope <c>all</c>: every question is measured over everything a person does (a general-awareness profile).</summary>
    public const string AllScope = "all";

    /// <summary>The profile's identity.</summary>
    public required string Name { get; init; }
    /// <summary>Whom the profile ranks: <see cref="HcpKind"/> or <see cref="PatientKind"/>; fixed once the profile exists.</summary>
    public string Kind { get; init; } = HcpKind;
    /// <summary>Patient profiles: the conditions (keys of <see cref="ConditionLexicon"/>) or therapy areas whose talk counts as on the condition.</summary>
    public IReadOnlyList<string> Conditions { get; init; } = [];
    /// <summary>Patient profiles: whether brand managers may see it (an admin's choice, off by default); analysts and admins always do.</summary>
    public bool VisibleToBrandManagers { get; init; }
    /// <summary>Hashtags, lower case without '#'.</summary>
    public IReadOnlyList<string> Hashtags { get; init; } = [];
    /// <summary>Keywords matched as whole words, case-insensitive.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];
    /// <summary>Target countries (ISO alpha-2); empty: no geographic target.</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];
    /// <summary>Days of posts, ending at the newest post, that a run looks at.</summary>
    public int WindowDays { get; init; } = 365;
    /// <summary>The HCP confidence a person needs to be scored.</summary>
    public double MinHcpConfidence { get; init; } = 0.5;
    /// <summary>Weight per question key; a missing key is 0.</summary>
    public IReadOnlyDictionary<string, double> Weights { get; init; } = new Dictionary<string, double>();
    /// <summary>Active profiles are scored nightly and by <c>score</c> without <c>--profile</c>.</summary>
    public bool Active { get; init; } = true;
    /// <summary>The scope as given (<see cref="TopicScope"/> or <see cref="AllScope"/>); null: the default, see <see cref="EffectiveScope"/>.</summary>
    public string? Scope { get; init; }
    /// <summary>As given; null: the default (true when the profile names countries).</summary>
    public bool? LocatedInCountriesOnly { get; init; }

    /// <summary>True for a patient influencer profile.</summary>
    public bool IsPatient => Kind == PatientKind;
    /// <summary>The question keys the profile's weights name: the ten, or the six patient questions.</summary>
    public IReadOnlyList<string> QuestionKeys => IsPatient ? PatientQuestions.All : Questions.All;
    /// <summary>The conditions the profile's condition questions look for: each named condition, every condition of each named area.</summary>
    public IReadOnlyList<Condition> ConditionsLookedFor => [.. ConditionLexicon.All.Where(c => Conditions.Contains(c.Key) || Conditions.Contains(c.Area))];

    /// <summary>Whether the profile has a topic to look for (hashtags or keywords).</summary>
    public bool HasTopic => Hashtags.Count > 0 || Keywords.Count > 0;
    /// <summary>The scope that applies: as given, else <c>topic</c> when the profile has a topic and <c>all</c> when it has none; <c>all</c> for a patient profile (each person's own posts are read).</summary>
    public string EffectiveScope => IsPatient ? AllScope : Scope ?? (HasTopic ? TopicScope : AllScope);
    /// <summary>True when signals are read in the topic and the relevance floor applies.</summary>
    public bool TopicScoped => EffectiveScope == TopicScope;
    /// <summary>True when only persons whose own location is in a target country are ranked (the profile names countries and did not turn it off).</summary>
    public bool MarketOnly => Countries.Count > 0 && (LocatedInCountriesOnly ?? true);

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every reason the profile cannot be scored (empty when it can), each a sentence for the user.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("The profile needs a name.");
        }
        else if (Name.Length > 200)
        {
            problems.Add("The name is longer than 200 characters.");
        }
        if (Kind is not (HcpKind or PatientKind))
        {
            problems.Add($"kind is '{Kind}'; it must be \"{HcpKind}\" (ranks HCPs) or \"{PatientKind}\" (ranks patient influencers).");
            return problems;
        }
        if (IsPatient)
        {
            ValidatePatient(problems);
        }
        else
        {
            ValidateHcp(problems);
        }
        // What both kinds share: the market, the countries and the window.
        if (LocatedInCountriesOnly == true && Countries.Count == 0)
        {
            problems.Add("located_in_countries_only is true but 'countries' is empty: name the target countries, or set it to false.");
        }
        foreach (var country in Countries.Where(c => !CountryCodes.IsValid(c)))
        {
            problems.Add($"countries: '{country}' is not an ISO 3166-1 alpha-2 country code (such as US, GB, DE).");
        }
        if (WindowDays is < 7 or > 730)
        {
            problems.Add($"The window is {WindowDays} days; it must be between 7 and 730.");
        }
        return problems;
    }

    private void ValidateHcp(List<string> problems)
    {
        if (Conditions.Count > 0)
        {
            problems.Add("conditions apply to patient profiles only (kind \"patient\"); an HCP profile's topic is its hashtags and keywords.");
        }
        if (VisibleToBrandManagers)
        {
            problems.Add("visible_to_brand_managers applies to patient profiles only; HCP profiles are visible to every role.");
        }
        if (Scope is not null and not (TopicScope or AllScope))
        {
            problems.Add($"scope is '{Scope}'; it must be \"{TopicScope}\" (signals read in the topic) or \"{AllScope}\" (over everything a person does).");
        }
        else if (!HasTopic && EffectiveScope == TopicScope)
        {
            problems.Add("scope is \"topic\" but the profile has no hashtags or keywords: give some, or set scope to \"all\".");
        }
        else if (!HasTopic && Weights.GetValueOrDefault(Questions.Relevance) != 0)
        {
            problems.Add("Give at least one hashtag or keyword: relevance (Q1) has a weight but nothing to look for.");
        }
        var weights = Scoring.Weights.Create(Weights, out var weightErrors);
        problems.AddRange(weightErrors);
        if (weightErrors.Count == 0 && weights.AllZero)
        {
            problems.Add("All weights are zero: give at least one question a weight.");
        }
        if (!double.IsFinite(MinHcpConfidence) || MinHcpConfidence is < 0 or > 1)
        {
            problems.Add($"min_hcp_confidence is {MinHcpConfidence}; it must be between 0 and 1.");
        }
    }

    private void ValidatePatient(List<string> problems)
    {
        if (Scope is not null)
        {
            problems.Add("scope applies to HCP profiles only; a patient profile reads each person's own posts.");
        }
        foreach (var condition in Conditions.Where(c => !ConditionLexicon.All.Any(x => x.Key == c) && !ConditionLexicon.Areas.Contains(c)))
        {
            problems.Add($"conditions: '{condition}' is neither a condition ({string.Join(", ", ConditionLexicon.All.Select(c => c.Key).Distinct())}) nor a therapy area ({string.Join(", ", ConditionLexicon.Areas)}).");
        }
        if (Conditions.Count == 0 && !HasTopic && Weights.GetValueOrDefault(PatientQuestions.ConditionRelevance) != 0)
        {
            problems.Add("Give at least one condition (or hashtag or keyword): condition_relevance has a weight but nothing to look for.");
        }
        foreach (var (key, value) in Weights)
        {
            if (!PatientQuestions.IsKey(key))
            {
                problems.Add($"'{key}' is not a patient question key; the keys are {string.Join(", ", PatientQuestions.All)}.");
            }
            else if (!double.IsFinite(value) || value < -1 || value > 1)
            {
                problems.Add($"The weight of '{key}' is {value}; weights must lie between -1 and 1.");
            }
        }
        if (PatientQuestions.All.All(k => Weights.GetValueOrDefault(k) == 0))
        {
            problems.Add("All weights are zero: give at least one question a weight.");
        }
    }

    /// <summary>The weight of each of <see cref="QuestionKeys"/>, in their order (a missing key is 0).</summary>
    public double[] OrderedWeights() => [.. QuestionKeys.Select(k => Weights.GetValueOrDefault(k))];

    /// <summary>The weights as a <see cref="Scoring.Weights"/> (valid profiles only).</summary>
    public Weights ToWeights()
    {
        var weights = Scoring.Weights.Create(Weights, out var errors);
        return errors.Count == 0 ? weights : throw new InvalidOperationException(string.Join(" ", errors));
    }

    /// <summary>Reads one profile object; problems with its shape are returned, not thrown.</summary>
    public static ProfileDefinition? Parse(JsonElement element, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("A profile is a JSON object.");
            return null;
        }
        string? name = null;
        var hashtags = new List<string>();
        var keywords = new List<string>();
        var countries = new List<string>();
        var window = 365;
        var minConfidence = 0.5;
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var active = true;
        string? scope = null;
        bool? locatedOnly = null;
        var kind = HcpKind;
        var conditions = new List<string>();
        var visible = false;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()?.Trim() : Fail("'name' must be a string.");
                    break;
                case "hashtags":
                    ReadStrings(property.Value, "hashtags", hashtags, errors, t => t.Trim().TrimStart('#').ToLowerInvariant());
                    break;
                case "kind":
                    kind = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!.Trim().ToLowerInvariant(),
                        JsonValueKind.Null => HcpKind,
                        _ => Fail($"'kind' must be \"{HcpKind}\" or \"{PatientKind}\".") ?? HcpKind,
                    };
                    break;
                case "conditions":
                    ReadStrings(property.Value, "conditions", conditions, errors, c => c.Trim().ToLowerInvariant());
                    break;
                case "visible_to_brand_managers":
                    visible = ReadBool(property, errors) ?? false;
                    break;
                case "keywords":
                    ReadStrings(property.Value, "keywords", keywords, errors, k => k.Trim());
                    break;
                case "countries":
                    ReadStrings(property.Value, "countries", countries, errors, c => c.Trim().ToUpperInvariant());
                    break;
                case "window_days":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var days))
                    {
                        window = days;
                    }
                    else
                    {
                        errors.Add("'window_days' must be a whole number of days.");
                    }
                    break;
                case "min_hcp_confidence":
                    if (property.Value.ValueKind == JsonValueKind.Number)
                    {
                        minConfidence = property.Value.GetDouble();
                    }
                    else
                    {
                        errors.Add("'min_hcp_confidence' must be a number between 0 and 1.");
                    }
                    break;
                case "active":
                    if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        active = property.Value.GetBoolean();
                    }
                    else
                    {
                        errors.Add("'active' must be true or false.");
                    }
                    break;
                case "scope":
                    scope = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!.Trim().ToLowerInvariant(),
                        JsonValueKind.Null => null,
                        _ => Fail($"'scope' must be \"{TopicScope}\" or \"{AllScope}\"."),
                    };
                    break;
                case "located_in_countries_only":
                    locatedOnly = ReadBool(property, errors);
                    break;
                case "weights":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        errors.Add("'weights' must be an object of question key → number.");
                        break;
                    }
                    foreach (var weight in property.Value.EnumerateObject())
                    {
                        if (weight.Value.ValueKind == JsonValueKind.Number)
                        {
                            weights[weight.Name] = weight.Value.GetDouble();
                        }
                        else
                        {
                            errors.Add($"The weight of '{weight.Name}' must be a number.");
                        }
                    }
                    break;
            }
        }
        if (name is null)
        {
            errors.Add("The profile needs a 'name'.");
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return new ProfileDefinition
        {
            Name = name!,
            Kind = kind,
            Conditions = [.. conditions.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal)],
            VisibleToBrandManagers = visible,
            Hashtags = [.. hashtags.Where(h => h.Length > 0).Distinct(StringComparer.Ordinal)],
            Keywords = [.. keywords.Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)],
            Countries = [.. countries.Distinct(StringComparer.Ordinal)],
            WindowDays = window,
            MinHcpConfidence = minConfidence,
            Weights = weights,
            Active = active,
            Scope = scope,
            LocatedInCountriesOnly = locatedOnly,
        };

        string? Fail(string message)
        {
            errors.Add(message);
            return null;
        }
    }

    /// <summary>Reads a file's text: one profile object or an array of them.</summary>
    public static IReadOnlyList<ProfileDefinition> ParseMany(string json, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            errors.Add($"Not valid JSON: {e.Message}");
            return [];
        }
        using (document)
        {
            var elements = document.RootElement.ValueKind == JsonValueKind.Array ? [.. document.RootElement.EnumerateArray()] : new List<JsonElement> { document.RootElement };
            var result = new List<ProfileDefinition>();
            for (var i = 0; i < elements.Count; i++)
            {
                var label = elements.Count == 1 ? "" : $"Profile {i + 1}: ";
                var profile = Parse(elements[i], out var shape);
                errors.AddRange(shape.Select(s => label + s));
                if (profile is null)
                {
                    continue;
                }
                var invalid = profile.Validate();
                errors.AddRange(invalid.Select(s => $"{(label.Length > 0 ? label : "")}{profile.Name}: {s}"));
                if (invalid.Count == 0)
                {
                    result.Add(profile);
                }
            }
            return result;
        }
    }

    /// <summary>The profile as the contract's JSON (every weight written, in question order).</summary>
    public string ToJson(bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions with { Indented = indented }))
        {
            Write(writer);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the profile object.</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("kind", Kind);
        if (IsPatient)
        {
            WriteArray(writer, "conditions", Conditions);
        }
        WriteArray(writer, "hashtags", Hashtags);
        WriteArray(writer, "keywords", Keywords);
        WriteArray(writer, "countries", Countries);
        writer.WriteNumber("window_days", WindowDays);
        if (!IsPatient)
        {
            writer.WriteNumber("min_hcp_confidence", MinHcpConfidence);
        }
        writer.WriteStartObject("weights");
        foreach (var key in QuestionKeys)
        {
            writer.WriteNumber(key, Weights.TryGetValue(key, out var w) ? w : 0);
        }
        writer.WriteEndObject();
        writer.WriteBoolean("active", Active);
        if (!IsPatient)
        {
            writer.WriteString("scope", EffectiveScope);
        }
        writer.WriteBoolean("located_in_countries_only", MarketOnly);
        if (IsPatient)
        {
            writer.WriteBoolean("visible_to_brand_managers", VisibleToBrandManagers);
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// What changed from <paramref name="before"/> to this definition, one entry per field or weight
    /// (e.g. <c>weights.science</c>: 0.25 → 1), in the JSON's field order; empty when they are the same.
    /// </summary>
    public IReadOnlyList<ProfileChange> ChangesFrom(ProfileDefinition before)
    {
        var changes = new List<ProfileChange>();
        void Compare(string field, string was, string now)
        {
            if (was != now)
            {
                changes.Add(new ProfileChange(field, was, now));
            }
        }
        static string List(IEnumerable<string> values) => string.Join(", ", values.Order(StringComparer.Ordinal));
        static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
        Compare("name", before.Name, Name);
        Compare("kind", before.Kind, Kind);
        Compare("conditions", List(before.Conditions), List(Conditions));
        Compare("hashtags", List(before.Hashtags), List(Hashtags));
        Compare("keywords", List(before.Keywords.Select(k => k.ToLowerInvariant())), List(Keywords.Select(k => k.ToLowerInvariant())));
        Compare("countries", List(before.Countries), List(Countries));
        Compare("window_days", before.WindowDays.ToString(CultureInfo.InvariantCulture), WindowDays.ToString(CultureInfo.InvariantCulture));
        Compare("min_hcp_confidence", Number(before.MinHcpConfidence), Number(MinHcpConfidence));
        foreach (var key in QuestionKeys.Union(before.QuestionKeys))
        {
            Compare($"weights.{key}", Number(before.Weights.GetValueOrDefault(key)), Number(Weights.GetValueOrDefault(key)));
        }
        Compare("active", before.Active ? "true" : "false", Active ? "true" : "false");
        Compare("scope", before.EffectiveScope, EffectiveScope);
        Compare("located_in_countries_only", before.MarketOnly ? "true" : "false", MarketOnly ? "true" : "false");
        Compare("visible_to_brand_managers", before.VisibleToBrandManagers ? "true" : "false", VisibleToBrandManagers ? "true" : "false");
        return changes;
    }

    /// <summary>True when both define the same scoring (order of lists and absent zero weights aside).</summary>
    public bool SameAs(ProfileDefinition other) =>
        Canonical(this) == Canonical(other);

    private static string Canonical(ProfileDefinition p) => string.Join("\n",
        p.Name,
        p.Kind,
        string.Join(",", p.Conditions.Order(StringComparer.Ordinal)),
        p.VisibleToBrandManagers.ToString(),
        string.Join(",", p.Hashtags.Order(StringComparer.Ordinal)),
        string.Join(",", p.Keywords.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal)),
        string.Join(",", p.Countries.Order(StringComparer.Ordinal)),
        p.WindowDays.ToString(CultureInfo.InvariantCulture),
        p.MinHcpConfidence.ToString("R", CultureInfo.InvariantCulture),
        string.Join(",", p.QuestionKeys.Select(k => (p.Weights.TryGetValue(k, out var w) ? w : 0).ToString("R", CultureInfo.InvariantCulture))),
        p.Active.ToString(),
        p.EffectiveScope,
        p.MarketOnly.ToString());

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>A true/false field; null when it is JSON null (or wrong, with the problem added).</summary>
    private static bool? ReadBool(JsonProperty property, List<string> errors)
    {
        if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return property.Value.GetBoolean();
        }
        if (property.Value.ValueKind != JsonValueKind.Null)
        {
            errors.Add($"'{property.Name}' must be true or false.");
        }
        return null;
    }

    private static void ReadStrings(JsonElement value, string field, List<string> into, List<string> errors, Func<string, string> normalise)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"'{field}' must be an array of strings.");
            return;
        }
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                into.Add(normalise(item.GetString()!));
            }
            else
            {
                errors.Add($"'{field}' must contain only strings.");
                return;
            }
        }
    }
}

/// <summary>One changed field of a scoring profile: its JSON path and its value before and after.</summary>
public sealed record ProfileChange(string Field, string Before, string After);
