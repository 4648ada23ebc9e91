using System.Security.Claims;
using System.Text;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Features.Safety;

/// <summary>The safety team's CSV of the adverse-event queue (reviewers only), after a fresh scan; audited.</summary>
public static class SafetyEndpoints
{
    public const string Csv = "safety-csv";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/Safety/export.csv", async (HttpContext context, SafetyCsv csv, Web.Compliance.AdverseEventQueue queue, CancellationToken cancellationToken) =>
        {
            var all = context.Request.Query["status"].ToString() == "all";
            var unmask = context.Request.Query["unmask"].ToString() is "1" or "true";
            await queue.ScanAsync(cancellationToken);
            var name = $"dolmapper-adverse-events-{(all ? "all" : "open")}-{DateTime.UtcNow:yyyy-MM-dd}.csv";
            Downloads.StartCsv(context.Response, name);
            int rows;
            await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                rows = await csv.WriteCsvAsync(all, unmask, writer, cancellationToken);
            }
            await csv.AuditExportAsync(context.User.FindFirstValue(ClaimTypes.NameIdentifier), context.User.Identity?.Name ?? "?", rows, new { status = all ? "all" : "open", unmask, file = name }, cancellationToken);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(Csv);
    }
}
