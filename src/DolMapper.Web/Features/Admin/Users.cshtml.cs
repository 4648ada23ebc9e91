using DolMapper.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.Admin;

public sealed class UsersModel(DolMapperDbContext db) : PageModel
{
    public sealed record UserRow(string Email, string? DisplayName, IReadOnlyList<string> Roles, DateTime CreatedAt, bool LockedOut);

    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = await db.Users.AsNoTracking()
            .OrderBy(u => u.Email)
            .Select(u => new
            {
                u.Email,
                u.DisplayName,
                u.CreatedAt,
                LockedOut = u.LockoutEnd != null && u.LockoutEnd > now,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!)
                    .OrderBy(n => n)
                    .ToList(),
            })
            .ToListAsync(cancellationToken);
        Users = rows.Select(r => new UserRow(r.Email ?? "", r.DisplayName, r.Roles, r.CreatedAt, r.LockedOut)).ToList();
    }
}
