using System.Text.RegularExpressions;

namespace DolMapper.Scoring.Compliance;

/// <summary>What the guard found in a post: whether it may describe an identifiable patient case, and why.</summary>
public sealed record ConfidentialityFinding(bool Flagged, IReadOnlyList<string> Reasons)
{
    /// <summary>Nothing found.</summary>
    public static readonly ConfidentialityFinding None = new(false, []);
}

/// <summary>
/// Flags posts that may describe an identifiable patient case (docs/compliance.md, "Confidentiality"):
/// HCPs owe their patients confidentiality on social media too, so such a post must not travel on
/// in exports unmasked and is marked on pages. A documented rule set rather than a model: the cues
/// are few and every flag must say why. A post is flagged when it gives
/// <list type="bullet">
/// <item>an individual's age with their sex or as a person ("45M", "F 29", "a 34-year-old woman", "7 yo boy", "mujer de 45 años", "52-jährige Patientin"), or</item>
/// <item>their own patient, singular ("my patient", "our patient", "a patient of mine", "mi paciente", "ma patiente", "meine Patientin"), together with when or where they were seen ("yesterday", "in clinic today", "bed 12", "from Leeds") or a case narrative ("presented with", "was admitted", "brought in", "died").</item>
/// </list>
/// Matching is case-insensitive except for the compact sex markers (M, F). Measured on a corpus
/// written for it (Compliance/ConfidentialityCorpus; figures in docs/compliance.md).
/// </summary>
public static class ConfidentialityGuard
{
    /// <summary>The reason: an individual's age with their sex, or as a person.</summary>
    public const string AgeWithSex = "an individual's age with their sex";
    /// <summary>The reason: the author's own patient, with when, where or what happened.</summary>
    public const string OwnPatient = "their own patient, with when, where or what happened";

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;

    private static readonly Regex Age = new(string.Join("|",
    [
        // "34-year-old woman", "a 4-month-old baby", "30 y.o. male", "7 yo boy", "12 yo with"
        @"\b\d{1,3}\s?-?\s?(?:years?|yrs?|months?|weeks?)[-\s]old\b",
        @"\b\d{1,3}\s?(?:yo|y/o|y\.o\.)(?![a-z])",
        // "late 40s", "early 30s"
        @"\b(?:early|mid|late)[-\s]\d0s\b",
        // "teenager (16)", "woman (45)"
        @"\b(?:teenager|boy|girl|man|woman|child|baby|toddler|student|gentleman|lady)\s*\(\d{1,3}\)",
        // Spanish, French, Italian, Portuguese: "mujer de 45 años", "homme de 52 ans", "uomo di 60 anni", "paciente de 38 anos"
        @"\b(?:mujer|hombre|varón|niña|niño|paciente|homme|femme|fille|garçon|patiente?|uomo|donna|ragazz[oa]|bambin[oa]|paziente|homem|mulher|menin[oa])\s+(?:de|di)\s+\d{1,3}\s+(?:años|ans|anni|anos)\b",
        @"\b(?:mi|mon|ma|il mio|la mia|meu|minha)\s+(?:paciente|patiente?|paziente)\s+(?:de|di)\s+\d{1,3}\s+(?:años|ans|anni|anos)\b",
        // German: "52-jährige Patientin", "Patient, 48 Jahre"
        @"\b\d{1,3}-?jährige[rn]?\b",
        @"\bPatient(?:in)?,?\s+\d{1,3}\s+Jahre\b",
    ]), Options);

    // "45M", "38F", "66M", "F 29", "M45" — case-sensitive, the way clinicians write them.
    private static readonly Regex CompactSex = new(@"(?<![\p{L}\p{N}])(?:\d{1,3}\s?[MF]|[MF]\s?\d{1,3})(?![\p{L}\p{N}])", RegexOptions.CultureInvariant);

    private static readonly Regex OwnPatientWords = new(string.Join("|",
    [
        @"\b(?:my|our)\s+patient(?!s|\s+(?:advisory|experience|safety|education|group|panel|forum|voice|information|leaflets?|portal|survey|participation|partners?|representatives?|and\s+public))\b",
        @"\ba\s+patient\s+of\s+(?:mine|ours)\b",
        @"\bpt\s+is\s+a\b",
        @"\b(?:mi|mon|ma|mein|meine|il\s+mio|la\s+mia|meu|minha)\s+(?:paciente|patiente?|patientin|paziente)\b(?!s)",
    ]), Options);

    private static readonly Regex WhenOrWhere = new(string.Join("|",
    [
        @"\b(?:today|tonight|yesterday|this\s+(?:morning|afternoon|evening|week)|last\s+(?:night|week)|overnight|on\s+call|in\s+clinic|on\s+the\s+ward|ward\s+\d+|bed\s+\d+|in\s+(?:a&e|the\s+ed|icu|itu|theatre|resus))\b",
        @"\b(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        @"\b\d{1,2}\s?(?:am|pm)\b",
        @"\b(?:from|in|near)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\b",
        @"\b(?:ayer|hoy|esta\s+mañana|hier|ce\s+matin|aujourd'hui|heute|gestern|ieri|oggi|stamattina|ieri\s+sera|hoje|ontem)\b",
    ]), RegexOptions.CultureInvariant);

    private static readonly Regex Narrative = new(string.Join("|",
    [
        @"\b(?:presented\s+(?:to|with)|presenting\s+with|came\s+(?:in|into)|was\s+(?:admitted|diagnosed|discharged|told)|admitted\s+(?:a|on|with)|brought\s+in|discharged|died|passed\s+away|fell)\b",
        @"\b(?:ingresó|ingresada?|hospitalisée?|eingeliefert|ricoverat[oa]|internad[oa]|caído|è\s+caduto|vino\s+hoy)\b",
        @"\b\d{1,3}\s+(?:years?\s+old|años|ans|anni|anos|Jahre)\b",
    ]), Options);

    /// <summary>Checks <paramref name="text"/>; <see cref="ConfidentialityFinding.None"/> for empty text.</summary>
    public static ConfidentialityFinding Check(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ConfidentialityFinding.None;
        }
        var reasons = new List<string>();
        if (Age.IsMatch(text) || CompactSex.IsMatch(text))
        {
            reasons.Add(AgeWithSex);
        }
        if (OwnPatientWords.IsMatch(text) && (WhenOrWhere.IsMatch(text) || Narrative.IsMatch(text) || Age.IsMatch(text)))
        {
            reasons.Add(OwnPatient);
        }
        return reasons.Count == 0 ? ConfidentialityFinding.None : new ConfidentialityFinding(true, reasons);
    }

    /// <summary>
    /// The text with what may identify the person replaced: ages and sex markers by "[age]", times
    /// and places by "[when/where]" — for exports and for readers who need the gist, not the case.
    /// </summary>
    public static string Mask(string text)
    {
        var masked = Age.Replace(text, "[age]");
        masked = CompactSex.Replace(masked, "[age]");
        masked = WhenOrWhere.Replace(masked, "[when/where]");
        return masked;
    }
}
