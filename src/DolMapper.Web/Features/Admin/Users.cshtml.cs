using DolMapper.Web.Features.Admin.Users;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Infrastructure.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>Users: invite, role, disable/enable, unlock, password reset, remove.</summary>
public sealed class UsersModel(UserAdministration admin, MailSender mail, Infrastructure.PublicAddress address) : PageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string Role { get; set; } = Roles.BrandManager;

    public bool MailConfigured => mail.Configured;
    public UserActionResult? Result { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Users = await admin.ListAsync(cancellationToken);

    private string Actor => User.Identity?.Name ?? "admin";
    // Links go to the configured public address, never to whatever Host header the request carried.
    private Uri Site => address.Base;

    public Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken) =>
        ShowAsync(admin.InviteAsync(Email ?? "", DisplayName, Role, Actor, Site, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRoleAsync(string id, string role, CancellationToken cancellationToken) =>
        ShowAsync(admin.SetRoleAsync(id, role, Actor, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(string id, CancellationToken cancellationToken) =>
        ShowAsync(admin.DisableAsync(id, Actor, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(string id, CancellationToken cancellationToken) =>
        ShowAsync(admin.EnableAsync(id, Actor, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostResetAsync(string id, CancellationToken cancellationToken) =>
        ShowAsync(admin.SendPasswordResetAsync(id, Actor, Site, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRemoveAsync(string id, CancellationToken cancellationToken) =>
        ShowAsync(admin.RemoveAsync(id, Actor, cancellationToken), cancellationToken);

    /// <summary>
    /// Shows the result on the page itself (not after a redirect), so a one-time link is never
    /// kept in TempData or a URL; the form is cleared after a success.
    /// </summary>
    private async Task<IActionResult> ShowAsync(Task<UserActionResult> action, CancellationToken cancellationToken)
    {
        Result = await action;
        if (Result.Done)
        {
            ModelState.Clear();
            Email = null;
            DisplayName = null;
            Role = Roles.BrandManager;
        }
        Users = await admin.ListAsync(cancellationToken);
        return Page();
    }
}
