using System.ComponentModel.DataAnnotations;
using DolMapper.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Account;

/// <summary>
/// Password sign-in. Whether an account exists, or is locked, is not told apart: every failure gets
/// the same message after the same work (a password hash is checked even for an unknown address or
/// a locked account), and attempts are rate-limited per client address (<see cref="Infrastructure.WebPipeline.SignInRateLimit"/>).
/// </summary>
public sealed class LoginModel(SignInManager<DolMapperUser> signIn, UserManager<DolMapperUser> users, IPasswordHasher<DolMapperUser> hasher,
    Infrastructure.Auth.SignInAudit audit, ILogger<LoginModel> logger) : PageModel
{
    public const string Failed = "The e-mail or password is not right. After 5 failed attempts an account is locked for 15 minutes.";

    /// <summary>A hash of a random password, checked when there is no real one to check, so that costs the same time.</summary>
    private static string? s_decoyHash;

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your e-mail address.")]
        [EmailAddress(ErrorMessage = "Enter a valid e-mail address.")]
        [Display(Name = "E-mail")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Display(Name = "Keep me signed in")]
        public bool RememberMe { get; set; }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var user = await users.FindByNameAsync(Input.Email.Trim());
        var wasLocked = user is not null && await users.IsLockedOutAsync(user);
        var result = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {Email} signed in", Input.Email);
            await audit.SignedInAsync(user!, "password", HttpContext);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }
        var reason = user is null ? "no such user" : result.IsLockedOut ? "locked out" : result.IsNotAllowed ? "not allowed" : "wrong password";
        await audit.FailedAsync(user, "password", reason, HttpContext);
        if (user is not null && !wasLocked && result.IsLockedOut)
        {
            // This attempt was the one that locked the account.
            await audit.LockedOutAsync(user, await users.GetLockoutEndDateAsync(user), HttpContext);
        }
        if (user is null || result.IsLockedOut || result.IsNotAllowed)
        {
            // No password was checked: check a decoy, so the answer takes as long as a wrong password's.
            s_decoyHash ??= hasher.HashPassword(new DolMapperUser(), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
            hasher.VerifyHashedPassword(new DolMapperUser(), s_decoyHash, Input.Password);
        }
        logger.LogWarning("Sign-in refused for {Email}: {Reason}", Input.Email, reason);
        ModelState.AddModelError(string.Empty, Failed);
        return Page();
    }
}
