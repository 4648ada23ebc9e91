using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features;

/// <summary>
/// One not-found page for the whole app: a page says what was not found, in words, and the 404
/// is rendered by the error page (re-executed for the status code) with that reason and the way
/// back — never a silent redirect to somewhere else.
/// </summary>
public static class NotFoundReason
{
    private const string Key = "dolmapper.not_found";

    /// <summary>A 404 whose page says <paramref name="reason"/> (e.g. "There is no scoring profile named 'X'.").</summary>
    public static NotFoundResult NotFoundBecause(this PageModel page, string reason)
    {
        page.HttpContext.Items[Key] = reason;
        return page.NotFound();
    }

    /// <summary>The same for minimal API endpoints.</summary>
    public static IResult NotFoundBecause(HttpContext context, string reason)
    {
        context.Items[Key] = reason;
        return Results.NotFound();
    }

    /// <summary>What the page that answered 404 said was not found, if it said.</summary>
    public static string? Of(HttpContext context) => context.Items.TryGetValue(Key, out var reason) ? reason as string : null;
}
