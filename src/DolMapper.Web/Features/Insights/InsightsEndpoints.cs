using System.Security.Claims;
using System.Text;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;
using Npgsql;

namespace DolMapper.Web.Features.Insights;

/// <summary>The insights page's CSV downloads for Analysts and Admins (the same tables as the command line's <c>insights</c> verbs), each audited.</summary>
public static class InsightsEndpoints
{
    /// <summary>The trends download's name, for links made with <c>Url.RouteUrl</c>.</summary>
    public const string TrendsCsv = "insights-trends-csv";
    /// <summary>The concern themes download's name.</summary>
    public const string ConcernsCsv = "insights-concerns-csv";
    /// <summary>The product weeks download's name.</summary>
    public const string ProductsCsv = "insights-products-csv";

    public static void Map(IEndpointRouteBuilder app)
    {
        Map(app, "/Insights/trends.csv", TrendsCsv, "trends", (insights, run, writer, ct) => insights.WriteTrendsCsvAsync(run, writer, ct));
        Map(app, "/Insights/concerns.csv", ConcernsCsv, "concerns", (insights, run, writer, ct) => insights.WriteConcernsCsvAsync(run, writer, ct));
        Map(app, "/Insights/products.csv", ProductsCsv, "products", (insights, run, writer, ct) => insights.WriteProductsCsvAsync(run, writer, ct));
    }

    private static void Map(IEndpointRouteBuilder app, string path, string name, string table, Func<InsightsQuery, long, TextWriter, CancellationToken, Task<int>> write)
    {
        app.MapGet(path, async (HttpContext context, InsightsQuery insights, NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        {
            var profile = context.Request.Query["profile"].ToString();
            if (string.IsNullOrWhiteSpace(profile))
            {
                return Results.BadRequest("Which profile? Add ?profile=NAME.");
            }
            var run = await insights.LatestRunAsync(profile, cancellationToken);
            if (run is null)
            {
                return Results.NotFound(await insights.NoRunMessageAsync(profile, cancellationToken));
            }
            var file = $"dolmapper-{table}-{Downloads.Slug(profile)}-{DateTime.UtcNow:yyyy-MM-dd}.csv";
            Downloads.StartCsv(context.Response, file);
            int rows;
            await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                rows = await write(insights, run.RunId, writer, cancellationToken);
            }
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await Data.AuditLog.WriteAsync(connection, null, context.User.Identity?.Name ?? "?", $"export.{table}.csv", profile,
                new { run = run.RunId, version = run.Version, rows, file }, cancellationToken, context.User.FindFirstValue(ClaimTypes.NameIdentifier));
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(name);
    }
}
