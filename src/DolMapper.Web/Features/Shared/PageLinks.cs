using System.Collections.Concurrent;

namespace DolMapper.Web.Features.Shared;

/// <summary>
/// The addresses of pages that take no route values (the navigation's, a page's own), generated
/// by routing once per page and path base and then reused. The layout's twenty links through the
/// anchor tag helper cost a route-value dictionary and a route match each on every page view.
/// No ambient values: a link to the help index from a help page must not carry the page's name.
/// </summary>
public sealed class PageLinks(LinkGenerator links)
{
    private readonly ConcurrentDictionary<(string Page, string? Handler, string PathBase), string> paths = new();

    /// <summary>The path of <paramref name="page"/> ("/Rankings/Index"), with <paramref name="handler"/> when given.</summary>
    public string Page(HttpContext context, string page, string? handler = null) =>
        paths.GetOrAdd((page, handler, context.Request.PathBase.Value ?? ""), key =>
            links.GetPathByPage(key.Page, key.Handler, values: null, pathBase: new PathString(key.PathBase))
            ?? throw new InvalidOperationException($"No route to the page '{key.Page}'."));
}
