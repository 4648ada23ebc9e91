using System.Security.Claims;
using System.Text;
using DolMapper.Web.Events;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;
using Npgsql;

namespace DolMapper.Web.Features.Events;

/// <summary>The event report's CSV download for Analysts and Admins (the same as <c>dolmapper events report</c>), audited.</summary>
public static class EventEndpoints
{
    /// <summary>The download's name, for links made with <c>Url.RouteUrl</c>.</summary>
    public const string ReportCsv = "event-report-csv";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/Events/report.csv", async (HttpContext context, EventStore store, EventQuery query, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        {
            var name = context.Request.Query["name"].ToString();
            if (string.IsNullOrWhiteSpace(name))
            {
                return Results.BadRequest("Which event? Add ?name=NAME.");
            }
            var stored = await store.LatestAsync(name, cancellationToken);
            if (stored is null)
            {
                return Results.NotFound($"There is no event called '{name}'.");
            }
            var reading = (await query.StateAsync(stored, cancellationToken)).Shown;
            if (reading is null)
            {
                return Results.NotFound($"'{name}' has not been read yet; its page says when it is.");
            }
            var file = $"dolmapper-event-{Downloads.Slug(name)}-{DateTime.UtcNow:yyyy-MM-dd}.csv";
            Downloads.StartCsv(context.Response, file);
            int rows;
            await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                rows = await EventReport.WriteCsvAsync(query.StreamAsync(reading.Id, stored.Definition.Profile, limit: null, newVoicesOnly: false, cancellationToken), writer, cancellationToken);
            }
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await Data.AuditLog.WriteAsync(connection, null, context.User.Identity?.Name ?? "?", "export.event.csv", name,
                new { analysis = reading.Id, version = stored.Version, rows, file }, cancellationToken, context.User.FindFirstValue(ClaimTypes.NameIdentifier));
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(ReportCsv);
    }
}
