using DolMapper.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Account;

/// <summary>
/// Sign-out ends the session on the server too: the user's security stamp changes, so a copy of
/// the cookie stops working at its next check (DolMapper:Auth:SessionCheckSeconds), and so do the
/// user's sessions in other browsers.
/// </summary>
public sealed class LogoutModel(SignInManager<DolMapperUser> signIn, UserManager<DolMapperUser> users, Infrastructure.Auth.SignInAudit audit) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
            await audit.SignedOutAsync(user, HttpContext);
        }
        await signIn.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
