namespace DolMapper.Scoring;

/// <summary>
/// The ten profiling questions, identified by the stable keys of CONTRACTS.md section 2.
/// The order of <see cref="All"/> is the contract order used in profiles, CSV headers and the UI.
/// </summary>
public static class Questions
{
    /// <summary>Q1: do they post relevant content?</summary>
    public const string Relevance = "relevance";
    /// <summary>Q2: do they have an HCP or a public following?</summary>
    public const string HcpFollowing = "hcp_following";
    /// <summary>Q3: are they trusted among online HCP peers?</summary>
    public const string PeerTrust = "peer_trust";
    /// <summary>Q4: are they active in online conversations?</summary>
    public const string Activity = "activity";
    /// <summary>Q5: do they have a public influence?</summary>
    public const string PublicInfluence = "public_influence";
    /// <summary>Q6: do they have a social media presence?</summary>
    public const string Presence = "presence";
    /// <summary>Q7: are they in an existing relationship with you?</summary>
    public const string Relationship = "relationship";
    /// <summary>Q8: are they engaged in the online scientific community?</summary>
    public const string Science = "science";
    /// <summary>Q9: is their online influence local or global?</summary>
    public const string Geography = "geography";
    /// <summary>Q10: do they support other health communities or patient groups?</summary>
    public const string Community = "community";

    /// <summary>All ten keys in contract order (Q1 first).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Relevance, HcpFollowing, PeerTrust, Activity, PublicInfluence,
        Presence, Relationship, Science, Geography, Community,
    ];

    /// <summary>The number of questions.</summary>
    public const int Count = 10;

    /// <summary>Zero-based position of <paramref name="key"/> in <see cref="All"/>, or -1 if it is not a question key.</summary>
    public static int IndexOf(string key)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>True when <paramref name="key"/> is one of the ten keys (exact, lower case).</summary>
    public static bool IsKey(string key) => IndexOf(key) >= 0;
}
