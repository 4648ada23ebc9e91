using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// An analyst's three verdict buttons for one person (good fit, maybe, not a fit), as the rankings
/// rows, the DOL page and the feedback POST's answer all show them. What the buttons share sits once
/// on the group (htmx inherits it): the target, the person, the profile and — where the page has no
/// token on an outer element — the antiforgery token. Written straight to the output: a rankings
/// page has fifty of these, and as a partial view each cost a view context, a buffer and three
/// generated URLs.
/// </summary>
public static class FeedbackHtml
{
    private static readonly (string Value, string Label, string Mark)[] Choices =
        [("good_fit", "Good fit", "&#x2713;"), ("maybe", "Maybe", "?"), ("not_a_fit", "Not a fit", "&#x2717;")];

    /// <summary>What a page's groups share, worked out and HTML-encoded once a page: the profile as the JSON the buttons send, and the address they post to.</summary>
    public sealed record Page(string ProfileJsonHtml, string PostUrlHtml)
    {
        public static Page For(string profile, string postUrl) =>
            new(HtmlEncoder.Default.Encode(System.Text.Json.JsonSerializer.Serialize(profile)), HtmlEncoder.Default.Encode(postUrl));
    }

    /// <summary>One person's group, for a Razor view.</summary>
    public static IHtmlContent Buttons(Page page, long personId, string? verdict, string token) => new Content(page, personId, verdict, token);

    public static void Write(TextWriter writer, HtmlEncoder encoder, Page page, long personId, string? verdict, string token)
    {
        writer.Write("<div class=\"btn-group btn-group-sm dm-feedback mt-1\" role=\"group\" aria-label=\"Your verdict for this profile\" data-testid=\"feedback\" data-person=\"");
        RankingWords.WriteNumber(writer, personId);
        writer.Write("\" hx-target=\"this\" hx-swap=\"outerHTML\" hx-vals=\"{&quot;profile&quot;:");
        writer.Write(page.ProfileJsonHtml);
        writer.Write(",&quot;person&quot;:&quot;");
        RankingWords.WriteNumber(writer, personId);
        writer.Write("&quot;}\"");
        if (token.Length > 0)
        {
            writer.Write(" hx-headers='{\"RequestVerificationToken\": \"");
            encoder.Encode(writer, token);
            writer.Write("\"}'");
        }
        writer.Write('>');
        foreach (var (value, label, mark) in Choices)
        {
            var chosen = verdict == value;
            writer.Write(chosen
                ? "<button type=\"button\" class=\"btn btn-secondary py-0\" aria-pressed=\"true\" title=\""
                : "<button type=\"button\" class=\"btn btn-outline-secondary py-0\" aria-pressed=\"false\" title=\"");
            writer.Write(label);
            writer.Write("\" data-testid=\"feedback-");
            writer.Write(value);
            writer.Write("\" hx-post=\"");
            writer.Write(page.PostUrlHtml);
            writer.Write("\" hx-vals='{\"verdict\": \"");
            writer.Write(value);
            writer.Write("\"}'>");
            writer.Write(mark);
            writer.Write("<span class=\"visually-hidden\"> ");
            writer.Write(label);
            writer.Write("</span></button>");
        }
        writer.Write("</div>");
    }

    private sealed class Content(Page page, long personId, string? verdict, string token) : IHtmlContent
    {
        public void WriteTo(TextWriter writer, HtmlEncoder encoder) => Write(writer, encoder, page, personId, verdict, token);
    }
}
