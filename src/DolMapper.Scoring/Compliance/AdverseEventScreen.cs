using System.Text.RegularExpressions;

namespace DolMapper.Scoring.Compliance;

/// <summary>A span of a post's text that met a criterion, for highlighting.</summary>
public sealed record AeSpan(int Start, int Length, string Criterion);

/// <summary>What the screen found in a post: the criteria met, the products and event terms named, and where.</summary>
public sealed record AeFinding(bool Patient, bool Reporter, IReadOnlyList<string> Products, IReadOnlyList<string> Events, IReadOnlyList<AeSpan> Spans)
{
    /// <summary>A potential adverse event to review: a product of the company and an adverse event or side effect in the same post.</summary>
    public bool Potential => Products.Count > 0 && Events.Count > 0;

    /// <summary>The four criteria met, in words' keys: patient, reporter, product, event.</summary>
    public IReadOnlyList<string> Criteria => [.. new[] { (Patient, AdverseEventScreen.PatientCriterion), (Reporter, AdverseEventScreen.ReporterCriterion),
        (Products.Count > 0, AdverseEventScreen.ProductCriterion), (Events.Count > 0, AdverseEventScreen.EventCriterion) }.Where(c => c.Item1).Select(c => c.Item2)];
}

/// <summary>
/// Screens a post for a potential adverse event (docs/compliance.md, "Potential adverse events"):
/// the four criteria of a valid report — an identifiable patient, an identifiable reporter, a
/// product of the company and an adverse event or side effect. A post that names a product and an
/// adverse event goes to the review queue with the other two criteria recorded: pharmacovigilance
/// decides, DolMapper only makes sure nothing is missed. The event lexicon covers six languages.
/// </summary>
public static class AdverseEventScreen
{
    /// <summary>Criterion: an identifiable patient (the author, a relative, their patient, an age with sex).</summary>
    public const string PatientCriterion = "patient";
    /// <summary>Criterion: an identifiable reporter (the post's author, an account that can be contacted).</summary>
    public const string ReporterCriterion = "reporter";
    /// <summary>Criterion: a product of the company (a product list's brand, generic name or synonym).</summary>
    public const string ProductCriterion = "product";
    /// <summary>Criterion: an adverse event or side effect (the multilingual lexicon).</summary>
    public const string EventCriterion = "event";

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    /// <summary>Adverse event and side effect words (whole words), in English, Spanish, French, German, Italian and Portuguese.</summary>
    public static IReadOnlyList<string> EventTerms { get; } =
    [
        "side effect", "side effects", "side-effect", "adverse event", "adverse reaction", "reaction", "allergic", "allergy", "anaphylaxis", "rash", "hives",
        "nausea", "vomiting", "diarrhoea", "diarrhea", "dizzy", "dizziness", "headache", "fatigue", "hair loss", "neuropathy", "liver damage", "hospitalised",
        "hospitalized", "ended up in hospital", "ended up in a&e", "made me sick", "made me ill", "couldn't breathe", "could not breathe", "swelling", "bleeding",
        "seizure", "palpitations", "fainted", "toxicity", "pneumonitis", "colitis", "stopped taking", "had to stop",
        "efectos secundarios", "efecto secundario", "reacción adversa", "náuseas", "mareo", "efeitos colaterais", "efeito colateral", "reação adversa",
        "effets secondaires", "effet secondaire", "effet indésirable", "nausées", "Nebenwirkungen", "Nebenwirkung", "Übelkeit", "Ausschlag",
        "effetti collaterali", "effetto collaterale", "reazione avversa", "nausea",
    ];

    private static readonly Regex Event = new(@"(?<![\p{L}\p{N}])(?:" + string.Join("|", EventTerms.OrderByDescending(t => t.Length).Select(Regex.Escape)) + @")(?![\p{L}\p{N}])", Options);

    // Someone the post is about: the author ("I", "me", "my"), a relative, their patient, or an individual's age and sex.
    private static readonly Regex PatientWords = new(string.Join("|",
    [
        @"\b(?:I|I'm|I've|me|my)\b",
        @"\bmy\s+(?:mum|mom|mother|dad|father|wife|husband|partner|son|daughter|sister|brother|friend|grandma|grandmother|grandad|grandfather|patient)\b",
        @"\b(?:mi|mon|ma|mein|meine|il\s+mio|la\s+mia|meu|minha)\s+(?:madre|padre|mère|père|Mutter|Vater|mamma|papà|mãe|pai|paciente|patiente?|patientin|paziente)\b",
        // Not inside an address: "ghost.io", "europa.eu", "@mi".
        @"(?<![\p{L}\p{N}./@-])(?:yo|me|mi|je|moi|ich|mir|io|eu)(?![\p{L}\p{N}./])",
        @"\b(?:a\s+)?patient\s+of\s+(?:mine|ours)\b",
        @"\b(?:meine[rnm]?|unsere[rnm]?)\s+(?:Patient(?:in|en)?|Mutter|Vater|Frau|Mann|Tochter|Sohn)\b",
    ]), Options);

    /// <summary>Screens <paramref name="text"/> for the company's <paramref name="productNames"/> (brand, generic names, synonyms), matched as whole words.</summary>
    public static AeFinding Screen(string? text, IReadOnlyCollection<string> productNames, bool reporterKnown = true)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new AeFinding(false, reporterKnown, [], [], []);
        }
        var spans = new List<AeSpan>();
        var products = new List<string>();
        foreach (var name in productNames.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            foreach (Match m in Regex.Matches(text, @"(?<![\p{L}\p{N}])" + Regex.Escape(name.Trim()) + @"(?![\p{L}\p{N}])", Options))
            {
                spans.Add(new AeSpan(m.Index, m.Length, ProductCriterion));
                if (!products.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    products.Add(name);
                }
            }
        }
        var events = new List<string>();
        foreach (Match m in Event.Matches(text))
        {
            spans.Add(new AeSpan(m.Index, m.Length, EventCriterion));
            if (!events.Contains(m.Value, StringComparer.OrdinalIgnoreCase))
            {
                events.Add(m.Value);
            }
        }
        var patient = PatientWords.IsMatch(text) || ConfidentialityGuard.Check(text).Reasons.Contains(ConfidentialityGuard.AgeWithSex);
        return new AeFinding(patient, reporterKnown, products, events, [.. spans.OrderBy(s => s.Start)]);
    }
}
