using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace DolMapper.Web.Features.Shared;

/// <summary>
/// Hours of the day written in UTC inside a text ("busiest around 14:00 UTC", "14:00–16:00 UTC")
/// marked so site.js shows them in the viewer's own time zone; without script they stay in UTC.
/// </summary>
public static partial class LocalHours
{
    [GeneratedRegex(@"\b(?<from>[01]\d|2[0-3]):00(?:–(?<to>[01]\d|2[0-3]):00)? UTC\b")]
    private static partial Regex UtcHours();

    public static IHtmlContent Mark(string text)
    {
        var html = new HtmlContentBuilder();
        var at = 0;
        foreach (Match m in UtcHours().Matches(text))
        {
            html.Append(text[at..m.Index]);
            var to = m.Groups["to"].Success ? $" data-utc-hour-to=\"{m.Groups["to"].Value}\"" : "";
            html.AppendHtml($"<span data-utc-hour=\"{m.Groups["from"].Value}\"{to}>");
            html.Append(m.Value);
            html.AppendHtml("</span>");
            at = m.Index + m.Length;
        }
        html.Append(text[at..]);
        return html;
    }
}
