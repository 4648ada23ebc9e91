using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Help;

/// <summary>DolMapper's docs in the app (every role): the list, or one doc rendered.</summary>
public sealed class IndexModel(DocsLibrary docs) : PageModel
{
    public Doc? Doc { get; private set; }
    public string Html { get; private set; } = "";
    public IEnumerable<Doc> All => docs.All;

    public IActionResult OnGet(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Page();
        }
        Doc = docs.Find(name);
        if (Doc is null)
        {
            return this.NotFoundBecause($"There is no help page named '{name}'.");
        }
        Html = docs.Render(Doc, (target, anchor) => Url.Page("/Help/Index", values: new { name = target }) + (anchor is null ? "" : "#" + anchor));
        return Page();
    }
}
