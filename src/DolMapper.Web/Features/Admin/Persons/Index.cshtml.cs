using DolMapper.Web.Persons;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin.Persons;

/// <summary>Persons: merge suggestions to confirm or dismiss, a merge by ids, and the merges with their undo.</summary>
public sealed class IndexModel(PersonMerging merging) : PageModel
{
    public IReadOnlyList<MergeSuggestion> Suggestions { get; private set; } = [];
    public IReadOnlyList<MergeRow> Merges { get; private set; } = [];

    [TempData] public string? Notice { get; set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Suggestions = await merging.SuggestionsAsync(50, cancellationToken);
        Merges = await merging.MergesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostMergeAsync(long keep, long absorb, string? reason, CancellationToken cancellationToken)
    {
        var change = await merging.MergeAsync(keep, absorb, string.IsNullOrWhiteSpace(reason) ? null : reason, User.Identity?.Name, cancellationToken);
        return await AfterAsync(change.Done, PersonNotices.Merged(change), cancellationToken);
    }

    public async Task<IActionResult> OnPostDismissAsync(long a, long b, CancellationToken cancellationToken)
    {
        var change = await merging.DismissAsync(a, b, User.Identity?.Name, cancellationToken);
        return await AfterAsync(change.Done, PersonNotices.Dismissed(change), cancellationToken);
    }

    public async Task<IActionResult> OnPostUndoAsync(long merge, CancellationToken cancellationToken)
    {
        var change = await merging.UndoMergeAsync(merge, User.Identity?.Name, cancellationToken);
        return await AfterAsync(change.Done, PersonNotices.Undone(change), cancellationToken);
    }

    public IActionResult OnGetOpen(long? id) => id is { } person ? RedirectToPage("Person", new { id = person }) : RedirectToPage();

    private async Task<IActionResult> AfterAsync(bool done, string message, CancellationToken cancellationToken)
    {
        if (done)
        {
            Notice = message;
            return RedirectToPage();
        }
        Problem = message;
        await OnGetAsync(cancellationToken);
        return Page();
    }
}
