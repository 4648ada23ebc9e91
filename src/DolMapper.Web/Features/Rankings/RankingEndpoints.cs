using System.Security.Claims;
using System.Text;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Infrastructure;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// The CSV download of the Rankings page's current view for Analysts and Admins (same filters,
/// same order, same ranks), streamed by <see cref="RankingCsv"/> straight to the response, so
/// memory does not grow with the rows; each export is audited. Other slices' exports of a ranking
/// (a shortlist) stream through <see cref="StreamAsync"/>.
/// </summary>
public static class RankingEndpoints
{
    /// <summary>The endpoint's name, for links made with <c>Url.RouteUrl</c> or <c>LinkGenerator</c>.</summary>
    public const string Csv = "rankings-csv";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/Rankings/export.csv", async (HttpContext context, RankingCsv csv, CancellationToken cancellationToken) =>
        {
            var q = context.Request.Query;
            var profile = q["profile"].ToString();
            if (string.IsNullOrWhiteSpace(profile))
            {
                return Results.BadRequest("Which profile? Add ?profile=NAME.");
            }
            var filter = RankingFilter.FromQuery(profile, q);
            await StreamAsync(context, csv, new RankingExportRequest(profile, Filter: filter), profile,
                new { filter = filter with { Page = 1, Search = Data.AuditLog.Withheld(filter.Search) } }, cancellationToken);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(Csv);

    }

    /// <summary>Streams an export of the profile's latest complete run as a named CSV download (404 when there is none) and audits it.</summary>
    public static async Task StreamAsync(HttpContext context, RankingCsv csv, RankingExportRequest request, string profile, object audit,
        CancellationToken cancellationToken, string? listName = null)
    {
        var run = await csv.LatestRunAsync(profile, cancellationToken);
        if (run is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($"'{profile}' has no complete scoring run yet.", cancellationToken);
            return;
        }
        var bom = context.Request.Query["bom"] is { Count: > 0 } b && b.ToString() is "1" or "true" or "on";
        var name = $"dolmapper-{Downloads.Slug(profile)}{(listName is null ? "" : "-" + Downloads.Slug(listName))}-{DateTime.UtcNow:yyyy-MM-dd}.csv";
        Downloads.StartCsv(context.Response, name);
        RankingExportResult? result;
        await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom), 1 << 16, leaveOpen: true))
        {
            result = await csv.WriteAsync(request, writer, cancellationToken);
        }
        if (result is not null)
        {
            var user = context.User;
            await csv.AuditAsync(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name ?? "?", profile, result,
                new { audit, bom, file = name }, cancellationToken);
        }
    }
}
