using DolMapper.Web.Persons;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin.Persons;

/// <summary>The HCP review queue, most uncertain first: confirm or correct role and specialty.</summary>
public sealed class ReviewModel(HcpReview review) : PageModel
{
    public IReadOnlyList<ReviewItem> Items { get; private set; } = [];
    public long Total { get; private set; }
    /// <summary>Of <see cref="Total"/>, those the model is unsure of (HCP probability 20–80%).</summary>
    public long Uncertain { get; private set; }
    public int PageNumber { get; private set; } = 1;

    [TempData] public string? Notice { get; set; }
    public string? Problem { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, page ?? 1);
        (Items, Total, Uncertain) = await review.QueueAsync(PageNumber, cancellationToken);
    }

    public async Task<IActionResult> OnPostConfirmAsync(long person, string profession, string? specialty, CancellationToken cancellationToken)
    {
        var result = await review.ConfirmAsync(person, profession, specialty, User.Identity?.Name, cancellationToken);
        var message = PersonNotices.Confirmed(result);
        if (!result.Done)
        {
            Problem = message;
            await OnGetAsync(1, cancellationToken);
            return Page();
        }
        Notice = message;
        return RedirectToPage();
    }
}
