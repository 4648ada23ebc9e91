using System.Security.Claims;
using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Shortlists;

/// <summary>The team's shortlists (Analysts and Admins): create, and add persons from the rankings or a profile.</summary>
[Authorize(Policy = Policies.Analyst)]
public sealed class IndexModel(ShortlistStore shortlists, RankingQuery rankings) : PageModel
{
    public IReadOnlyList<ShortlistSummary> Lists { get; private set; } = [];
    public IReadOnlyList<string> Profiles { get; private set; } = [];
    [TempData] public string? Message { get; set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Lists = await shortlists.ListAsync(cancellationToken);
        Profiles = await rankings.ProfilesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? profile, string? notes, CancellationToken cancellationToken)
    {
        var created = await shortlists.CreateAsync(name, profile, notes, User.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken);
        if (created.Id is not { } id)
        {
            Error = created.Problem;
            await OnGetAsync(cancellationToken);
            return Page();
        }
        return RedirectToPage("/Shortlists/Details", new { id });
    }

    /// <summary>
    /// Adds the checked persons to a shortlist, or to a new one when <paramref name="newName"/> is
    /// given; answers htmx with a one-line status, a plain form post with a redirect back.
    /// </summary>
    public async Task<IActionResult> OnPostAddAsync(int? shortlist, string? newName, string? profile, long[] ids, string? note, string? returnUrl,
        CancellationToken cancellationToken)
    {
        string message;
        if (ids.Length == 0)
        {
            message = "Tick at least one person first.";
        }
        else
        {
            var target = shortlist;
            string? error = null;
            if (!string.IsNullOrWhiteSpace(newName))
            {
                var created = await shortlists.CreateAsync(newName, profile, null, User.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken);
                (target, error) = (created.Id, created.Problem);
            }
            if (target is { } id && await shortlists.GetAsync(id, cancellationToken) is { } list)
            {
                var added = await shortlists.AddAsync(id, ids, note, cancellationToken, User.Identity?.Name);
                message = $"Added {added} to '{list.Name}'" + (added < ids.Length ? $" ({ids.Length - added} already on it)." : ".");
            }
            else
            {
                message = error ?? "Choose a shortlist or give a new one a name.";
            }
        }
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            return Content($"<span role=\"status\" data-testid=\"shortlist-status\">{System.Net.WebUtility.HtmlEncode(message)}</span>", "text/html");
        }
        Message = message;
        return Url.IsLocalUrl(returnUrl) ? LocalRedirect(returnUrl!) : RedirectToPage("/Shortlists/Index");
    }
}
