using System.Security.Claims;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Features.Admin.Users;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Features.Account;

/// <summary>
/// Single sign-on with OpenID Connect: GET starts the provider's sign-in; the callback maps the
/// role claim to a DolMapper role, finds or creates the user, sets their role from the claims at
/// every sign-in, and signs them in. A user is found by the provider's subject; an existing user
/// without that login is linked only when the provider marks the <c>email</c> claim verified and
/// that user was invited and has not set a password (so a provider account can never take over a
/// local one, the last admin included). <c>preferred_username</c> and <c>upn</c> are never used to
/// match. Refused: no mapped role and no default, no e-mail, an e-mail taken by a user that cannot
/// be linked, or a disabled user.
/// </summary>
public sealed class ExternalLoginModel(
    SignInManager<DolMapperUser> signIn, UserManager<DolMapperUser> users, UserAdministration administration,
    DolMapperDbContext db, IOptions<DolMapperOptions> options, SignInAudit audit, ILogger<ExternalLoginModel> logger) : PageModel
{
    private static readonly string[] Strength = [Roles.Admin, Roles.Analyst, Roles.BrandManager];

    public IActionResult OnGet(string? returnUrl)
    {
        if (!options.Value.Sso.Enabled)
        {
            return NotFound();
        }
        var callback = Url.Page("/Account/ExternalLogin", "Callback", new { returnUrl = Url.IsLocalUrl(returnUrl) ? returnUrl : "/" });
        var properties = signIn.ConfigureExternalAuthenticationProperties(WebPipeline.SsoScheme, callback);
        return Challenge(properties, WebPipeline.SsoScheme);
    }

    public async Task<IActionResult> OnGetCallbackAsync(string? returnUrl, string? remoteError, CancellationToken cancellationToken)
    {
        var sso = options.Value.Sso;
        if (!sso.Enabled)
        {
            return NotFound();
        }
        async Task<IActionResult> RefuseAsync(string message, DolMapperUser? known = null)
        {
            logger.LogWarning("Single sign-on refused: {Reason}", message);
            // Audited naming only a known user; the message may carry an address that is no user's.
            await audit.FailedAsync(known, "sso", known is null ? "refused" : message, HttpContext);
            TempData["SsoProblem"] = message;
            return RedirectToPage("/Account/Login");
        }
        if (remoteError is not null)
        {
            return await RefuseAsync($"The identity provider said: {remoteError}");
        }
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null)
        {
            return await RefuseAsync("The sign-in with the identity provider did not complete. Try again.");
        }
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        var claims = info.Principal;
        var email = claims.FindFirstValue("email") ?? claims.FindFirstValue(ClaimTypes.Email);
        var emailVerified = string.Equals(claims.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@'))
        {
            return await RefuseAsync("The identity provider gave no e-mail address for this account (the email claim), so DolMapper cannot tell who it is.");
        }
        var values = claims.FindAll(sso.RoleClaim).Select(c => c.Value).ToList();
        var mapped = values.Select(v => sso.RoleMap.TryGetValue(v, out var role) ? role : null).Where(r => r is not null).Select(r => r!).ToHashSet();
        var chosen = Strength.FirstOrDefault(mapped.Contains) ?? (string.IsNullOrEmpty(sso.DefaultRole) ? null : sso.DefaultRole);
        if (chosen is null)
        {
            return await RefuseAsync($"{email} has no DolMapper role: none of the '{sso.RoleClaim}' claim's values ({(values.Count == 0 ? "none" : string.Join(", ", values))}) is mapped. Ask an administrator.");
        }

        var actor = $"sso:{info.LoginProvider}";
        var user = await users.FindByLoginAsync(info.LoginProvider, info.ProviderKey);
        if (user is null && await users.FindByEmailAsync(email) is { } existing)
        {
            // Linking by e-mail only where nothing can be taken over: a verified address, and a user
            // who was invited and has neither a password nor another sign-in of this provider.
            var linkable = emailVerified && existing.PasswordHash is null
                && (await users.GetLoginsAsync(existing)).All(l => l.LoginProvider != info.LoginProvider);
            if (!linkable)
            {
                db.AuditLog.Add(new AuditLogEntry
                {
                    At = DateTime.UtcNow, UserName = $"sso:{info.LoginProvider}", Action = "user.sso_refused", Target = email,
                    Details = System.Text.Json.JsonSerializer.Serialize(new { provider = info.LoginProvider, subject = info.ProviderKey, email_verified = emailVerified }),
                });
                await db.SaveChangesAsync(cancellationToken);
                return await RefuseAsync(emailVerified
                    ? $"A DolMapper account with the address {email} already exists and signs in with its password, so single sign-on does not take it over. Ask an administrator."
                    : $"A DolMapper account with the address {email} already exists, and the identity provider does not say the address is verified. Ask an administrator.", existing);
            }
            user = existing;
        }
        var created = false;
        if (user is null)
        {
            user = new DolMapperUser
            {
                UserName = email, Email = email, EmailConfirmed = true, DisplayName = claims.FindFirstValue("name"),
                CreatedAt = DateTime.UtcNow, LockoutEnabled = true,
            };
            var result = await users.CreateAsync(user);
            if (!result.Succeeded)
            {
                return await RefuseAsync(string.Join(" ", result.Errors.Select(e => e.Description)));
            }
            await users.AddToRoleAsync(user, chosen);
            created = true;
        }
        if (user.LockoutEnd >= UserAdministration.DisabledUntil)
        {
            return await RefuseAsync($"{email} is disabled in DolMapper. Ask an administrator.", user);
        }
        if ((await users.GetLoginsAsync(user)).All(l => l.LoginProvider != info.LoginProvider || l.ProviderKey != info.ProviderKey))
        {
            await users.AddLoginAsync(user, new UserLoginInfo(info.LoginProvider, info.ProviderKey, info.ProviderDisplayName));
        }
        if (!created && !(await users.GetRolesAsync(user)).SequenceEqual([chosen]))
        {
            // The provider is where roles are managed: its claims set the role at every sign-in (the last admin stays admin).
            var change = await administration.SetRoleAsync(user.Id, chosen, actor, cancellationToken);
            if (!change.Done)
            {
                logger.LogWarning("Single sign-on kept {Email}'s role: {Reason}", email, change.Message);
            }
            user = (await users.FindByIdAsync(user.Id))!;
        }
        db.AuditLog.Add(new AuditLogEntry
        {
            At = DateTime.UtcNow, UserName = email, Action = created ? "user.sso_created" : "user.sso_signed_in", Target = email,
            Details = System.Text.Json.JsonSerializer.Serialize(new { provider = info.LoginProvider, role = chosen, claims = values }),
        });
        await db.SaveChangesAsync(cancellationToken);
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: WebPipeline.SsoScheme);
        await audit.SignedInAsync(user, "sso", HttpContext);
        logger.LogInformation("User {Email} signed in with single sign-on as {Role}", email, chosen);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
