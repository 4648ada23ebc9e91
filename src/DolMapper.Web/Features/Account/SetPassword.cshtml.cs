using System.ComponentModel.DataAnnotations;
using DolMapper.Web.Features.Admin.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Account;

/// <summary>Where an invitation or password-reset link lands: choose a password (anonymous; the link's token is the proof).</summary>
public sealed class SetPasswordModel(UserAdministration admin) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")] public string? UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }

    [BindProperty, Required(ErrorMessage = "Choose a password."), DataType(DataType.Password), MinLength(8, ErrorMessage = "Use at least 8 characters.")]
    [Display(Name = "New password")]
    public string Password { get; set; } = "";

    [BindProperty, DataType(DataType.Password), Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
    [Display(Name = "Repeat it")]
    public string Confirm { get; set; } = "";

    public string? Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Token))
        {
            ModelState.AddModelError(string.Empty, "This link is not valid. Ask an administrator for a new one.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var result = await admin.SetPasswordAsync(UserId!, Token!, Password, cancellationToken);
        if (!result.Done)
        {
            ModelState.AddModelError(string.Empty, result.Message);
            return Page();
        }
        Done = result.Message;
        return Page();
    }
}
