using System.Globalization;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace DolMapper.Web.Features.Shared;

/// <summary>
/// <c>&lt;local-time utc="@at" /&gt;</c>: a moment shown in the viewer's own time zone. The server
/// writes a <c>&lt;time&gt;</c> element in UTC ("2026-12-07 18:00 UTC", right without script);
/// site.js rewrites its text in the browser's zone and locale and keeps the UTC in the tooltip.
/// <c>date-only</c> shows the day alone.
/// </summary>
[HtmlTargetElement("local-time", TagStructure = TagStructure.WithoutEndTag)]
public sealed class LocalTimeTagHelper : TagHelper
{
    public DateTime? Utc { get; set; }

    public bool DateOnly { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = "time";
        output.TagMode = TagMode.StartTagAndEndTag;
        if (Utc is not { } at)
        {
            output.SuppressOutput();
            return;
        }
        var utc = DateTime.SpecifyKind(at, DateTimeKind.Utc);
        var text = utc.ToString(DateOnly ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + (DateOnly ? "" : " UTC");
        output.Attributes.SetAttribute("datetime", utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        output.Attributes.SetAttribute("data-local", DateOnly ? "date" : "datetime");
        output.Attributes.SetAttribute("title", text);
        output.Content.SetContent(text);
    }
}
