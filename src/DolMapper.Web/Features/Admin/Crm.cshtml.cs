using DolMapper.Web.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>CRM relationships (question 7): list, filter, edit, delete, and upload a CSV.</summary>
public sealed class CrmModel(CrmUploads crm) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Text { get; set; }

    public int PageNumber { get; private set; } = 1;

    /// <summary>This list (same kind and search) at <paramref name="page"/>.</summary>
    public string PageLink(int page) => Url.Page("/Admin/Crm") + QueryString.Create(new Dictionary<string, string?>
    {
        ["kind"] = Kind, ["q"] = Text, ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value)));
    public IReadOnlyList<CrmRow> Rows { get; private set; } = [];
    public long Total { get; private set; }

    [TempData] public string? Notice { get; set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, page ?? 1);
        (Rows, Total) = await crm.ListAsync(Kind, Text, PageNumber, cancellationToken);
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            Problem = "Choose a CSV file: a header line, then one relationship per line (e.g. platform,handle,kind,since).";
            await OnGetAsync(1, cancellationToken);
            return Page();
        }
        try
        {
            await using var stream = file.OpenReadStream();
            var id = await crm.SaveAsync(file.FileName, stream, User.Identity?.Name, cancellationToken);
            return RedirectToPage("CrmUpload", new { id });
        }
        catch (InvalidDataException e)
        {
            Problem = e.Message;
            await OnGetAsync(1, cancellationToken);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostEditAsync(long id, string kind, string? since, CancellationToken cancellationToken)
    {
        var change = await crm.UpdateAsync(id, kind, since, User.Identity?.Name, cancellationToken);
        var message = CrmNotices.Edited(change);
        if (!change.Done)
        {
            Problem = message;
            await OnGetAsync(1, cancellationToken);
            return Page();
        }
        Notice = message;
        return RedirectToPage(new { kind = Kind, q = Text });
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken cancellationToken)
    {
        var change = await crm.DeleteAsync(id, User.Identity?.Name, cancellationToken);
        var message = CrmNotices.Deleted(change);
        Notice = message;
        if (!change.Done)
        {
            Problem = message;
            Notice = null;
            await OnGetAsync(1, cancellationToken);
            return Page();
        }
        return RedirectToPage(new { kind = Kind, q = Text });
    }
}
