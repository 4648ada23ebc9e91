using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.SavedViews;

/// <summary>
/// A user's saved rankings views (every role; docs/dashboard.md, "Saved views"): the list with
/// each view's weekly e-mail switch and delete, and the small box on the rankings page that
/// opens a view or saves the current one (loaded by htmx, posted by htmx).
/// </summary>
public sealed class IndexModel(SavedViewStore store, Infrastructure.Mail.MailSender mail) : PageModel
{
    public IReadOnlyList<SavedViewRow> Views { get; private set; } = [];
    public bool MailConfigured => mail.Configured;
    [TempData] public string? Notice { get; set; }
    /// <summary>What the box on the rankings page says after a save.</summary>
    public string? Message { get; private set; }
    public bool MessageIsProblem { get; private set; }

    private string Owner => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Views = await store.ListAsync(Owner, cancellationToken);

    /// <summary>The box on the rankings page.</summary>
    public async Task<IActionResult> OnGetWidgetAsync(CancellationToken cancellationToken)
    {
        Views = await store.ListAsync(Owner, cancellationToken);
        return Partial("_Widget", this);
    }

    public async Task<IActionResult> OnPostSaveAsync(string? name, string? query, bool alert, CancellationToken cancellationToken)
    {
        var result = await store.SaveAsync(Owner, name, query, alert, cancellationToken);
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            (Message, MessageIsProblem) = (result.Message, !result.Saved);
            return await OnGetWidgetAsync(cancellationToken);
        }
        Notice = result.Message;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostAlertAsync(int id, bool alert, CancellationToken cancellationToken)
    {
        Notice = await store.SetAlertAsync(Owner, id, alert, cancellationToken)
            ? (alert ? "The weekly e-mail is on." : "The weekly e-mail is off.")
            : "There is no such view of yours.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id, CancellationToken cancellationToken)
    {
        Notice = await store.DeleteAsync(Owner, id, cancellationToken) ? "The view is deleted." : "There is no such view of yours.";
        return RedirectToPage();
    }
}
