using System.Text.RegularExpressions;

namespace DolMapper.Scoring.Hcp;

/// <summary>
/// Domain cues the classifier reads beside the raw words: credentials in the forms people write
/// them (case matters: "MD" after a name is a degree, "Baltimore, MD" is a state), titles, and
/// role words in the six languages of the corpus. Each cue is one token the model weighs like a
/// word, so it learns, for example, that "Dr" plus "physics" is not a physician; and each is
/// readable when it explains a classification.
/// </summary>
public static class HcpCues
{
    /// <summary>Changes whenever the cues change, so stored models are trained again (<see cref="HcpCorpus.Fingerprint"/>).</summary>
    public const int Version = 2;

    private static Regex Words(params string[] words) =>
        new(@"(?<![\p{L}\p{N}])(?:" + string.Join("|", words.Select(Regex.Escape)) + @")(?![\p{L}\p{N}])", RegexOptions.CultureInvariant);

    private static Regex FoldedWords(params string[] words) =>
        new(@"(?<![\p{L}\p{N}])(?:" + string.Join("|", words.Select(Regex.Escape)) + @")", RegexOptions.CultureInvariant);

    // Case-sensitive credentials, matched in the display name and the bio.
    private static readonly Regex PhysicianCredential = Words("MD", "M.D.", "MBBS", "MBChB", "MB BCh", "MBBCh", "FRCP", "FRCPC", "FRACP", "FACP", "FACC", "FASCO", "FACS", "FRCS", "MRCP", "MRCGP", "MRCS", "FACEP", "FAAP", "FRCPath", "FRCR", "FCPS", "MRCPCH", "FESC", "DO");
    private static readonly Regex NurseCredential = Words("RN", "BSN", "MSN", "NP", "NP-C", "FNP", "FNP-C", "FNP-BC", "APRN", "ARNP", "DNP", "CRNA", "RGN", "RMN", "RSCN", "CNM", "LPN", "OCN", "CCRN", "CEN", "CPN", "CNOR", "CFRN", "RM", "IDE", "IPA", "IADE");
    private static readonly Regex PharmacistCredential = Words("PharmD", "RPh", "MPharm", "BCOP", "BCPS", "BCIDP", "BCCCP", "MRPharmS", "BCACP", "BCGP", "BCPPS", "MPSI");
    private static readonly Regex OtherCredential = Words("PA-C", "RD", "DPT", "SLP", "CCC-SLP", "CGC", "DDS", "DMD", "BDS", "OD", "RRT", "EMT", "EMT-P", "LCSW", "PsyD", "AuD", "DPM", "IBCLC", "ODP", "RDH", "CDCES", "ATC", "CCLS", "CSO", "MLS", "CPhT", "OT", "PT");
    private static readonly Regex ResearchCredential = Words("PhD", "Ph.D.", "DPhil", "ScD", "MPH", "MSc", "Dr. rer. nat.", "Dr. phil.");
    private static readonly Regex DoctorTitle = new(@"(?<![\p{L}])(?:Dr|Dra|Dr\.|Dra\.|Doctor|Doc|Dott|Dott\.ssa|Dott\.|Pr|Prof|Prof\.|PD Dr)(?![\p{L}])", RegexOptions.CultureInvariant);
    // Emoji people put beside their name to say what they do (stethoscope, syringe, pill, microscope, DNA, tooth, anatomical heart, brain).
    private static readonly Regex HealthEmoji = new("🩺|💉|💊|🔬|🧬|🦷|🫀|🧠|⚕", RegexOptions.CultureInvariant);
    private static readonly Regex UsStateMd = new(@"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?,\s*MD\b|\bMD\s*\(|\bMD born\b|\b(?:MD|Maryland) (?:born|native|mom|dad|area)\b", RegexOptions.CultureInvariant);

    // Role words, matched on folded text (lower case, no accents).
    private static readonly Regex PhysicianWords = FoldedWords("physician", "doctor", "medico", "medica", "medecin", "arzt", "arztin", "lekarz", "lakare", "lege", "laege", "laeke", "huisarts", "attending", "consultant", "registrar", "resident", "house officer", "foundation year", "fy1", "fy2", "f2 doctor", "pgy", "junior doctor", "medical officer", "specialist registrar", "facharzt", "fachärztin", "oberarzt", "specializzando", "residente", "interno de medicina", "medicin", "tip doktoru", "uzmani", "clinician", "surgeon", "chirurg", "cirujan", "doc.", "doc ", "fellow", "program director", "programme director", "residency program", "fellowship director", "clerkship director", "chief of medicine");
    private static readonly Regex NurseWords = FoldedWords("nurse", "nursing", "enfermer", "enfermeir", "sestra", "infirmier", "infirmiere", "infermier", "pflege", "krankenschwester", "sykepleier", "sairaanhoitaja", "midwife", "midwives", "matrona", "sage-femme", "medicinska sestra", "puericultrice", "staff nurse", "charge nurse");
    private static readonly Regex PharmacistWords = FoldedWords("pharmacist", "pharmacy", "farmaceut", "pharmacien", "apothek", "farmacist", "farmacia", "pharmazie", "薬剤師", "φαρμακοποιος", "quimico farmaceutico");
    private static readonly Regex ResearcherWords = FoldedWords("researcher", "research scientist", "research fellow", "scientist", "epidemiolog", "postdoc", "post-doc", "postdoctoral", "principal investigator", "pi,", "lab head", "biostatistic", "investigador", "investigadora", "chercheu", "ricercat", "wissenschaftler", "forskare", "forscher", "pesquisador", "cientifico", "directeur de recherche", "phd student", "phd candidate", "research associate", "lab.", "our lab", "lab +", "lab head", "bioinformatic");
    private static readonly Regex OtherHcpWords = FoldedWords("physician assistant", "physician associate", "genetic counselor", "genetic counsellor", "paramedic", "dietitian", "dietician", "physical therapist", "physiotherapist", "occupational therapist", "speech therapist", "speech-language", "speech and language therapist", "respiratory therapist", "radiographer", "sonographer", "optometrist", "audiologist", "podiatrist", "dentist", "dental hygienist", "psychologist", "clinical social worker", "perfusionist", "anaesthesia associate", "surgical assistant", "athletic trainer", "lactation consultant", "child life specialist", "medical laboratory scientist", "orthoptist", "chiropodist", "operating department practitioner", "pharmacy technician", "anesthesiologist assistant", "anaesthetist assistant", "pa in ", "pa at ", "pa student", "podolog", "logopad", "logoped", "fisioterapeut", "physiotherapeut", "ergotherapeut", "kinesitherapeute", "orthophonist", "dietist", "nutricionista", "optometrist", "tecnico en emergencias", "rettungssanitater", "notfallsanitater", "ambulancier", "psychotherapist", "psychotherapeut", "psicoterapeut", "counsellor", "art therapist", "music therapist");
    private static readonly Regex StudentWords = FoldedWords("medical student", "med student", "med school", "medical school", "ms1", "ms2", "ms3", "ms4", "oms-", "md candidate", "premed", "pre-med", "estudiante de medicina", "etudiant en medecine", "etudiante en medecine", "externe en medecine", "medizinstudent", "studentessa di medicina", "studente di medicina", "estudante de medicina", "student nurse", "nursing student", "pharmacy student", "pharmd student", "pa student", "pa-s", "dental student", "mbbs student", "medic at", "medic.", "academico de medicina", "laurean", "lakarstudent", "geneeskundestudent", "student la medicina", "studentka medycyny", "tip ogrencisi", "医学生", "pjler", "famulatur", "graduate-entry medic", "final year med", "4th year medical", "matched!");
    // "survivor" and not "survivorship" (a field of research and care, not a person's story).
    private static readonly Regex PatientWords = new(FoldedWords("living with", "survivor", "warrior", "thriver", "caregiver", "carer", "caring for", "patient advocate", "patient voice", "patient partner", "patient research", "patient expert", "patient rep", "e-patient", "diagnosed", "stage iv", "stage 4", "stage iii", "my son", "my daughter", "mom of a", "mum of a", "mom to a", "mum to a", "previvor", "spoonie", "lived experience", "recovery", "transplant recipient", "on dialysis", "paciente", "patiente", "patientin", "paziente", "vivo con", "vivo com", "leben mit", "lever med", "atteinte", "atteint de", "sobreviviente", "since 20", "#bcsm", "#lcsm").ToString().Replace("survivor", "survivor(?!ship)", StringComparison.Ordinal), RegexOptions.CultureInvariant);
    // Words an organisation speaks with. A workplace ("hospital", "trust", "department of") is not one:
    // "Cardiologist at a safety-net hospital" is a clinician; hospital accounts say "official", "our", "we".
    private static readonly Regex OrganisationWords = FoldedWords("official account", "charity", "foundation", "fundacion", "fondation", "fondazione", "fundacao", "stiftung", "society", "association", "asociacion", "associazione", "alliance", "network", "institute", "journal of", "official journal", "a journal", "peer-reviewed journal", "open access journal", "open-access journal", "journal publishing", "medical journal", "we're", "we are", "our ", "helpline", "registered charity", "not intended for", "adverse event", "healthcare professionals only", "for us audiences", "for uk audiences", "company", "biotech", "biopharma", "pharmaceutical", "newsroom", "news", "peer-reviewed", "preprint", "agency", "official", "nonprofit", "non-profit", "organisation", "organization", "conta oficial", "account ufficiale");
    private static readonly Regex NotClinicalWords = FoldedWords("not that kind of doctor", "not a doctor", "not a medic", "not a nurse", "not a clinician", "not a dietitian", "not a therapist", "not medical care", "not the", "nursing my", "nursing a ", "nursing a hangover", "doctor who", "script doctor", "spin doctor", "fan club", "fan page", "fan account", "physics", "physicist", "historian", "history", "economist", "engineer", "engineering", "chemist", "geolog", "mathematic", "philosoph", "theology", "ministry", "education", "linguist", "literature", "letras", "ingegner", "musical arts", "astrophysic", "ecolog", "jur.", "dottore di ricerca", "dr. phil", "business administration", "sales ", "sales,", "sales.", "rep ", "rep.", "marketing", "brand manager", "medical science liaison", "msl ", "account manager", "key account", "recruit", "influencer", "coach", "#ad", "sponsored", "affiliate", "deals", "discount", "promo", "link in bio", "use code", "realtor", "satire", "memes", "podcast", "streamer", "cosplay", "not financial advice", "wellness", "detox", "herbal", "homeopath", "naturopath", "reiki", "crystals");

    // A fan account or fan page: "fan" in the display name (a hobby in a bio says nothing about a role).
    private static readonly Regex FanName = new(@"(?<![\p{L}\p{N}])(?:fan|fans|fanpage|stan account)(?![\p{L}\p{N}])", RegexOptions.CultureInvariant);

    /// <summary>The cue tokens for a profile, space-separated (empty when none).</summary>
    public static string Extract(string? name, string? bio)
    {
        name ??= "";
        bio ??= "";
        var cues = new List<string>(8);
        void Credential(Regex pattern, string cue)
        {
            if (pattern.IsMatch(name))
            {
                cues.Add(cue + "name");
            }
            else if (pattern.IsMatch(bio))
            {
                cues.Add(cue + "bio");
            }
        }
        var bioWithoutState = UsStateMd.Replace(bio, " ");
        if (!ReferenceEquals(bioWithoutState, bio) && bioWithoutState != bio)
        {
            cues.Add("cueusstatemd");
        }
        if (PhysicianCredential.IsMatch(name))
        {
            cues.Add("cuephysiciancredentialname");
        }
        else if (PhysicianCredential.IsMatch(bioWithoutState))
        {
            cues.Add("cuephysiciancredentialbio");
        }
        Credential(NurseCredential, "cuenursecredential");
        Credential(PharmacistCredential, "cuepharmacistcredential");
        Credential(OtherCredential, "cueotherhcpcredential");
        Credential(ResearchCredential, "cueresearchcredential");
        if (DoctorTitle.IsMatch(name))
        {
            cues.Add("cuedoctortitle");
        }
        if (HealthEmoji.IsMatch(name))
        {
            cues.Add("cuehealthemojiname");
        }
        var folded = SpecialtyLexicon.Fold($"{name} | {bio}") + " ";
        void Words(Regex pattern, string cue)
        {
            if (pattern.IsMatch(folded))
            {
                cues.Add(cue);
            }
        }
        Words(PhysicianWords, "cuephysicianword");
        Words(NurseWords, "cuenurseword");
        Words(PharmacistWords, "cuepharmacistword");
        Words(ResearcherWords, "cueresearcherword");
        Words(OtherHcpWords, "cueotherhcpword");
        Words(StudentWords, "cuestudentword");
        Words(PatientWords, "cuepatientword");
        Words(OrganisationWords, "cueorganisationword");
        Words(NotClinicalWords, "cuenotclinicalword");
        if (FanName.IsMatch(SpecialtyLexicon.Fold(name) + " "))
        {
            cues.Add("cuefanname");
        }
        if (SpecialtyLexicon.Find($"{name} {bio}") is { } specialty)
        {
            cues.Add("cuespecialtyterm");
            if (SpecialtyLexicon.NamesAPerson(specialty.Term))
            {
                // "oncologist", "Kardiologin", "rad onc": a person, where "oncology" may be a department.
                cues.Add("cuespecialistperson");
            }
        }
        return string.Join(' ', cues);
    }

    /// <summary>What a cue token means, for explanations.</summary>
    public static string Describe(string cue) => cue switch
    {
        "cueusstatemd" => "“MD” as the US state",
        "cuephysiciancredentialname" => "physician credential in the name",
        "cuephysiciancredentialbio" => "physician credential in the bio",
        "cuenursecredentialname" or "cuenursecredentialbio" => "nursing credential",
        "cuepharmacistcredentialname" or "cuepharmacistcredentialbio" => "pharmacy credential",
        "cueotherhcpcredentialname" or "cueotherhcpcredentialbio" => "allied-health credential",
        "cueresearchcredentialname" or "cueresearchcredentialbio" => "research degree",
        "cuedoctortitle" => "“Dr”/“Prof” title",
        "cuehealthemojiname" => "a health emoji in the name",
        "cuephysicianword" => "physician role words",
        "cuenurseword" => "nursing role words",
        "cuepharmacistword" => "pharmacy role words",
        "cueresearcherword" => "research role words",
        "cueotherhcpword" => "allied-health role words",
        "cuestudentword" => "student words",
        "cuepatientword" => "patient/caregiver words",
        "cueorganisationword" => "organisation words",
        "cuenotclinicalword" => "non-clinical context words",
        "cuespecialtyterm" => "names a medical specialty",
        "cuespecialistperson" => "names a specialist (a person, not a department)",
        "cuefanname" => "“fan” in the name",
        _ => cue,
    };
}
