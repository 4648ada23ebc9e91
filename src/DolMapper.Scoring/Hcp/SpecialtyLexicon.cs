using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DolMapper.Scoring.Hcp;

/// <summary>
/// Specialty extraction for physicians: a multilingual lexicon of how specialists describe
/// themselves ("oncologist", "rad onc", "Kardiologin", "oncóloga", "médecin généraliste", "GP").
/// The most specific (longest) term found wins, then the earliest; the term is kept as evidence.
/// A lexicon rather than a model because the terms are few, known and must be explainable.
/// </summary>
public static class SpecialtyLexicon
{
    /// <summary>Specialty keys and their terms, lower case and without accents.</summary>
    public static IReadOnlyList<(string Key, string[] Terms)> Entries { get; } =
    [
        ("radiation_oncology", ["radiation oncologist", "radiation oncology", "rad onc", "radonc", "radiotherapeute", "radiotherapie", "strahlentherapeut", "strahlentherapeutin", "oncologo radioterapico", "radioterapista", "radio-oncologista", "clinical oncologist"]),
        ("breast_surgery", ["breast surgeon", "breast surgical oncologist", "surgical oncologist", "oncoplastic breast surgeon", "cirujana de mama", "cirujano de mama", "chirurgienne du sein", "chirurgienne senologue", "chirurgien senologue", "brustchirurgin", "brustchirurg", "chirurgo senologo", "mastologista"]),
        ("hematology", ["hematologist", "haematologist", "hematology", "haematology", "heme/onc", "hem/onc", "heme-onc", "hematologist-oncologist", "myeloma doc", "myeloma specialist", "hematologa", "hematologo", "hematologue", "hamatologe", "hamatologin", "ematologo", "ematologa", "hematologista", "hematopathologist", "hematolog"]),
        ("medical_oncology", ["medical oncologist", "oncologist", "oncology consultant", "onc attending", "oncologa", "oncologo", "oncologue", "onkologe", "onkologin", "onkolog", "oncologista", "hamatologie und onkologie", "gyn oncologist", "ginecologa oncologa", "thoracic oncologist", "breast oncologist", "gi oncologist", "gu medical oncologist", "pediatric oncologist", "oncologia medica", "onc"]),
        ("cardiology", ["cardiologist", "cardiology", "cardiac electrophysiologist", "electrophysiologist", "cardiologa", "cardiologo", "cardiologue", "kardiologe", "kardiologin", "kardiolog", "cardioloog", "cardiologista", "cards fellow", "cardiology fellow", "heart failure cardiologist", "interventional cardiologist", "кардиолог"]),
        ("endocrinology", ["endocrinologist", "endocrinology", "diabetologist", "endo", "endocrinologa", "endocrinologo", "endocrinologue", "diabetologue", "endocrinologue-diabetologue", "endokrinologin", "endokrinologe", "diabetologe", "diabetologa", "endocrinologista", "endokrinoloji", "diabetes doc", "thyroid and adrenal"]),
        ("neurology", ["neurologist", "neurology", "neurologa", "neurologo", "neurologue", "neurologe", "neurologin", "neurologista", "neurologi", "epileptologist", "headache specialist", "stroke attending", "neurohospitalist", "headache medicine", "neuro-ophthalmology", "movement disorders neurologist"]),
        ("infectious_disease", ["infectious diseases physician", "infectious disease physician", "infectious diseases specialist", "infectious diseases", "infectious disease", "id physician", "id doc", "id specialist", "id fellow", "id consult", "hiv physician", "infectologa", "infectologo", "infectiologue", "infektiologe", "infettivologa", "infettivologo", "infectologista", "transplant id"]),
        ("pulmonology", ["pulmonologist", "pulmonology", "pulm/crit", "pulm/cc", "pccm", "respiratory physician", "chest physician", "neumologa", "neumologo", "pneumologue", "pneumologin", "pneumologe", "pneumologo", "pneumologista", "sleep medicine physician"]),
        ("rheumatology", ["rheumatologist", "rheumatology", "rheum doc", "reumatologa", "reumatologo", "rhumatologue", "rheumatologin", "rheumatologe", "reumatologista", "reumatolog"]),
        ("psychiatry", ["psychiatrist", "psychiatry", "psiquiatra", "psychiatre", "psychiater", "psychiaterin", "psichiatra", "psykiater", "shrink", "facharzt fur psychiatrie"]),
        ("family_medicine", ["family physician", "family medicine", "family doctor", "family doc", "general practitioner", "gp", "primary care doc", "primary care physician", "medica de familia", "medico de familia", "medico de cabecera", "medecin generaliste", "hausarztin", "hausarzt", "allgemeinmediziner", "allgemeinmedizin", "medico di base", "medico di medicina generale", "medico di famiglia", "medica de familia", "medicina geral e familiar", "huisarts", "allmanlakare", "rural gp", "mrcgp", "lekarz rodzinny", "prakticka lekarka", "medic de familie"]),
        ("emergency_medicine", ["emergency physician", "emergency medicine", "em doc", "er doc", "er doctor", "em attending", "em resident", "ed consultant", "medico de urgencias", "medica de urgencias", "urgentiste", "notarztin", "notfallmediziner", "medico di pronto soccorso", "medico emergencista", "acil tip"]),
        ("internal_medicine", ["internist", "internal medicine", "hospitalist", "general internist", "general medicine", "internista", "medecine interne", "acute medicine"]),
        ("pediatrics", ["pediatrician", "paediatrician", "pediatrics", "paediatrics", "peds", "paeds", "neonatologist", "pediatra", "pediatre", "kinderarzt", "kinderarztin", "pediatric hospitalist"]),
        ("gastroenterology", ["gastroenterologist", "gastroenterology", "hepatologist", "gi doc", "gastroenterolog", "mdl-arts", "gastroenterologo"]),
        ("nephrology", ["nephrologist", "nephrology", "nefrologo", "nefrologista", "nephrologue", "nephrologe"]),
        ("dermatology", ["dermatologist", "dermatology", "dermatologa", "dermatologo", "dermatologin", "dermatologue"]),
        ("obstetrics_gynecology", ["ob/gyn", "obgyn", "ob-gyn", "obstetrician", "gynecologist", "gynaecologist", "ginecologa", "ginecologo", "gynecologue", "nogyogyasz", "maternal-fetal medicine"]),
        ("general_surgery", ["general surgeon", "colorectal surgeon", "trauma surgeon", "acute care surgeon", "hepatobiliary surgeon", "upper gi", "surgery resident", "chirurgo generale", "cirujano general"]),
        ("anesthesiology", ["anesthesiologist", "anaesthetist", "anesthesiology", "anaesthesia", "anestesiologa", "anestesiologo", "anasthesistin", "anasthesist"]),
        ("radiology", ["radiologist", "radiology", "breast imager", "neuroradiologist", "interventional radiologist", "radiologo"]),
        ("pathology", ["pathologist", "pathology", "dermatopathologist"]),
        ("critical_care", ["intensivist", "intensive care", "critical care", "icu doc", "medico intensivista", "medica intensivista"]),
        ("palliative_care", ["palliative care", "palliative medicine", "hospice and palliative", "cuidados paliativos"]),
        ("geriatrics", ["geriatrician", "geriatrics", "geriatre"]),
        ("urology", ["urologist", "urologista", "urology"]),
        ("ophthalmology", ["ophthalmologist", "eye surgeon", "retina specialist", "oftalmologa", "oftalmologo"]),
        ("orthopedics", ["orthopedic surgeon", "orthopaedic surgeon", "traumatologo"]),
    ];

    private static readonly string[] FieldEndings =
        ["ology", "ologia", "ologie", "medicine", "medizin", "medicina", "medecine", "care", "ics", "iatry", "anaesthesia", "disease", "diseases", "consult", "radiotherapie", "surgery", "imaging"];

    /// <summary>
    /// Whether a lexicon term names a person ("oncologist", "Onkologin", "rad onc", "GP") rather
    /// than a field or a department ("oncology", "family medicine", "intensive care").
    /// </summary>
    public static bool NamesAPerson(string term) => !FieldEndings.Any(e => term.EndsWith(e, StringComparison.Ordinal));

    private static readonly (string Key, string Term, Regex Pattern)[] Compiled =
        [.. Entries.SelectMany(e => e.Terms.Select(t => (e.Key, t, new Regex(@"(?<![\p{L}\p{N}])" + Regex.Escape(t) + @"(?![\p{L}\p{N}])", RegexOptions.CultureInvariant))))];

    /// <summary>
    /// The specialty named in <paramref name="text"/> (display name and bio) and the term that named
    /// it, or null when none is named.
    /// </summary>
    public static (string Key, string Term)? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var folded = Fold(text);
        (string Key, string Term, int Index)? best = null;
        foreach (var (key, term, pattern) in Compiled)
        {
            var match = pattern.Match(folded);
            if (!match.Success)
            {
                continue;
            }
            if (best is null || term.Length > best.Value.Term.Length || (term.Length == best.Value.Term.Length && match.Index < best.Value.Index))
            {
                best = (key, term, match.Index);
            }
        }
        return best is null ? null : (best.Value.Key, best.Value.Term);
    }

    /// <summary>Lower case without diacritics ("Oncóloga" → "oncologa", "Hämatologe" → "hamatologe").</summary>
    public static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }
        return builder.ToString().Normalize(NormalizationForm.FormC).Replace('ß', 's');
    }
}
