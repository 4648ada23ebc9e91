using System.Text.RegularExpressions;

namespace DolMapper.Scoring;

/// <summary>
/// The maintained lists docs/scoring.md refers to: scholarly hosts (Q8), congress hashtags (Q8) and
/// patient-community hashtags (Q10). Extend them here; each change shows in the next run.
/// </summary>
public static class ScoringVocabulary
{
    /// <summary>Hosts of scholarly sources; subdomains count (www.nejm.org, ascopubs.org...).</summary>
    public static IReadOnlyList<string> ScholarlyHosts { get; } =
    [
        "doi.org", "dx.doi.org", "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "pmc.ncbi.nlm.nih.gov", "europepmc.org",
        "nejm.org", "thelancet.com", "jamanetwork.com", "bmj.com", "nature.com", "sciencedirect.com", "springer.com", "link.springer.com",
        "wiley.com", "onlinelibrary.wiley.com", "ascopubs.org", "ahajournals.org", "medrxiv.org", "biorxiv.org", "clinicaltrials.gov",
        "cell.com", "science.org", "plos.org", "journals.plos.org", "frontiersin.org", "mdpi.com", "academic.oup.com", "tandfonline.com",
        "karger.com", "thieme-connect.com", "annals.org", "acpjournals.org", "diabetesjournals.org", "neurology.org", "atsjournals.org",
        "ersjournals.com", "ard.bmj.com", "cochranelibrary.com", "jacc.org", "escardio.org", "esmo.org", "annalsofoncology.org",
        "aacrjournals.org", "psychiatryonline.org", "idsociety.org", "thelancet.com", "arxiv.org", "researchsquare.com", "ssrn.com",
    ];

    /// <summary>Congress hashtag stems; a congress tag is a stem optionally followed by a year (ASCO26, ESMO2026, AHA25...).</summary>
    public static IReadOnlyList<string> CongressStems { get; } =
    [
        "asco", "esmo", "sabcs", "ash", "aacr", "wclc", "gucasco", "giasco", "ehacongress", "eha", "acc", "aha", "esccongress", "esc", "tct", "hrs",
        "ada", "easd", "attd", "endo", "aan", "aanam", "ectrims", "actrims", "ean", "idweek", "escmidglobal", "eccmid", "croi", "ias", "ats",
        "erscongress", "ers", "chest", "eular", "acr", "acrconvergence", "apaam", "apa", "ecnp", "ddw", "ueg", "aasld", "easl", "kidneywk",
        "asn", "aad", "eadv", "acog", "pas", "smfm", "sccm", "esicm", "acep", "rsna", "uscap", "aps",
    ];

    /// <summary>Patient-community and tweet-chat hashtags (lower case).</summary>
    public static IReadOnlyList<string> CommunityHashtags { get; } =
    [
        "bcsm", "lcsm", "crcsm", "gyncsm", "ayacsm", "bccww", "mbc", "metsmonday", "cancersurvivor", "patientsincluded", "hcsm", "hcldr",
        "doc", "insulin4all", "spoonie", "chronicillness", "mssky", "lupuswarrior", "migraineawareness", "epilepsyawareness", "longcovid",
        "patientvoice", "patientsafety", "caregiving", "healthequity", "mentalhealthmatters", "endthestigma", "womenheart", "hearthealth",
        "asthmaawareness", "copdawareness", "vaccineswork", "rarediseaseday", "getyourbellyout", "pinkoctober", "patientexperience",
        "patientengagement", "t1d", "ibd", "mecfs", "pots",
    ];

    /// <summary>Congress hashtags distinctive enough to count without a year.</summary>
    public static IReadOnlyList<string> CongressTagsWithoutYear { get; } =
        ["aanam", "erscongress", "esccongress", "escmidglobal", "ehacongress", "acrconvergence", "idweek", "kidneywk", "sabcs", "ectrims", "actrims"];

    private static readonly Regex CongressPattern = new(
        "^(?:" + string.Join("|", CongressStems.OrderByDescending(s => s.Length).Select(Regex.Escape)) + @")(?:20)?\d{2}$|^(?:" +
        string.Join("|", CongressTagsWithoutYear.Select(Regex.Escape)) + ")$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>True when <paramref name="hashtag"/> (without '#') names a congress: a stem and a year, or a distinctive tag.</summary>
    public static bool IsCongressHashtag(string hashtag) => CongressPattern.IsMatch(hashtag);

    private static readonly HashSet<string> ScholarlyHostSet = new(ScholarlyHosts, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// True when <paramref name="url"/> is http(s) and its host, or a parent domain of it, is one of
    /// <see cref="ScholarlyHosts"/> (a set lookup, not a regular expression: scoring checks millions
    /// of links).
    /// </summary>
    public static bool IsScholarlyUrl(string url)
    {
        var span = url.AsSpan().Trim();
        var scheme = span.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || !(span[..scheme].Equals("http", StringComparison.OrdinalIgnoreCase) || span[..scheme].Equals("https", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        var host = span[(scheme + 3)..];
        var end = host.IndexOfAny("/:?#");
        if (end >= 0)
        {
            host = host[..end];
        }
        var lookup = ScholarlyHostSet.GetAlternateLookup<ReadOnlySpan<char>>();
        while (host.Length > 0)
        {
            if (lookup.Contains(host))
            {
                return true;
            }
            var dot = host.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }
            host = host[(dot + 1)..];
        }
        return false;
    }

    /// <summary>
    /// A PostgreSQL regular expression matching any of <paramref name="keywords"/> as whole words
    /// (case-insensitive with ~*), or null when there are none.
    /// </summary>
    public static string? KeywordPattern(IEnumerable<string> keywords)
    {
        var escaped = keywords.Select(k => k.Trim()).Where(k => k.Length > 0)
            .Select(k => Regex.Replace(k, @"[.^$|?*+()\[\]{}\\]", m => "\\" + m.Value))
            .Select(k => Regex.Replace(k, @"\s+", @"\s+"))
            .ToList();
        return escaped.Count == 0 ? null : @"(^|[^[:alnum:]_])(" + string.Join("|", escaped) + @")($|[^[:alnum:]_])";
    }
}
