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
        var weights = Weights(profile);
        Span<int> top = stackalloc int[Questions.Count];
        var found = Top(signals, weights, top[..Math.Clamp(count, 0, Questions.Count)]);
        var words = new string[found];
        for (var i = 0; i < found; i++)
        {
            var q = top[i];
            words[i] = Words(Label(Questions.All[q], profile), signals[q], weights[q]);
        }
        return words;
    }

    /// <summary>The profile's weights in question order (<see cref="Questions.All"/>).</summary>
    public static double[] Weights(ProfileDefinition profile)
    {
        var weights = new double[Questions.Count];
        for (var q = 0; q < Questions.Count; q++)
        {
            weights[q] = profile.Weights.GetValueOrDefault(Questions.All[q]);
        }
        return weights;
    }

    /// <summary>
    /// Fills <paramref name="top"/> with the questions (indices into <see cref="Questions.All"/>) that
    /// give the row most of its score, the largest first, and says how many there are: a question
    /// counts with |weight| × signal (|weight| × (1 − signal) when weighted negatively), those that
    /// give nothing are left out, and a tie keeps the questions' order. Allocates nothing (fifty rows a page).
    /// </summary>
    public static int Top(ReadOnlySpan<double> signals, ReadOnlySpan<double> weights, Span<int> top)
    {
        var found = 0;
        for (var q = 0; q < Questions.Count; q++)
        {
            var points = Points(signals[q], weights[q]);
            if (points <= 0)
            {
                continue;
            }
            // Insertion into the short sorted list: strictly larger goes first, so ties keep question order.
            var at = found;
            while (at > 0 && Points(signals[top[at - 1]], weights[top[at - 1]]) < points)
            {
                at--;
            }
            if (at >= top.Length)
            {
                continue;
            }
            for (var i = Math.Min(found, top.Length - 1); i > at; i--)
            {
                top[i] = top[i - 1];
            }
            top[at] = q;
            found = Math.Min(found + 1, top.Length);
        }
        return found;
    }

    private static double Points(double signal, double weight) => Math.Abs(weight) * (weight >= 0 ? signal : 1 - signal);

    private static string Words(string label, double signal, double weight)
    {
        if (weight < 0)
        {
            return signal == 0 ? $"no {label}" : $"low {label}: bottom {Percent(signal)}";
        }
        return $"{label}: top {Percent(1 - signal)}";
    }

    /// <summary>
    /// <see cref="Why"/>'s words written straight to <paramref name="writer"/>, " · " between them,
    /// with the questions' <paramref name="labels"/> worked out once a page. Writes nothing when no
    /// question gives the row any points.
    /// </summary>
    public static void WriteWhy(TextWriter writer, System.Text.Encodings.Web.HtmlEncoder encoder, double[] signals, double[] weights, IReadOnlyList<string> labels)
    {
        Span<int> top = stackalloc int[3];
        var found = Top(signals, weights, top);
        for (var i = 0; i < found; i++)
        {
            var q = top[i];
            if (i > 0)
            {
                writer.Write(" &#xB7; ");
            }
            var negative = weights[q] < 0;
            if (negative)
            {
                writer.Write(signals[q] == 0 ? "no " : "low ");
            }
            encoder.Encode(writer, labels[q]);
            if (negative && signals[q] == 0)
            {
                continue;
            }
            writer.Write(negative ? ": bottom " : ": top ");
            WritePercent(writer, negative ? signals[q] : 1 - signals[q]);
        }
    }

    /// <summary>
    /// A row's ten bars (0–100 each) with their values, and one label for screen readers, written
    /// to <paramref name="writer"/> (the rankings rows, <see cref="RankingRowsHtml"/>): fifty rows of
    /// ten bars written through Razor cost thousands of small encoded writes and strings a page.
    /// <paramref name="labels"/> are the questions' labels.
    /// </summary>
    public static void WriteBars(TextWriter writer, System.Text.Encodings.Web.HtmlEncoder encoder, double[] signals, IReadOnlyList<string> labels)
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
            WriteNumber(writer, Value(signals[q]));
        }
        writer.Write("\">");
        for (var q = 0; q < Questions.Count; q++)
        {
            var value = Value(signals[q]);
            writer.Write("<span data-question=\"");
            writer.Write(Questions.All[q]);
            writer.Write("\" data-value=\"");
            WriteNumber(writer, value);
            writer.Write("\"><span class=\"dm-bar\"><span style=\"height:");
            WriteNumber(writer, value);
            writer.Write("%\"></span></span>");
            WriteNumber(writer, value);
            writer.Write("</span>");
        }
        writer.Write("</div>");
    }

    private static int Value(double signal) => (int)Math.Round(100 * signal);

    /// <summary>A share as a whole percentage, at least 1% (the best person is in the top 1%).</summary>
    private static string Percent(double share) => PercentOf(share).ToString(CultureInfo.InvariantCulture) + "%";

    private static int PercentOf(double share) => Math.Clamp((int)Math.Ceiling(Math.Round(share * 100, 6)), 1, 100);

    /// <summary>A whole number written without making a string of it (TextWriter.Write(int) makes one).</summary>
    public static void WriteNumber(TextWriter writer, long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        writer.Write(digits[..length]);
    }

    /// <summary>A number with one decimal ("40.6"), as <c>ToString("0.0")</c> would write it, without making a string of it.</summary>
    public static void WriteOneDecimal(TextWriter writer, double value)
    {
        Span<char> digits = stackalloc char[32];
        value.TryFormat(digits, out var length, "0.0", CultureInfo.InvariantCulture);
        writer.Write(digits[..length]);
    }

    private static void WritePercent(TextWriter writer, double share)
    {
        Span<char> digits = stackalloc char[4];
        PercentOf(share).TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        writer.Write(digits[..length]);
        writer.Write('%');
    }
}
