namespace DolMapper.Scoring.Patients;

/// <summary>
/// What a link a patient influencer shares is (docs/patients.md): a reputable health source (public
/// health agencies, regulators, health services, academic centres, established charities, and the
/// scholarly hosts of the science question), one on the maintained low-quality list, or something
/// else. Both lists are text files kept in the repository (Patients/Sources/), a domain a line.
/// </summary>
public static class HealthSources
{
    /// <summary>A reputable health source.</summary>
    public const string Reputable = "reputable";
    /// <summary>A source on the low-quality list.</summary>
    public const string LowQuality = "low_quality";
    /// <summary>Anything else (news, blogs, shops, social media).</summary>
    public const string Other = "other";

    private static readonly HashSet<string> ReputableDomains = Read("reputable.txt");
    private static readonly HashSet<string> LowQualityDomains = Read("low-quality.txt");

    /// <summary>The domains of each list, for the docs and for tests.</summary>
    public static IReadOnlyCollection<string> ReputableList => ReputableDomains;
    /// <inheritdoc cref="ReputableList"/>
    public static IReadOnlyCollection<string> LowQualityList => LowQualityDomains;

    private static HashSet<string> Read(string file)
    {
        using var stream = typeof(HealthSources).Assembly.GetManifestResourceStream("health-sources/" + file)
            ?? throw new InvalidDataException($"Missing resource health-sources/{file}.");
        using var reader = new StreamReader(stream);
        var domains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            var domain = line.Trim();
            if (domain.Length > 0 && !domain.StartsWith('#'))
            {
                domains.Add(domain.ToLowerInvariant());
            }
        }
        return domains;
    }

    /// <summary>What <paramref name="url"/> is: <see cref="Reputable"/>, <see cref="LowQuality"/> or <see cref="Other"/>.</summary>
    public static string Classify(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return Other;
        }
        // The host and each parent domain ("en.who.int", then "who.int").
        var host = uri.Host.ToLowerInvariant();
        for (var at = host; at.Contains('.'); at = at[(at.IndexOf('.') + 1)..])
        {
            if (LowQualityDomains.Contains(at))
            {
                return LowQuality;
            }
            if (ReputableDomains.Contains(at))
            {
                return Reputable;
            }
        }
        return ScoringVocabulary.IsScholarlyUrl(url) ? Reputable : Other;
    }
}
