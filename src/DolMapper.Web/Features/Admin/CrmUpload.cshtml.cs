using DolMapper.Web.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>A CRM CSV between upload and commit: map its columns, preview every row, then commit or discard.</summary>
public sealed class CrmUploadModel(CrmUploads crm) : PageModel
{
    [BindProperty(SupportsGet = true)] public long Id { get; set; }
    [BindProperty(SupportsGet = true)] public int? MPlatform { get; set; }
    [BindProperty(SupportsGet = true)] public string? MFixedPlatform { get; set; }
    [BindProperty(SupportsGet = true)] public int? MHandle { get; set; }
    [BindProperty(SupportsGet = true)] public int? MAccount { get; set; }
    [BindProperty(SupportsGet = true)] public int? MPerson { get; set; }
    [BindProperty(SupportsGet = true)] public int? MNpi { get; set; }
    [BindProperty(SupportsGet = true)] public int? MKind { get; set; }
    [BindProperty(SupportsGet = true)] public int? MSince { get; set; }
    [BindProperty(SupportsGet = true)] public bool Mapped { get; set; }

    public CrmPreview? Preview { get; private set; }
    public string? Problem { get; private set; }

    public CrmMapping Mapping => new(MPlatform, string.IsNullOrEmpty(MFixedPlatform) ? null : MFixedPlatform, MHandle, MAccount, MPerson, MNpi, MKind, MSince);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var first = await crm.PreviewAsync(Id, null, cancellationToken);
        if (first is null)
        {
            return NotFound();
        }
        if (!Mapped)
        {
            // The first visit: the mapping guessed from the header, shown for the admin to confirm.
            var guess = CrmUploads.Guess(first.Headers);
            (MPlatform, MHandle, MAccount, MPerson, MNpi, MKind, MSince) = (guess.Platform, guess.Handle, guess.Account, guess.Person, guess.Npi, guess.Kind, guess.Since);
            Preview = first;
            return Page();
        }
        Preview = await crm.PreviewAsync(Id, Mapping, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCommitAsync(bool keepUnmatched, CancellationToken cancellationToken)
    {
        var change = await crm.CommitAsync(Id, Mapping, keepUnmatched, User.Identity?.Name, cancellationToken);
        var message = CrmNotices.Committed(change);
        if (!change.Done)
        {
            Problem = message;
            Preview = await crm.PreviewAsync(Id, Mapping, cancellationToken);
            return Preview is null ? RedirectToPage("Crm") : Page();
        }
        TempData["Notice"] = message;
        return RedirectToPage("Crm");
    }

    public async Task<IActionResult> OnPostDiscardAsync(CancellationToken cancellationToken)
    {
        await crm.DiscardAsync(Id, cancellationToken);
        TempData["Notice"] = "The upload is discarded; nothing was stored.";
        return RedirectToPage("Crm");
    }
}
