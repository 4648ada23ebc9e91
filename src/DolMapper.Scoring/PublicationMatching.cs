using DolMapper.Scoring.Hcp;

namespace DolMapper.Scoring;

/// <summary>
/// Matching PubMed authors to persons (question 8, <c>science</c>): a person's PubMed author forms,
/// and whether a paper's title carries words of their specialty. A match needs both, never a bare
/// name.
/// </summary>
public static class PublicationMatching
{
    private static readonly HashSet<string> Titles = new(StringComparer.OrdinalIgnoreCase)
    {
        "dr", "dr.", "dra", "dra.", "prof", "prof.", "pr", "pd", "med.", "dott.", "dott.ssa", "doctor", "professor",
    };

    private static readonly HashSet<string> Credentials = new(StringComparer.OrdinalIgnoreCase)
    {
        "PhD", "PharmD", "MPH", "MSc", "DPhil", "MBChB", "MBBCh", "MBBS", "MD", "DO", "RN", "BSN", "MSN", "DNP", "RPh", "MPharm", "ScD", "med",
    };

    /// <summary>PubMed's author forms for a display name: "Jane A. Doe, MD" → "Doe J", "Doe JA".</summary>
    public static IReadOnlyList<string> AuthorKeys(string? displayName)
    {
        if (string.IsNullOrWhiteSpace(displayName))
        {
            return [];
        }
        var name = displayName.Split(',')[0];
        var words = name.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !Titles.Contains(w) && !Credentials.Contains(w.Trim('.')) && w.Any(char.IsLetter)
                && !(w.Count(char.IsLetter) >= 2 && w.All(c => char.IsUpper(c) || c == '.' || c == '-')))
            .Select(w => new string([.. w.Where(c => char.IsLetter(c) || c == '-' || c == '\'')]))
            .Where(w => w.Length > 0)
            .ToList();
        if (words.Count < 2)
        {
            return [];
        }
        var last = words[^1];
        var initials = string.Concat(words.Take(words.Count - 1).Select(w => char.ToUpperInvariant(w[0])));
        var keys = new List<string> { $"{last} {initials[0]}" };
        if (initials.Length > 1)
        {
            keys.Add($"{last} {initials}");
        }
        return keys;
    }

    /// <summary>Words a specialty's papers carry in their titles (MeSH-like, folded, matched as word starts).</summary>
    private static readonly Dictionary<string, string[]> TitleStems = new(StringComparer.Ordinal)
    {
        ["medical_oncology"] = ["cancer", "oncolog", "tumo", "carcinom", "metasta", "chemotherap", "immunotherap", "neoplas"],
        ["radiation_oncology"] = ["radiotherap", "radiation", "cancer", "tumo", "proton"],
        ["breast_surgery"] = ["breast", "mastectom", "lumpectom"],
        ["hematology"] = ["leukemi", "leukaemi", "lymphom", "myelom", "anemi", "anaemi", "hemato", "haemato", "thromb", "sickle"],
        ["cardiology"] = ["cardi", "heart", "coronary", "atrial", "myocard", "hypertens", "vascular"],
        ["endocrinology"] = ["diabet", "insulin", "glyc", "thyroid", "obesity", "endocrin", "glp-1"],
        ["neurology"] = ["neuro", "stroke", "epilep", "migraine", "sclerosis", "parkinson", "alzheimer", "dementia", "seizure"],
        ["infectious_disease"] = ["infect", "antimicrob", "antibiot", "hiv", "sepsis", "vaccin", "viral", "bacter", "tubercul", "covid"],
        ["pulmonology"] = ["pulmon", "lung", "asthma", "copd", "respirat", "fibrosis"],
        ["rheumatology"] = ["rheumat", "arthritis", "lupus", "vasculitis", "gout", "spondyl"],
        ["psychiatry"] = ["psychiat", "depress", "schizophren", "bipolar", "anxiety", "mental", "suicid"],
        ["family_medicine"] = ["primary care", "general practice", "family medicine"],
        ["emergency_medicine"] = ["emergency", "trauma", "resuscitat", "prehospital"],
        ["internal_medicine"] = ["hospital", "inpatient", "internal medicine"],
        ["pediatrics"] = ["child", "pediatr", "paediatr", "infant", "neonat", "adolescen"],
        ["gastroenterology"] = ["gastro", "bowel", "liver", "hepat", "colitis", "crohn", "colorectal"],
        ["nephrology"] = ["kidney", "renal", "dialysis", "nephr"],
        ["dermatology"] = ["skin", "dermat", "psoria", "eczema", "melanoma"],
        ["obstetrics_gynecology"] = ["pregnan", "obstet", "gynec", "gynaec", "matern", "ovari", "uter"],
    };

    /// <summary>The title words of a specialty (for PubMed searches), empty when unknown.</summary>
    public static IReadOnlyList<string> TitleWords(string? specialty) =>
        specialty is not null && TitleStems.TryGetValue(specialty, out var stems) ? [.. stems.Where(s => !s.Contains(' ', StringComparison.Ordinal))] : [];

    /// <summary>True when the title carries words of the person's specialty (for researchers without one: of any specialty).</summary>
    /// <param name="title">The paper's title.</param>
    /// <param name="specialty">The person's specialty key (e.g. <c>medical_oncology</c>), if known.</param>
    /// <param name="profession">The person's profession key (e.g. <c>researcher</c>).</param>
    public static bool TitleFitsSpecialty(string title, string? specialty, string? profession)
    {
        var folded = " " + SpecialtyLexicon.Fold(title);
        bool Has(string[] stems) => stems.Any(stem => folded.Contains(" " + stem, StringComparison.Ordinal) || folded.Contains("-" + stem, StringComparison.Ordinal));
        if (specialty is not null)
        {
            return TitleStems.TryGetValue(specialty, out var stems) && Has(stems);
        }
        return profession == HcpLabels.Researcher && TitleStems.Values.Any(Has);
    }

    /// <summary>
    /// Whether a publication's title names the profile's topic: a keyword as whole words
    /// (case-insensitive), or a topic hashtag of four or more letters found in the title's letters
    /// run together ("#breastcancer" in "Breast cancer screening in…").
    /// </summary>
    public static bool TitleNamesTopic(string title, IReadOnlyCollection<string> topicTags, IReadOnlyCollection<string> keywords)
    {
        var squashed = string.Concat(title.Where(char.IsLetterOrDigit)).ToLowerInvariant();
        if (topicTags.Any(tag => tag.Length >= 4 && squashed.Contains(tag, StringComparison.Ordinal)))
        {
            return true;
        }
        var words = System.Text.RegularExpressions.Regex.Split(title.ToLowerInvariant(), @"[^\p{L}\p{Nd}]+").Where(w => w.Length > 0).ToArray();
        var joined = " " + string.Join(' ', words) + " ";
        return keywords.Select(k => System.Text.RegularExpressions.Regex.Split(k.ToLowerInvariant(), @"[^\p{L}\p{Nd}]+").Where(w => w.Length > 0))
            .Where(k => k.Any())
            .Any(k => joined.Contains(" " + string.Join(' ', k) + " ", StringComparison.Ordinal));
    }
}
