using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features;

/// <summary>Renders status codes (403, 404, ...) and unhandled errors, keeping the original status.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "The error has been logged. Try again, or ask an administrator.";
    /// <summary>A not-found page also offers the rankings, where most links start.</summary>
    public bool ShowRankingsLink { get; private set; }

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        switch (code)
        {
            case StatusCodes.Status403Forbidden:
                Title = "Not allowed";
                Message = "Your role does not give access to this page. Ask an administrator if you need it.";
                break;
            case StatusCodes.Status404NotFound:
                Title = "Not found";
                Message = NotFoundReason.Of(HttpContext) ?? "There is no page at this address.";
                ShowRankingsLink = true;
                break;
            case >= 400 and < 500:
                Title = "Bad request";
                Message = "The request could not be handled.";
                break;
        }
        if (code is not null && !Response.HasStarted && Response.StatusCode == StatusCodes.Status200OK)
        {
            Response.StatusCode = code.Value;
        }
    }
}
