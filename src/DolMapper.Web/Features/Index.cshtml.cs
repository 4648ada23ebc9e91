using DolMapper.Web.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features;

public sealed class IndexModel(DolMapperDbContext db) : PageModel
{
    public long PersonCount { get; private set; }
    public long AccountCount { get; private set; }
    public long PostCount { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PersonCount = await db.Persons.LongCountAsync(cancellationToken);
        if (PersonCount > 0)
        {
            AccountCount = await db.Accounts.LongCountAsync(a => !a.IsStub, cancellationToken);
            PostCount = await db.Posts.LongCountAsync(p => p.DeletedAt == null, cancellationToken);
        }
    }
}
