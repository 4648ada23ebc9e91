namespace DolMapper.Web.Demo;

/// <summary>A therapy area: what people in it talk about, tag and attend.</summary>
public sealed record TherapyArea(
    string Key,
    string[] Keywords,
    string[] Hashtags,
    Conference[] Conferences,
    string[] PatientHashtags);

/// <summary>A congress: its hashtag and dates (posting bursts around them).</summary>
public sealed record Conference(string Name, string Hashtag, DateOnly Start, int Days);

public sealed record Specialty(string Key, string Area, string[] English, string[] Spanish, string[] French, string[] German, string[] Italian, string[] Portuguese);

public sealed record Country(string Code, double Weight, string Language, string[] Places, string[] Nonsense);

/// <summary>
/// The words of the demo world. Written from how HCPs, patients and organisations actually present
/// themselves online (credential styles, disclaimers, languages, emoji), not from what a scorer
/// looks for; documented in docs/demo-world.md.
/// </summary>
public static class WorldVocabulary
{
    public static readonly TherapyArea[] Areas =
    [
        new("oncology",
            ["breast cancer", "HER2", "immunotherapy", "checkpoint inhibitors", "ctDNA", "lung cancer", "EGFR", "CAR-T", "metastatic", "adjuvant chemo", "survivorship", "ADCs"],
            ["oncology", "bcsm", "lcsm", "OncTwitter", "breastcancer", "lungcancer", "immunotherapy", "MedOnc", "crcsm"],
            [new("SABCS 2025", "SABCS25", new(2025, 12, 9), 4), new("ASCO 2026", "ASCO26", new(2026, 5, 29), 5), new("ESMO 2026", "ESMO26", new(2026, 10, 16), 5)],
            ["bcsm", "lcsm", "CancerSurvivor", "metsmonday"]),
        new("cardiology",
            ["heart failure", "SGLT2 inhibitors", "atrial fibrillation", "hypertension", "statins", "TAVR", "LDL", "cardiac rehab", "lipoprotein(a)", "HFpEF"],
            ["CardioTwitter", "cardiology", "heartfailure", "AFib", "hypertension", "CardioEd", "cardiotwitter"],
            [new("ACC 2026", "ACC26", new(2026, 3, 28), 3), new("ESC Congress 2026", "ESCCongress", new(2026, 8, 28), 4), new("AHA 2025", "AHA25", new(2025, 11, 8), 3)],
            ["HeartHealth", "WomenHeart"]),
        new("diabetes",
            ["type 2 diabetes", "GLP-1", "insulin pricing", "CGM", "HbA1c", "semaglutide", "tirzepatide", "obesity", "time in range", "hypoglycemia"],
            ["diabetes", "T1D", "T2D", "GLP1", "endocrinology", "obesity", "Endo"],
            [new("ADA Scientific Sessions 2026", "ADA2026", new(2026, 6, 19), 4), new("EASD 2026", "EASD2026", new(2026, 9, 14), 4)],
            ["DOC", "T1D", "insulin4all"]),
        new("neurology",
            ["migraine", "multiple sclerosis", "epilepsy", "stroke thrombectomy", "Alzheimer's", "CGRP", "Parkinson's", "anti-amyloid", "neuroimmunology"],
            ["neurology", "NeuroTwitter", "migraine", "MS", "epilepsy", "stroke", "neuro"],
            [new("AAN 2026", "AANAM", new(2026, 4, 18), 5), new("ECTRIMS 2026", "ECTRIMS2026", new(2026, 9, 23), 3)],
            ["MSsky", "MigraineAwareness", "EpilepsyAwareness"]),
        new("infectious_disease",
            ["antimicrobial resistance", "RSV", "HIV PrEP", "COVID-19", "sepsis", "vaccines", "stewardship", "measles", "long COVID", "C. diff"],
            ["IDTwitter", "AMR", "antibiotics", "vaccines", "HIV", "IDSA", "stewardship"],
            [new("ESCMID Global 2026", "ESCMIDGlobal", new(2026, 4, 17), 4), new("IDWeek 2026", "IDWeek2026", new(2026, 10, 21), 4)],
            ["LongCovid", "VaccinesWork"]),
        new("respiratory",
            ["asthma", "COPD", "biologics", "pulmonary fibrosis", "spirometry", "inhaler technique", "bronchiectasis"],
            ["asthma", "COPD", "pulmonology", "MedTwitter", "lungs"],
            [new("ATS 2026", "ATS2026", new(2026, 5, 15), 4), new("ERS Congress 2026", "ERSCongress", new(2026, 9, 5), 4)],
            ["AsthmaAwareness", "COPDawareness"]),
        new("rheumatology",
            ["lupus", "rheumatoid arthritis", "JAK inhibitors", "psoriatic arthritis", "vasculitis", "gout", "biosimilars"],
            ["rheumatology", "RheumTwitter", "lupus", "arthritis", "rheum"],
            [new("EULAR 2026", "EULAR2026", new(2026, 6, 10), 4)],
            ["spoonie", "LupusWarrior", "ChronicIllness"]),
        new("mental_health",
            ["depression", "anxiety", "ADHD", "psilocybin", "ketamine", "burnout", "suicide prevention", "eating disorders"],
            ["mentalhealth", "psychiatry", "PsychTwitter", "depression", "ADHD"],
            [new("APA Annual Meeting 2026", "APAAM26", new(2026, 5, 16), 5)],
            ["MentalHealthMatters", "EndTheStigma"]),
    ];

    /// <summary>General health-community tags used across areas by patients and the HCPs who support them.</summary>
    public static readonly string[] CommunityHashtags = ["PatientsIncluded", "hcsm", "hcldr", "patientsafety", "PatientVoice", "caregiving", "HealthEquity"];

    public static readonly string[] GeneralMedicalHashtags = ["MedTwitter", "MedEd", "FOAMed", "meded", "healthcare", "MedBlueSky", "medsky"];

    public static readonly Specialty[] Specialties =
    [
        new("medical_oncology", "oncology", ["medical oncologist", "oncologist", "breast oncologist", "thoracic oncologist", "GI oncologist"], ["oncóloga médica", "oncólogo"], ["oncologue médical", "oncologue"], ["Onkologin", "Onkologe", "Fachärztin für Hämatologie und Onkologie"], ["oncologa", "oncologo medico"], ["oncologista", "oncologista clínica"]),
        new("radiation_oncology", "oncology", ["radiation oncologist", "rad onc"], ["oncólogo radioterápico"], ["radiothérapeute"], ["Strahlentherapeut"], ["radioterapista"], ["radio-oncologista"]),
        new("breast_surgery", "oncology", ["breast surgeon", "surgical oncologist"], ["cirujana de mama"], ["chirurgienne du sein"], ["Brustchirurgin"], ["chirurgo senologo"], ["mastologista"]),
        new("hematology", "oncology", ["hematologist", "heme/onc", "myeloma doc"], ["hematóloga"], ["hématologue"], ["Hämatologe"], ["ematologo"], ["hematologista"]),
        new("cardiology", "cardiology", ["cardiologist", "interventional cardiologist", "heart failure cardiologist", "electrophysiologist", "preventive cardiologist"], ["cardióloga", "cardiólogo"], ["cardiologue"], ["Kardiologin", "Kardiologe"], ["cardiologa", "cardiologo"], ["cardiologista"]),
        new("endocrinology", "diabetes", ["endocrinologist", "diabetologist", "endo"], ["endocrinóloga"], ["endocrinologue", "diabétologue"], ["Endokrinologin", "Diabetologe"], ["endocrinologo", "diabetologa"], ["endocrinologista"]),
        new("neurology", "neurology", ["neurologist", "stroke neurologist", "headache specialist", "MS neurologist", "epileptologist"], ["neuróloga", "neurólogo"], ["neurologue"], ["Neurologin", "Neurologe"], ["neurologo"], ["neurologista"]),
        new("infectious_disease", "infectious_disease", ["ID physician", "infectious diseases doc", "ID specialist", "HIV physician"], ["infectóloga", "médico de enfermedades infecciosas"], ["infectiologue"], ["Infektiologe"], ["infettivologa"], ["infectologista"]),
        new("pulmonology", "respiratory", ["pulmonologist", "pulm/crit doc", "respiratory physician", "chest physician"], ["neumóloga"], ["pneumologue"], ["Pneumologin"], ["pneumologo"], ["pneumologista"]),
        new("rheumatology", "rheumatology", ["rheumatologist", "rheum doc"], ["reumatóloga"], ["rhumatologue"], ["Rheumatologin"], ["reumatologa"], ["reumatologista"]),
        new("psychiatry", "mental_health", ["psychiatrist", "child & adolescent psychiatrist", "addiction psychiatrist"], ["psiquiatra"], ["psychiatre"], ["Psychiaterin", "Psychiater"], ["psichiatra"], ["psiquiatra"]),
        new("family_medicine", "diabetes", ["family physician", "GP", "primary care doc", "family doc", "internist"], ["médica de familia", "médico de cabecera"], ["médecin généraliste"], ["Hausärztin", "Allgemeinmediziner"], ["medico di base", "medico di medicina generale"], ["médica de família"]),
        new("emergency_medicine", "infectious_disease", ["emergency physician", "EM doc", "ER doctor"], ["médico de urgencias"], ["urgentiste"], ["Notärztin"], ["medico di pronto soccorso"], ["médico emergencista"]),
    ];

    public static readonly Country[] Countries =
    [
        new("US", 40, "en", ["Boston, MA", "New York, NY", "NYC", "Houston, TX", "Chicago", "San Francisco Bay Area", "Philadelphia, PA", "Seattle, WA", "Nashville, TN", "Los Angeles", "Baltimore, MD", "Ann Arbor, MI", "Rochester, MN", "Atlanta, GA", "Cleveland, Ohio", "Denver, CO", "Texas", "California, USA", "Pittsburgh", "Durham, NC", "USA"], ["wherever the pager sends me", "the call room"]),
        new("GB", 12, "en", ["London", "London, England", "Manchester, UK", "Birmingham, England", "Glasgow, Scotland", "Edinburgh", "Leeds", "Oxford", "Cambridge, UK", "Cardiff, Wales", "Bristol", "UK"], ["somewhere on the M25", "NHS land"]),
        new("CA", 6, "en", ["Toronto, ON", "Toronto, Canada", "Montréal, QC", "Vancouver, BC", "Calgary, Alberta", "Ottawa", "Halifax, NS", "Canada"], ["the great white north"]),
        new("ES", 6, "es", ["Madrid", "Barcelona", "Madrid, España", "Valencia", "Sevilla", "Bilbao", "Spain"], ["entre guardias"]),
        new("FR", 5, "fr", ["Paris", "Paris, France", "Lyon", "Marseille", "Bordeaux", "Lille", "Toulouse"], ["quelque part en France"]),
        new("DE", 5, "de", ["Berlin", "München", "Munich, Germany", "Hamburg", "Heidelberg", "Köln", "Frankfurt am Main", "Deutschland"], ["irgendwo im Dienst"]),
        new("IT", 4, "it", ["Milano", "Milan, Italy", "Roma", "Torino", "Bologna", "Napoli", "Italia"], ["tra un turno e l'altro"]),
        new("AU", 4, "en", ["Sydney, NSW", "Melbourne, Australia", "Brisbane", "Perth, WA", "Adelaide", "Australia"], ["down under"]),
        new("IN", 5, "en", ["Mumbai", "New Delhi, India", "Bengaluru", "Chennai", "Hyderabad", "Kolkata", "India"], ["Earth"]),
        new("BR", 3, "pt", ["São Paulo", "Rio de Janeiro", "Porto Alegre", "Belo Horizonte", "Brasil"], ["plantão eterno"]),
        new("NL", 2, "en", ["Amsterdam", "Rotterdam", "Utrecht, NL", "Leiden", "the Netherlands"], ["below sea level"]),
        new("IE", 1, "en", ["Dublin", "Cork, Ireland", "Galway"], ["the Emerald Isle"]),
        new("MX", 2, "es", ["Ciudad de México", "CDMX", "Guadalajara", "Monterrey, NL"], ["donde haya café"]),
        new("CH", 1, "de", ["Zürich", "Basel", "Bern"], ["in den Bergen"]),
        new("SE", 1, "en", ["Stockholm", "Gothenburg", "Lund"], ["up north"]),
        new("NG", 1, "en", ["Lagos", "Abuja", "Ibadan"], ["Naija"]),
        new("ZA", 1, "en", ["Cape Town", "Johannesburg", "Durban"], ["Mzansi"]),
        new("JP", 1, "en", ["Tokyo", "Osaka", "Kyoto"], ["🗾"]),
    ];

    /// <summary>Locations people write that say nothing about where they are.</summary>
    public static readonly string[] GlobalNonsense = ["🌍", "Earth", "worldwide", "Planet Earth", "everywhere & nowhere", "in the lab", "on call", "she/her", "Views my own", "🏥", "the internet", "Hogwarts", "between two coffees"];

    public static readonly Dictionary<string, (string[] Female, string[] Male, string[] Last)> Names = new()
    {
        ["en"] = (["Sarah", "Emily", "Jennifer", "Priya", "Aisha", "Rachel", "Laura", "Megan", "Olivia", "Grace", "Hannah", "Fatima", "Mei", "Chloe", "Amara", "Katherine", "Jess", "Nicole", "Zainab", "Ngozi", "Siobhan", "Anjali", "Yuki", "Ruth"],
                  ["James", "Michael", "David", "Rahul", "Daniel", "Matthew", "Ahmed", "Chris", "Ben", "Tom", "Kwame", "Ravi", "Wei", "Sanjay", "Patrick", "Oliver", "Jonathan", "Omar", "Chidi", "Sean", "Arjun", "Hiroshi", "Marcus", "Ethan"],
                  ["Smith", "Johnson", "Patel", "Williams", "Brown", "Nguyen", "Khan", "Garcia", "Chen", "Lee", "O'Brien", "Taylor", "Shah", "Okafor", "Murphy", "Wilson", "Kumar", "Anderson", "Singh", "Thompson", "Adeyemi", "Walsh", "Tanaka", "Cohen", "Rossi", "Martin", "Evans", "Hughes"]),
        ["es"] = (["María", "Lucía", "Carmen", "Elena", "Laura", "Paula", "Ana", "Isabel", "Sofía", "Marta"],
                  ["Javier", "Carlos", "Alejandro", "Miguel", "Pablo", "Antonio", "Sergio", "Diego", "Jorge", "Luis"],
                  ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez"]),
        ["fr"] = (["Camille", "Claire", "Sophie", "Julie", "Manon", "Inès", "Élodie", "Anne"],
                  ["Thomas", "Nicolas", "Julien", "Pierre", "Antoine", "Mathieu", "Olivier", "Hugo"],
                  ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Girard", "Fournier", "Mercier"]),
        ["de"] = (["Anna", "Julia", "Katharina", "Lena", "Sabine", "Miriam", "Laura", "Johanna"],
                  ["Lukas", "Jonas", "Stefan", "Markus", "Tobias", "Florian", "Andreas", "Felix"],
                  ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz"]),
        ["it"] = (["Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Elisa"],
                  ["Marco", "Luca", "Alessandro", "Matteo", "Andrea", "Giuseppe", "Francesco"],
                  ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Greco"]),
        ["pt"] = (["Ana", "Juliana", "Fernanda", "Beatriz", "Camila", "Mariana"],
                  ["João", "Pedro", "Lucas", "Rafael", "Gustavo", "Thiago"],
                  ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira"]),
    };

    /// <summary>Mastodon instances by where people are and what they do.</summary>
    public static readonly string[] MastodonInstances = ["mastodon.social", "med-mastodon.com", "mstdn.science", "mastodon.online", "sciences.social", "mastodon.ie", "mastodon.scot", "troet.cafe", "mamot.fr", "mas.to", "fediscience.org"];

    public static readonly string[] ScholarlyHosts = ["doi.org", "pubmed.ncbi.nlm.nih.gov", "www.nejm.org", "www.thelancet.com", "jamanetwork.com", "www.bmj.com", "www.medrxiv.org", "www.biorxiv.org", "clinicaltrials.gov", "ascopubs.org", "www.ahajournals.org", "diabetesjournals.org", "www.nature.com"];

    public static readonly string[] NewsHosts = ["www.statnews.com", "www.medscape.com", "www.nytimes.com", "www.bbc.co.uk", "www.theguardian.com", "www.medpagetoday.com", "www.fiercepharma.com", "www.reuters.com", "www.elpais.com", "www.lemonde.fr", "www.spiegel.de"];

    public static readonly string[] BlogHosts = ["substack.com", "medium.com", "wordpress.com", "blogspot.com", "ghost.io"];

    public static readonly string[] Journals = ["NEJM", "The Lancet", "JAMA", "JCO", "BMJ", "Annals of Oncology", "Circulation", "Diabetes Care", "Lancet Neurology", "CID", "Nature Medicine"];
}
