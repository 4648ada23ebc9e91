using DolMapper.Web.Persons;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin.Persons;

/// <summary>One person's accounts; tick those that belong to someone else to split them into a new person.</summary>
public sealed class PersonModel(PersonMerging merging) : PageModel
{
    public PersonCard? Card { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        Card = await merging.GetAsync(id, cancellationToken);
        return Card is null ? this.NotFoundBecause($"There is no person {id}: merged into another, erased, or never there.") : Page();
    }

    public async Task<IActionResult> OnPostSplitAsync(long id, long[] accounts, CancellationToken cancellationToken)
    {
        var change = await merging.SplitAsync(id, accounts, User.Identity?.Name, cancellationToken);
        var message = PersonNotices.Split(change);
        if (!change.Done)
        {
            Problem = message;
            return await OnGetAsync(id, cancellationToken);
        }
        TempData["Notice"] = message;
        return RedirectToPage("Index");
    }
}
