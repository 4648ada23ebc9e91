using System.Globalization;
using System.Text.Json;

namespace DolMapper.Web.Features.Profiles;

/// <summary>Each question's stored evidence in words (docs/scoring.md says what each number is).</summary>
public static class EvidenceText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The question's evidence in words. A question read in the topic says so and gives the overall
    /// figures after it ("On the topic: 3 HCPs … Over everything: 41 HCPs …").
    /// </summary>
    public static string Describe(string question, JsonElement evidence)
    {
        if (!evidence.TryGetProperty(question, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return question == "relationship" ? "No CRM relationship." : "No evidence recorded.";
        }
        if (e.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String && scope.GetString() == "topic"
            && e.TryGetProperty("overall", out var overall) && overall.ValueKind == JsonValueKind.Object)
        {
            return "On the topic: " + Words(question, e) + " Over everything: " + Words(question, overall);
        }
        return Words(question, e);
    }

    private static string Words(string question, JsonElement e)
    {
        double N(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
        string S(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "—";
        string List(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0
            ? string.Join(", ", v.EnumerateArray().Select(x => x.GetString())) : "none";
        return question switch
        {
            "relevance" => string.Format(Invariant, "{0:N0} of {1:N0} posts in the window are on the profile's topic ({2:P0}){3}.", N("relevant_posts"), N("posts"), N("share"),
                N("reposts") > 0 ? string.Format(Invariant, "; {0:N0} reposts of others' posts are not counted", N("reposts")) : ""),
            "hcp_following" => string.Format(Invariant, "{0:N0} HCPs and {1:N0} others engaged with them ({2:P0} HCPs); {3:N0} followers.", N("hcp_engagers"), N("public_engagers"), N("hcp_share"), N("followers")),
            "peer_trust" => string.Format(Invariant, "PageRank {0:0.######} among {1:N0} HCP peers: {2:0.0}× the average peer.", N("pagerank"), N("graph_nodes"), N("relative_to_average")),
            "activity" => string.Format(Invariant, "{0:0.0} posts a week, {1:P0} of them replies, active in {2:N0} of {3:N0} weeks; last post {4:0} days before the snapshot.", N("posts_per_week"), N("reply_share"), N("weeks_active"), N("weeks"), N("days_since_last_post")),
            "public_influence" => string.Format(Invariant, "{0:N0} followers, {1:N0} engagements from non-HCPs ({2:0.0} a post), {3:0.0} likes, reposts and quotes per post.", N("followers"), N("non_hcp_engagements"), N("non_hcp_engagements_per_post"), N("reach_per_post")),
            "presence" => string.Format(Invariant, "On {0}; profiles {1:P0} complete; oldest account {2:0.0} years.", List("platforms"), N("completeness"), N("account_age_years")),
            "relationship" => $"{S("kind").Replace('_', ' ')} since {S("since")}.",
            "science" => string.Format(Invariant, "{0:N0} of {1:N0} posts link to scholarly sources; congresses: {2}; {3:N0} matched publications.", N("scholarly_posts"), N("posts"), List("congresses"), N("publications")),
            "geography" => string.Format(Invariant, "{0}: {1:N0} conversation partners with a known country, most in {2}{3}.", S("label"), N("partners_with_country"), S("top_country"),
                e.TryGetProperty("in_target", out var t) && t.ValueKind == JsonValueKind.Number ? string.Format(Invariant, "; {0:N0} in the target countries", t.GetDouble())
                : e.TryGetProperty("home_partners", out var h) && h.ValueKind == JsonValueKind.Number
                    ? string.Format(Invariant, "; {0:N0} at home ({1}), {2}", h.GetDouble(), S("home_country"), N("home_bias") switch
                    {
                        >= 0.5 => "a mostly local conversation",
                        >= 0.15 => "more at home than the field",
                        _ => "as international as the field or more",
                    })
                    : ""),
            "community" => string.Format(Invariant, "{0:N0} engagements with patient groups, {1:N0} posts with community hashtags, {2:N0} replies to non-HCPs.", N("community_engagements"), N("community_hashtag_posts"), N("replies_to_non_hcp")),
            _ => "",
        };
    }
}
