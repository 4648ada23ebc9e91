using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// The rankings table's rows, written straight to the response when the page is flushed. The
/// rankings page is DolMapper's busiest page; written through Razor, fifty rows (ten bars, a "why"
/// line and the verdict buttons each) cost about 600 KB of strings, buffers and generated URLs a
/// request and most of its time. Here what every row shares (the DOL page's address, the labels,
/// the weights) is worked out once a page, and numbers are formatted without making strings.
/// The markup is the same as a Razor row's would be (docs/development.md, "When a page is slow").
/// </summary>
public sealed class RankingRowsHtml(IReadOnlyList<RankingRow> rows, RankingRowsHtml.Page page) : IHtmlAsyncContent
{
    /// <summary>What the rows of one page share.</summary>
    /// <param name="ProfileUrl">A DOL page's address with <see cref="PersonPlaceholder"/> where the person's id goes.</param>
    /// <param name="Weights">The profile's weights in question order (for the "why" line); null writes none.</param>
    /// <param name="Feedback">The verdict buttons' shared part; null for a reader who gives no verdicts.</param>
    public sealed record Page(string ProfileUrl, IReadOnlyList<string> Labels, double[]? Weights, FeedbackHtml.Page? Feedback, IReadOnlyDictionary<long, string> Verdicts);

    /// <summary>Stands for the person's id in <see cref="Page.ProfileUrl"/>.</summary>
    public const long PersonPlaceholder = 999_999_999_999_999_999;

    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        var link = Link(encoder);
        foreach (var row in rows)
        {
            WriteRow(writer, encoder, row, link);
        }
    }

    /// <summary>
    /// Flushes the output every ten rows: the response is buffered in pooled pages of characters,
    /// and a whole page of rows held at once took more pages than the pool keeps, so each request
    /// allocated most of them anew.
    /// </summary>
    public async ValueTask WriteToAsync(TextWriter writer)
    {
        var link = Link(HtmlEncoder.Default);
        for (var i = 0; i < rows.Count; i++)
        {
            WriteRow(writer, HtmlEncoder.Default, rows[i], link);
            if (i % 10 == 9)
            {
                await writer.FlushAsync();
            }
        }
    }

    /// <summary>The DOL page's address before and after the person's id, HTML-encoded once a page.</summary>
    private (string Before, string After) Link(HtmlEncoder encoder)
    {
        var placeholder = PersonPlaceholder.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var at = page.ProfileUrl.IndexOf(placeholder, StringComparison.Ordinal);
        var (before, after) = at < 0 ? (page.ProfileUrl, "") : (page.ProfileUrl[..at], page.ProfileUrl[(at + placeholder.Length)..]);
        return (encoder.Encode(before), encoder.Encode(after));
    }

    private void WriteRow(TextWriter writer, HtmlEncoder encoder, RankingRow row, (string Before, string After) link)
    {
        var name = row.Name ?? row.PublicId;
        writer.Write("<tr data-testid=\"row\">\n<td><input class=\"form-check-input\" type=\"checkbox\" name=\"ids\" value=\"");
        RankingWords.WriteNumber(writer, row.PersonId);
        writer.Write("\" aria-label=\"Select ");
        encoder.Encode(writer, name);
        writer.Write("\" /></td>\n<td data-testid=\"rank\">");
        RankingWords.WriteNumber(writer, row.Rank);
        writer.Write("</td>\n<td class=\"dm-name\"><div class=\"fw-semibold\"><a href=\"");
        writer.Write(link.Before);
        RankingWords.WriteNumber(writer, row.PersonId);
        writer.Write(link.After);
        writer.Write("\">");
        encoder.Encode(writer, name);
        writer.Write("</a></div><div class=\"small text-muted\">");
        encoder.Encode(writer, row.Handles);
        writer.Write("</div>\n");
        // On a phone the other columns fold into one line here, so the score needs no sideways scrolling.
        writer.Write("<div class=\"small d-md-none\" data-testid=\"score-phone\">Score <strong>");
        RankingWords.WriteOneDecimal(writer, row.Score);
        writer.Write("</strong>");
        if (row.Tier != DolMapper.Scoring.Tiers.None)
        {
            writer.Write(" &#xB7; top ");
            encoder.Encode(writer, row.Tier);
        }
        if (row.Country is not null)
        {
            writer.Write(" &#xB7; ");
            encoder.Encode(writer, row.Country);
        }
        writer.Write(" &#xB7; ");
        WriteProfession(writer, encoder, row, ", ");
        writer.Write("</div>\n");
        if (page.Weights is not null && HasWhy(row.Signals, page.Weights))
        {
            writer.Write("<div class=\"small\" data-testid=\"why\">");
            RankingWords.WriteWhy(writer, encoder, row.Signals, page.Weights, page.Labels);
            writer.Write("</div>\n");
        }
        if (page.Feedback is not null)
        {
            FeedbackHtml.Write(writer, encoder, page.Feedback, row.PersonId, page.Verdicts.GetValueOrDefault(row.PersonId), "");
            writer.Write('\n');
        }
        writer.Write("</td>\n<td class=\"d-none d-md-table-cell\">");
        WriteProfession(writer, encoder, row, " &#xB7; ");
        writer.Write("</td>\n<td class=\"d-none d-md-table-cell\">");
        if (row.Country is not null)
        {
            encoder.Encode(writer, row.Country);
        }
        writer.Write("</td>\n<td class=\"text-end d-none d-md-table-cell\" data-testid=\"score\">");
        RankingWords.WriteOneDecimal(writer, row.Score);
        writer.Write("</td>\n<td class=\"d-none d-md-table-cell\">");
        encoder.Encode(writer, row.Tier);
        writer.Write("</td>\n<td class=\"small d-none d-md-table-cell\">");
        if (row.Persona is null)
        {
            writer.Write("&#x2014;");
        }
        else
        {
            encoder.Encode(writer, row.Persona);
        }
        writer.Write("</td>\n<td class=\"d-none d-md-table-cell\">");
        RankingWords.WriteBars(writer, encoder, row.Signals, page.Labels);
        writer.Write("</td>\n<td class=\"text-end small d-none d-md-table-cell\">");
        if (row.PreviousRank is { } previous)
        {
            var delta = previous - row.Rank;
            writer.Write(delta > 0 ? "<span class=\"text-success\">&#x25B2;" : delta < 0 ? "<span class=\"text-danger\">&#x25BC;" : "<span class=\"text-muted\">=");
            if (delta != 0)
            {
                RankingWords.WriteNumber(writer, Math.Abs(delta));
            }
            writer.Write("</span>");
        }
        else
        {
            writer.Write("<span class=\"text-muted\">new</span>");
        }
        writer.Write("</td>\n</tr>\n");
    }

    private static bool HasWhy(double[] signals, double[] weights)
    {
        Span<int> top = stackalloc int[1];
        return RankingWords.Top(signals, weights, top) > 0;
    }

    /// <summary>"physician · medical oncology" (underscores read as spaces), or "HCP (behaviour)" when only behaviour says so.</summary>
    private static void WriteProfession(TextWriter writer, HtmlEncoder encoder, RankingRow row, string between)
    {
        if (row.Profession is null)
        {
            writer.Write("HCP (behaviour)");
        }
        else
        {
            WriteWords(writer, encoder, row.Profession);
        }
        if (row.Specialty is not null)
        {
            writer.Write(between);
            WriteWords(writer, encoder, row.Specialty);
        }
    }

    /// <summary>A code ("medical_oncology") as words, encoded, without a replaced copy of the string.</summary>
    private static void WriteWords(TextWriter writer, HtmlEncoder encoder, string code)
    {
        var start = 0;
        for (var i = 0; i <= code.Length; i++)
        {
            if (i == code.Length || code[i] == '_')
            {
                encoder.Encode(writer, code, start, i - start);
                if (i < code.Length)
                {
                    writer.Write(' ');
                }
                start = i + 1;
            }
        }
    }
}
