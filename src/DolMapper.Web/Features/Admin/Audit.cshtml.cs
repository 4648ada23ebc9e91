using System.Text;
using DolMapper.Web.Features.Admin.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>The audit log: filter by action, user, text and dates; page; export what the filter selects as CSV.</summary>
public sealed class AuditModel(AuditLogQuery query) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "action")] public string? ActionFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "user")] public string? UserFilter { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Text { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }

    public int PageNumber { get; private set; } = 1;
    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];
    public long Total { get; private set; }
    public IReadOnlyList<string> Actions { get; private set; } = [];
    public IReadOnlyList<string> Users { get; private set; } = [];

    private AuditFilter Filter(int page = 1) => new(ActionFilter, UserFilter, Text, From, To, page);

    public async Task OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, page ?? 1);
        (Rows, Total) = await query.PageAsync(Filter(PageNumber), cancellationToken);
        (Actions, Users) = await query.ChoicesAsync(cancellationToken);
    }

    /// <summary>The selected entries as CSV (streamed); the export itself is audited.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        var filter = Filter();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"dolmapper-audit-{DateTime.UtcNow:yyyy-MM-dd}.csv\"";
        long rows;
        await using (var writer = new StreamWriter(Response.Body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            rows = await query.WriteCsvAsync(filter, writer, cancellationToken);
        }
        await query.RecordExportAsync(User.Identity?.Name, filter, rows, cancellationToken);
        return new EmptyResult();
    }

    public string Link(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["action"] = ActionFilter, ["user"] = UserFilter, ["q"] = Text,
        ["from"] = From?.ToString("yyyy-MM-dd"), ["to"] = To?.ToString("yyyy-MM-dd"), ["page"] = page > 1 ? page.ToString() : null,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToString();
}
