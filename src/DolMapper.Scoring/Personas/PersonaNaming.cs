namespace DolMapper.Scoring.Personas;

/// <summary>
/// Names personas from what sets their centroid apart (docs/personas.md). Each feature that can
/// stand out has a name; clusters take names in order of their strongest standardised centroid
/// value (a cluster takes the best name still free), so every persona is named for its most
/// distinctive trait and no two share a name. A cluster with no feature at least
/// <see cref="Distinct"/> above the average is a Quiet Clinician when its activity is below
/// average, else a Generalist.
/// </summary>
public static class PersonaNaming
{
    /// <summary>How far (in standard deviations) above average a centroid must be to be named for a feature.</summary>
    public const double Distinct = 0.25;

    /// <summary>The name each feature gives a cluster that stands out on it.</summary>
    public static IReadOnlyDictionary<string, string> NameOf { get; } = new Dictionary<string, string>
    {
        ["science"] = "Scientific Communicator",
        ["community"] = "Patient Champion",
        ["conversation"] = "Conversation Starter",
        ["public_influence"] = "Broadcaster",
        ["locality"] = "Local Voice",
        ["peer_trust"] = "Peer Leader",
        ["hcp_following"] = "Peer Leader",
        ["activity"] = "Rising Voice",
        ["presence"] = "Multi-platform Presence",
    };

    /// <summary>A name per centroid (standardised), in centroid order.</summary>
    /// <param name="features">The feature names, in column order.</param>
    /// <param name="centroids">Per cluster, its standardised centroid.</param>
    public static string[] Name(IReadOnlyList<string> features, IReadOnlyList<double[]> centroids)
    {
        var names = new string?[centroids.Count];
        var taken = new HashSet<string>();
        var candidates = new List<(int Cluster, string Name, double Z)>();
        for (var c = 0; c < centroids.Count; c++)
        {
            for (var j = 0; j < features.Count; j++)
            {
                if (NameOf.TryGetValue(features[j], out var name) && centroids[c][j] >= Distinct)
                {
                    candidates.Add((c, name, centroids[c][j]));
                }
            }
        }
        foreach (var (cluster, name, _) in candidates.OrderByDescending(x => x.Z))
        {
            if (names[cluster] is null && taken.Add(name))
            {
                names[cluster] = name;
            }
        }
        var activity = features.ToList().IndexOf("activity");
        for (var c = 0; c < names.Length; c++)
        {
            if (names[c] is not null)
            {
                continue;
            }
            var basis = activity >= 0 && centroids[c][activity] < 0 ? "Quiet Clinician" : "Generalist";
            var name = basis;
            for (var n = 2; !taken.Add(name); n++)
            {
                name = $"{basis} {n}";
            }
            names[c] = name;
        }
        return [.. names.Select(n => n!)];
    }

    /// <summary>
    /// Matches this run's centroids to the previous model's (both in this run's standardised space):
    /// greedily by the smallest distance, only pairs closer than <paramref name="within"/>. Returns,
    /// per new cluster, the index of the previous persona it continues, or -1.
    /// </summary>
    public static int[] Match(IReadOnlyList<double[]> current, IReadOnlyList<double[]> previous, double within = 1.5)
    {
        var result = Enumerable.Repeat(-1, current.Count).ToArray();
        var used = new HashSet<int>();
        var pairs = new List<(int C, int P, double D)>();
        for (var c = 0; c < current.Count; c++)
        {
            for (var p = 0; p < previous.Count; p++)
            {
                pairs.Add((c, p, Math.Sqrt(current[c].Zip(previous[p], (a, b) => (a - b) * (a - b)).Sum())));
            }
        }
        foreach (var (c, p, d) in pairs.OrderBy(x => x.D))
        {
            if (d < within && result[c] < 0 && used.Add(p))
            {
                result[c] = p;
            }
        }
        return result;
    }
}
