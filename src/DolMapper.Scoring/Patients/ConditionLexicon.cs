using System.Text.RegularExpressions;

namespace DolMapper.Scoring.Patients;

/// <summary>A condition patients and caregivers talk about, its therapy area and its words in the corpora's languages.</summary>
public sealed record Condition(string Key, string Area, string Name, IReadOnlyList<string> Terms);

/// <summary>
/// The conditions a patient influencer's bio and posts talk about (docs/patients.md, to come with
/// issue 22's patient profiles): a multilingual lexicon mapped to the therapy areas the specialty
/// lexicon uses. A lexicon rather than a model because the terms are few, known and must be
/// explainable; terms are matched as whole words, case- and accent-insensitive, and hashtags count
/// ("#bcsm", "#T1D"). What it finds is worded as "talks about …", never "has …": people publish
/// about conditions they live with, care for, work on or campaign about.
/// </summary>
public static class ConditionLexicon
{
    /// <summary>Every condition, with its terms (lower case, without accents).</summary>
    public static IReadOnlyList<Condition> All { get; } =
    [
        new("breast_cancer", "oncology", "breast cancer", ["breast cancer", "mbc", "bcsm", "metastatic breast cancer", "her2+", "tnbc", "triple negative", "cancer de mama", "cancer de seno", "cancer du sein", "brustkrebs", "mammakarzinom", "cancro al seno", "tumore al seno", "cancer de mama", "cancro da mama"]),
        new("lung_cancer", "oncology", "lung cancer", ["lung cancer", "lcsm", "nsclc", "sclc", "egfr+", "alk+", "cancer de pulmon", "cancer du poumon", "lungenkrebs", "tumore al polmone", "cancro del polmone", "cancer de pulmao"]),
        new("colorectal_cancer", "oncology", "colorectal cancer", ["colorectal cancer", "colon cancer", "bowel cancer", "crcsm", "cancer colorrectal", "cancer colorectal", "darmkrebs", "tumore del colon"]),
        new("cancer", "oncology", "cancer", ["cancer", "cancer survivor", "cancersurvivor", "chemo", "metsmonday", "oncology patient", "krebs", "cancro", "tumore"]),
        new("heart_failure", "cardiology", "heart failure", ["heart failure", "hfref", "hfpef", "insuficiencia cardiaca", "insuffisance cardiaque", "herzinsuffizienz", "scompenso cardiaco", "insuficiencia cardíaca"]),
        new("heart_disease", "cardiology", "heart disease", ["heart disease", "heart attack", "afib", "atrial fibrillation", "congenital heart", "chd", "heart health", "hearthealth", "womenheart", "cardiopatia", "infarto", "maladie cardiaque", "herzkrankheit", "herzinfarkt", "vorhofflimmern"]),
        new("type_1_diabetes", "diabetes", "type 1 diabetes", ["type 1 diabetes", "type 1 diabetic", "t1d", "t1diabetes", "diabetes tipo 1", "diabete de type 1", "typ-1-diabetes", "diabete di tipo 1"]),
        new("type_2_diabetes", "diabetes", "type 2 diabetes", ["type 2 diabetes", "t2d", "prediabetes", "diabetes tipo 2", "diabete de type 2", "typ-2-diabetes", "diabete di tipo 2"]),
        new("diabetes", "diabetes", "diabetes", ["diabetes", "diabetic", "insulin4all", "#doc", "gbdoc", "cgm", "insulin pump", "diabete", "diabetico", "diabetica", "diabetique", "diabetiker", "diabetikerin"]),
        new("multiple_sclerosis", "neurology", "multiple sclerosis", ["multiple sclerosis", "ms warrior", "mssky", "msfighter", "esclerosis multiple", "sclerose en plaques", "multiple sklerose", "sclerosi multipla", "esclerose multipla"]),
        new("migraine", "neurology", "migraine", ["migraine", "chronic migraine", "migraineawareness", "migrana", "migraña", "migrane", "migräne", "emicrania", "enxaqueca"]),
        new("epilepsy", "neurology", "epilepsy", ["epilepsy", "seizures", "epilepsyawareness", "epilepsia", "epilepsie", "epilessia"]),
        new("parkinsons", "neurology", "Parkinson's", ["parkinson's", "parkinsons", "parkinson", "morbus parkinson"]),
        new("dementia", "neurology", "dementia", ["dementia", "alzheimer's", "alzheimers", "alzheimer", "demencia", "demence", "demenz", "demenza"]),
        new("long_covid", "infectious_disease", "long COVID", ["long covid", "longcovid", "long-haul covid", "post-covid", "covid persistante", "covid persistente"]),
        new("hiv", "infectious_disease", "HIV", ["hiv", "living with hiv", "hiv+", "u=u", "vih", "vih+"]),
        new("asthma", "respiratory", "asthma", ["asthma", "asthmatic", "asthmaawareness", "asma", "asthme", "asthmatique", "asthmatiker"]),
        new("copd", "respiratory", "COPD", ["copd", "emphysema", "epoc", "bpco", "copdawareness"]),
        new("cystic_fibrosis", "respiratory", "cystic fibrosis", ["cystic fibrosis", "cf warrior", "65roses", "fibrosis quistica", "mucoviscidose", "mukoviszidose", "fibrosi cistica"]),
        new("lupus", "rheumatology", "lupus", ["lupus", "lupuswarrior", "sle", "lupus eritematoso", "lupus erythemateux"]),
        new("rheumatoid_arthritis", "rheumatology", "rheumatoid arthritis", ["rheumatoid arthritis", "rheumatoid", "rheum warrior", "artritis reumatoide", "polyarthrite rhumatoide", "rheumatoide arthritis", "artrite reumatoide"]),
        new("chronic_illness", "rheumatology", "chronic illness", ["chronic illness", "chronicillness", "spoonie", "chronic pain", "fibromyalgia", "ehlers-danlos", "#eds", "enfermedad cronica", "maladie chronique", "chronisch krank"]),
        new("depression", "mental_health", "depression", ["depression", "depressed", "depresion", "depressao", "depressione", "dépression"]),
        new("anxiety", "mental_health", "anxiety", ["anxiety", "panic attacks", "ansiedad", "anxiete", "angststorung", "ansia", "ansiedade"]),
        new("mental_health", "mental_health", "mental health", ["mental health", "mentalhealthmatters", "endthestigma", "bipolar", "ptsd", "adhd", "eating disorder", "salud mental", "sante mentale", "psychische gesundheit", "salute mentale", "saude mental"]),
    ];

    // A term written with '#' ("#doc") counts only as a hashtag (the word alone means something else);
    // any other term counts as words or as a hashtag.
    private static readonly (Condition Condition, Regex Pattern)[] Patterns = [.. All.Select(c => (c, Pattern(c.Terms)))];

    private static Regex Pattern(IEnumerable<string> terms)
    {
        static string Alternation(IEnumerable<string> ts) => string.Join("|", ts.Select(Fold).Distinct().OrderByDescending(t => t.Length).Select(Regex.Escape));
        var hashOnly = terms.Where(t => t.StartsWith('#')).Select(t => t[1..]).ToList();
        var words = terms.Where(t => !t.StartsWith('#')).ToList();
        var parts = new List<string>();
        if (words.Count > 0)
        {
            parts.Add("#?(?:" + Alternation(words) + ")");
        }
        if (hashOnly.Count > 0)
        {
            parts.Add("#(?:" + Alternation(hashOnly) + ")");
        }
        return new Regex(@"(?<![\p{L}\p{N}#])(?:" + string.Join("|", parts) + @")(?![\p{L}\p{N}])", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>The therapy areas the lexicon maps conditions to.</summary>
    public static IReadOnlyList<string> Areas { get; } = [.. All.Select(c => c.Area).Distinct()];

    /// <summary>The conditions <paramref name="text"/> talks about, most specific first (a named cancer before "cancer"), each once.</summary>
    public static IReadOnlyList<Condition> Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var folded = Fold(text);
        return [.. Patterns.Where(p => p.Pattern.IsMatch(folded)).Select(p => p.Condition)];
    }

    /// <summary>True when <paramref name="text"/> talks about a condition of <paramref name="area"/>.</summary>
    public static bool TalksAbout(string? text, string area) => Find(text).Any(c => c.Area == area);

    /// <summary>How a condition is said of a person: "talks about breast cancer" — never "has".</summary>
    public static string Wording(Condition condition) => $"talks about {condition.Name}";

    /// <summary>Lower case without accents, so "Migräne" and "migrane", "cáncer" and "cancer" meet (the specialty lexicon's folding).</summary>
    public static string Fold(string text) => Hcp.SpecialtyLexicon.Fold(text);
}
