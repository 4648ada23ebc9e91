using System.Globalization;
using DolMapper.Scoring;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// The rankings page's plain words: each question's short name and label, and a row's three largest
/// contributions to its score ("peer trust among HCPs on the topic: top 2%").
/// </summary>
public static class RankingWords
{
    /// <summary>The questions read in the topic when a profile's scope is <c>topic</c>.</summary>
    private static readonly HashSet<string> TopicRead =
        [Questions.HcpFollowing, Questions.PeerTrust, Questions.Activity, Questions.PublicInfluence, Questions.Science, Questions.Community];

    /// <summary>A few letters for the bars' legend.</summary>
    public static string Short(string key) => key switch
    {
        Questions.Relevance => "Rel",
        Questions.HcpFollowing => "HCP",
        Questions.PeerTrust => "Peer",
        Questions.Activity => "Act",
        Questions.PublicInfluence => "Pub",
        Questions.Presence => "Pres",
        Questions.Relationship => "CRM",
        Questions.Science => "Sci",
        Questions.Geography => "Geo",
        Questions.Community => "Com",
        _ => key,
    };

    /// <summary>What the question measures, in a few words, for this profile (geography depends on its countries; the topic-read questions say so).</summary>
    public static string Label(string key, ProfileDefinition? profile)
    {
        var label = key switch
        {
            Questions.Relevance => "posts on the topic",
            Questions.HcpFollowing => "HCP following",
            Questions.PeerTrust => "peer trust among HCPs",
            Questions.Activity => "activity",
            Questions.PublicInfluence => "public reach",
            Questions.Presence => "social media presence",
            Questions.Relationship => "CRM relationship",
            Questions.Science => "scientific engagement",
            Questions.Geography => profile is { Countries.Count: > 0 } p
                ? $"audience in {string.Join(", ", p.Countries)}"
                : "international audience",
            Questions.Community => "support of patient communities",
            _ => key,
        };
        return profile is { TopicScoped: true } && TopicRead.Contains(key) ? label + " on the topic" : label;
    }

    /// <summary>
    /// The <paramref name="count"/> questions that give the row most of its score, in words: the
    /// signal as a place among the ranked ("top 2%"), or for a question weighted negatively how low
    /// the person is ("no CRM relationship", "low activity: bottom 10%").
    /// </summary>
    public static IReadOnlyList<string> Why(double[] signals, ProfileDefinition? profile, int count = 3)
    {
        if (profile is null)
        {
            return [];
        }
        var total = Questions.All.Sum(k => Math.Abs(profile.Weights.GetValueOrDefault(k)));
        if (total == 0)
        {
            return [];
        }
        return [.. Questions.All
            .Select((key, q) => (Key: key, Signal: signals[q], Weight: profile.Weights.GetValueOrDefault(key)))
            .Select(x => (x.Key, x.Signal, x.Weight, Points: Math.Abs(x.Weight) * (x.Weight >= 0 ? x.Signal : 1 - x.Signal) / total))
            .Where(x => x.Points > 0)
            .OrderByDescending(x => x.Points)
            .Take(count)
            .Select(x => Words(x.Key, x.Signal, x.Weight, profile))];
    }

    private static string Words(string key, double signal, double weight, ProfileDefinition profile)
    {
        var label = Label(key, profile);
        if (weight < 0)
        {
            return signal == 0 ? $"no {label}" : $"low {label}: bottom {Percent(signal)}";
        }
        return $"{label}: top {Percent(1 - signal)}";
    }

    /// <summary>
    /// A row's ten bars (0–100 each) with their values, and one label for screen readers, written
    /// straight to the page's output when it is flushed: fifty rows of ten bars written through
    /// Razor cost thousands of small encoded writes and strings a page (the rankings page's time
    /// went mostly to collecting them). <paramref name="labels"/> are the questions' labels.
    /// </summary>
    public static Microsoft.AspNetCore.Html.IHtmlContent Bars(double[] signals, IReadOnlyList<string> labels) => new BarsContent(signals, labels);

    private sealed class BarsContent(double[] signals, IReadOnlyList<string> labels) : Microsoft.AspNetCore.Html.IHtmlContent
    {
        public void WriteTo(TextWriter writer, System.Text.Encodings.Web.HtmlEncoder encoder)
        {
            writer.Write("<div class=\"dm-bars\" role=\"img\" aria-label=\"");
            for (var q = 0; q < Questions.Count; q++)
            {
                if (q > 0)
                {
                    writer.Write(", ");
                }
                encoder.Encode(writer, labels[q]);
                writer.Write(' ');
                writer.Write(Value(signals[q]));
            }
            writer.Write("\">");
            for (var q = 0; q < Questions.Count; q++)
            {
                var value = Value(signals[q]);
                writer.Write("<span data-question=\"");
                writer.Write(Questions.All[q]);
                writer.Write("\" data-value=\"");
                writer.Write(value);
                writer.Write("\"><span class=\"dm-bar\"><span style=\"height:");
                writer.Write(value);
                writer.Write("%\"></span></span>");
                writer.Write(value);
                writer.Write("</span>");
            }
            writer.Write("</div>");
        }
    }

    private static int Value(double signal) => (int)Math.Round(100 * signal);

    /// <summary>A share as a whole percentage, at least 1% (the best person is in the top 1%).</summary>
    private static string Percent(double share) =>
        Math.Clamp((int)Math.Ceiling(Math.Round(share * 100, 6)), 1, 100).ToString(CultureInfo.InvariantCulture) + "%";
}
