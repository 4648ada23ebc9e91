using DolMapper.Web.Compliance;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>Opt-outs (by handle, account or person, with a reason) and erasure of a person's data.</summary>
public sealed class OptOutsModel(OptOutRegistry registry) : PageModel
{
    [BindProperty] public OptOutBy By { get; set; } = OptOutBy.Handle;
    [BindProperty] public string? Platform { get; set; }
    [BindProperty] public string? Value { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public IReadOnlyList<OptOutRow> Rows { get; private set; } = [];

    [TempData] public string? Notice { get; set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rows = await registry.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        var result = await registry.OptOutAsync(new OptOutRequest(By, Platform, Value ?? "", Reason ?? ""), User.Identity?.Name, cancellationToken);
        if (!result.Done)
        {
            Problem = result.Message;
            Rows = await registry.ListAsync(cancellationToken);
            return Page();
        }
        Notice = result.Message;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEraseAsync(long personId, string? erasureReason, bool confirm, CancellationToken cancellationToken)
    {
        if (!confirm)
        {
            Problem = "Tick the confirmation: an erasure cannot be undone.";
            Rows = await registry.ListAsync(cancellationToken);
            return Page();
        }
        var result = await registry.EraseAsync(personId, erasureReason ?? "", User.Identity?.Name, cancellationToken);
        if (!result.Done)
        {
            Problem = result.Message;
            Rows = await registry.ListAsync(cancellationToken);
            return Page();
        }
        Notice = result.Message;
        return RedirectToPage();
    }
}
