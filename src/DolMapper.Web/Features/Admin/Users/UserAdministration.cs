using System.Text;
using System.Text.Json;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Infrastructure.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Features.Admin.Users;

/// <summary>What an action did, and the one-time link to pass on when it was not e-mailed.</summary>
public sealed record UserActionResult(bool Done, string Message, string? Link = null);

/// <summary>A user as the users page lists them.</summary>
public sealed record UserRow(string Id, string Email, string? DisplayName, string? Role, DateTime CreatedAt, UserStatus Status, DateTimeOffset? LockedUntil);

public enum UserStatus
{
    Active,
    /// <summary>Invited, no password set yet.</summary>
    Invited,
    /// <summary>Locked after failed sign-ins, until <see cref="UserRow.LockedUntil"/>.</summary>
    LockedOut,
    /// <summary>Disabled by an admin.</summary>
    Disabled,
}

/// <summary>
/// Users and their one role: invite (e-mail over SMTP, else a one-time link for the admin to pass
/// on), change role, disable and enable, unlock, send a password reset, remove. The last enabled
/// admin can be neither demoted, disabled nor removed, and nobody disables or removes themselves.
/// Every action is audited; disabling, a role change or a new password end the user's sessions
/// (security stamp, checked every <see cref="AuthOptions.SessionCheckSeconds"/>).
/// </summary>
public sealed class UserAdministration(UserManager<DolMapperUser> users, DolMapperDbContext db, MailSender mail, IOptions<DolMapperOptions> options)
{
    /// <summary>A disabled account's lockout end: Identity then refuses every sign-in.</summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.Email)
            .Select(u => new
            {
                u.Id, u.Email, u.DisplayName, u.CreatedAt, u.LockoutEnd, HasPassword = u.PasswordHash != null,
                Role = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).OrderBy(n => n).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new UserRow(r.Id, r.Email ?? "", r.DisplayName, r.Role, r.CreatedAt,
            r.LockoutEnd >= DisabledUntil ? UserStatus.Disabled
            : r.LockoutEnd > now ? UserStatus.LockedOut
            : !r.HasPassword ? UserStatus.Invited
            : UserStatus.Active,
            r.LockoutEnd > now && r.LockoutEnd < DisabledUntil ? r.LockoutEnd : null))];
    }

    /// <summary>Creates a user with a password (the command line's <c>users add</c>); the password must pass the same rules as on the pages.</summary>
    public async Task<UserActionResult> CreateWithPasswordAsync(string email, string? displayName, string role, string password, string actor, CancellationToken cancellationToken)
    {
        var (user, refused) = await NewUserAsync(email, displayName, role);
        if (user is null)
        {
            return refused!;
        }
        user.EmailConfirmed = true;
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new UserActionResult(false, string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(user, role);
        await AuditAsync(actor, "user.created", user.Email, new { role, with_password = true }, cancellationToken);
        return new UserActionResult(true, $"Created {user.Email} as {role}.");
    }

    /// <summary>The user with this e-mail address, for the command line (which names users by address).</summary>
    public async Task<string?> IdOfAsync(string email) => (await users.FindByEmailAsync(email.Trim()))?.Id;

    /// <summary>A user not saved yet, or why there can be none: an unknown role, not an address, or an address that has an account.</summary>
    private async Task<(DolMapperUser? User, UserActionResult? Refused)> NewUserAsync(string email, string? displayName, string role)
    {
        email = email.Trim();
        if (!Roles.All.Contains(role))
        {
            return (null, new UserActionResult(false, $"Choose a role: {string.Join(", ", Roles.All)}."));
        }
        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length == 0)
        {
            return (null, new UserActionResult(false, $"'{email}' is not an e-mail address."));
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            return (null, new UserActionResult(false, $"{email} already has an account."));
        }
        return (new DolMapperUser
        {
            UserName = email, Email = email, DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim(),
            CreatedAt = DateTime.UtcNow, LockoutEnabled = true,
        }, null);
    }

    public async Task<UserActionResult> InviteAsync(string email, string? displayName, string role, string actor, Uri site, CancellationToken cancellationToken)
    {
        var (user, refused) = await NewUserAsync(email, displayName, role);
        if (user is null)
        {
            return refused!;
        }
        email = user.Email!;
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return new UserActionResult(false, string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(user, role);
        var link = await PasswordLinkAsync(user, site);
        var error = await mail.SendAsync(email, "Your DolMapper account",
            $"""
            {actor} has invited you to DolMapper as {role}.

            Choose your password here (the link works for {options.Value.Auth.LinkLifetimeHours} hours, once):
            {link}
            """, cancellationToken);
        await AuditAsync(actor, "user.invited", email, new { role, emailed = error is null }, cancellationToken);
        return error is null
            ? new UserActionResult(true, $"Invited {email} as {role}; the e-mail with their link is sent.")
            : new UserActionResult(true, $"Invited {email} as {role}. {(mail.Configured ? error + " " : "")}Pass this one-time link on to them (it is not shown again):", link);
    }

    public async Task<UserActionResult> SetRoleAsync(string userId, string role, string actor, CancellationToken cancellationToken)
    {
        if (!Roles.All.Contains(role))
        {
            return new UserActionResult(false, $"Choose a role: {string.Join(", ", Roles.All)}.");
        }
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new UserActionResult(false, "No such user.");
        }
        var before = await users.GetRolesAsync(user);
        if (before.SequenceEqual([role]))
        {
            return new UserActionResult(true, $"{user.Email} is already {role}.");
        }
        if (before.Contains(Roles.Admin) && role != Roles.Admin && await IsLastAdminAsync(user))
        {
            return new UserActionResult(false, $"{user.Email} is the last enabled admin: make someone else admin first.");
        }
        await users.RemoveFromRolesAsync(user, before);
        await users.AddToRoleAsync(user, role);
        await users.UpdateSecurityStampAsync(user);
        await AuditAsync(actor, "user.role_changed", user.Email, new { before, after = new[] { role } }, cancellationToken);
        return new UserActionResult(true, $"{user.Email} is now {role}.");
    }

    public async Task<UserActionResult> DisableAsync(string userId, string actor, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new UserActionResult(false, "No such user.");
        }
        if (string.Equals(user.Email, actor, StringComparison.OrdinalIgnoreCase))
        {
            return new UserActionResult(false, "You cannot disable your own account.");
        }
        if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastAdminAsync(user))
        {
            return new UserActionResult(false, $"{user.Email} is the last enabled admin and cannot be disabled.");
        }
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, DisabledUntil);
        await users.UpdateSecurityStampAsync(user);
        await AuditAsync(actor, "user.disabled", user.Email, new { }, cancellationToken);
        return new UserActionResult(true, $"{user.Email} is disabled and signed out everywhere.");
    }

    /// <summary>Enables a disabled user, or unlocks one locked out by failed sign-ins.</summary>
    public async Task<UserActionResult> EnableAsync(string userId, string actor, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new UserActionResult(false, "No such user.");
        }
        var wasDisabled = user.LockoutEnd >= DisabledUntil;
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await AuditAsync(actor, wasDisabled ? "user.enabled" : "user.unlocked", user.Email, new { }, cancellationToken);
        return new UserActionResult(true, wasDisabled ? $"{user.Email} is enabled again." : $"{user.Email} is unlocked.");
    }

    public async Task<UserActionResult> SendPasswordResetAsync(string userId, string actor, Uri site, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new UserActionResult(false, "No such user.");
        }
        var link = await PasswordLinkAsync(user, site);
        var error = await mail.SendAsync(user.Email!, "Reset your DolMapper password",
            $"""
            {actor} has asked for your DolMapper password to be reset.

            Choose a new password here (the link works for {options.Value.Auth.LinkLifetimeHours} hours, once):
            {link}

            Your current password keeps working until you do.
            """, cancellationToken);
        await AuditAsync(actor, "user.password_reset_sent", user.Email, new { emailed = error is null }, cancellationToken);
        return error is null
            ? new UserActionResult(true, $"A password-reset link is e-mailed to {user.Email}.")
            : new UserActionResult(true, $"{(mail.Configured ? error + " " : "")}Pass this one-time password-reset link on to {user.Email} (it is not shown again):", link);
    }

    public async Task<UserActionResult> RemoveAsync(string userId, string actor, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return new UserActionResult(false, "No such user.");
        }
        if (string.Equals(user.Email, actor, StringComparison.OrdinalIgnoreCase))
        {
            return new UserActionResult(false, "You cannot remove your own account.");
        }
        if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastAdminAsync(user))
        {
            return new UserActionResult(false, $"{user.Email} is the last enabled admin and cannot be removed.");
        }
        var result = await users.DeleteAsync(user);
        if (!result.Succeeded)
        {
            return new UserActionResult(false, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        await AuditAsync(actor, "user.removed", user.Email, new { }, cancellationToken);
        return new UserActionResult(true, $"{user.Email} is removed.");
    }

    /// <summary>Sets the password from an invitation or reset link; the link then no longer works (the security stamp changes).</summary>
    public async Task<UserActionResult> SetPasswordAsync(string userId, string token, string password, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
        }
        catch (FormatException)
        {
            decoded = "";
        }
        if (user is null || decoded.Length == 0)
        {
            return new UserActionResult(false, "This link is not valid. Ask an administrator for a new one.");
        }
        var result = await users.ResetPasswordAsync(user, decoded, password);
        if (!result.Succeeded)
        {
            var invalidToken = result.Errors.Any(e => e.Code == "InvalidToken");
            return new UserActionResult(false, invalidToken
                ? "This link has expired or was used already. Ask an administrator for a new one."
                : string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        await users.ResetAccessFailedCountAsync(user);
        await AuditAsync(user.Email!, "user.password_set", user.Email, new { }, cancellationToken);
        return new UserActionResult(true, "Your password is set. Sign in with it.");
    }

    private async Task<string> PasswordLinkAsync(DolMapperUser user, Uri site)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var encoded = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return new Uri(site, $"/Account/SetPassword?user={Uri.EscapeDataString(user.Id)}&token={encoded}").ToString();
    }

    private async Task<bool> IsLastAdminAsync(DolMapperUser user)
    {
        var now = DateTimeOffset.UtcNow;
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return !admins.Any(a => a.Id != user.Id && a.PasswordHash != null && !(a.LockoutEnd > now));
    }

    private async Task AuditAsync(string actor, string action, string? target, object details, CancellationToken cancellationToken)
    {
        db.AuditLog.Add(new AuditLogEntry { At = DateTime.UtcNow, UserName = actor, Action = action, Target = target, Details = JsonSerializer.Serialize(details) });
        await db.SaveChangesAsync(cancellationToken);
    }
}
