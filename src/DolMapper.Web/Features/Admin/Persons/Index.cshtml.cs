using DolMapper.Web.Persons;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin.Persons;

/// <summary>
/// Persons: merge suggestions to confirm or dismiss (counted and paged), a search that finds
/// persons by name, handle or id to open or merge, and the merges with their undo.
/// </summary>
public sealed class IndexModel(PersonMerging merging) : PageModel
{
    public const int SuggestionsPerPage = 10;

    public IReadOnlyList<MergeSuggestion> Suggestions { get; private set; } = [];
    public int SuggestionTotal { get; private set; }
    public int SuggestionPage { get; private set; } = 1;
    public int SuggestionPages => Math.Max(1, (SuggestionTotal + SuggestionsPerPage - 1) / SuggestionsPerPage);
    public IReadOnlyList<MergeRow> Merges { get; private set; } = [];

    /// <summary>The search for persons to open or merge.</summary>
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    public IReadOnlyList<PersonCard> Found { get; private set; } = [];

    [TempData] public string? Notice { get; set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        SuggestionPage = Math.Max(1, page ?? 1);
        (Suggestions, SuggestionTotal) = await merging.SuggestionsAsync(SuggestionPage, SuggestionsPerPage, cancellationToken);
        if (SuggestionPage > SuggestionPages)
        {
            // Past the last page (a merge shortened the list): the last page.
            SuggestionPage = SuggestionPages;
            (Suggestions, SuggestionTotal) = await merging.SuggestionsAsync(SuggestionPage, SuggestionsPerPage, cancellationToken);
        }
        if (!string.IsNullOrWhiteSpace(Search))
        {
            Found = await merging.FindAsync(Search.Length > 200 ? Search[..200] : Search, cancellationToken);
        }
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

    private async Task<IActionResult> AfterAsync(bool done, string message, CancellationToken cancellationToken)
    {
        if (done)
        {
            Notice = message;
            return RedirectToPage();
        }
        Problem = message;
        await OnGetAsync(1, cancellationToken);
        return Page();
    }
}
