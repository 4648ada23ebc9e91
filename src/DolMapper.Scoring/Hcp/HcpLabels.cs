namespace DolMapper.Scoring.Hcp;

/// <summary>The classes of the HCP classifier (stored in <c>persons.profession</c>).</summary>
public static class HcpLabels
{
    /// <summary>A physician (any specialty, in training or retired).</summary>
    public const string Physician = "physician";
    /// <summary>A nurse, nurse practitioner or midwife-nurse.</summary>
    public const string Nurse = "nurse";
    /// <summary>A pharmacist.</summary>
    public const string Pharmacist = "pharmacist";
    /// <summary>A health researcher (epidemiologist, scientist, PhD in a health field).</summary>
    public const string Researcher = "researcher";
    /// <summary>Another healthcare professional (PA, dietitian, physiotherapist, paramedic, psychologist, dentist...).</summary>
    public const string OtherHcp = "other_hcp";
    /// <summary>A student of a health profession.</summary>
    public const string MedicalStudent = "medical_student";
    /// <summary>A patient, survivor or caregiver who speaks for patients.</summary>
    public const string PatientAdvocate = "patient_advocate";
    /// <summary>An organisation: charity, society, hospital, journal, company, agency.</summary>
    public const string Organisation = "organisation";
    /// <summary>Anyone else, including the hard negatives (pharma employees, wellness influencers, non-medical doctors).</summary>
    public const string Public = "public";

    /// <summary>All classes, in a fixed order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Physician, Nurse, Pharmacist, Researcher, OtherHcp, MedicalStudent, PatientAdvocate, Organisation, Public];

    /// <summary>The professions DolMapper counts as healthcare professionals (the scored population).</summary>
    public static IReadOnlySet<string> Hcp { get; } = new HashSet<string>(StringComparer.Ordinal) { Physician, Nurse, Pharmacist, Researcher, OtherHcp };

    /// <summary>True when <paramref name="label"/> is one of the healthcare professions.</summary>
    public static bool IsHcp(string? label) => label is not null && Hcp.Contains(label);

    /// <summary>True when <paramref name="label"/> is a class of the classifier.</summary>
    public static bool IsLabel(string? label) => label is not null && All.Contains(label);
}
