using System.Globalization;
using System.Security.Claims;
using System.Text;
using DolMapper.Web.Features.Shortlists;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Scoring;

namespace DolMapper.Web.Features.Exports;

/// <summary>
/// CSV downloads for Analysts and Admins: the Rankings page's current view (same filters, same
/// order, same ranks) and a shortlist. Both are streamed by <see cref="RankingCsv"/> straight to
/// the response, so memory does not grow with the rows; each export is audited.
/// </summary>
public static class ExportEndpoints
{
    /// <summary>Endpoint names, for links made with <c>Url.RouteUrl</c> or <c>LinkGenerator</c>.</summary>
    public const string RankingCsv = "rankings-csv";
    public const string ShortlistCsv = "shortlist-csv";

    public static void Map(WebApplication app)
    {
        app.MapGet("/Rankings/export.csv", async (HttpContext context, RankingCsv csv, CancellationToken cancellationToken) =>
        {
            var q = context.Request.Query;
            var profile = q["profile"].ToString();
            if (string.IsNullOrWhiteSpace(profile))
            {
                return Results.BadRequest("Which profile? Add ?profile=NAME.");
            }
            var filter = new RankingFilter(profile, q["country"], q["specialty"], q["profession"], q["tier"], q["q"],
                double.TryParse(q["min"], NumberStyles.Float, CultureInfo.InvariantCulture, out var min) ? min : null, q["sort"], 1,
                q["platform"], q["relationship"], int.TryParse(q["persona"], CultureInfo.InvariantCulture, out var persona) ? persona : null);
            await StreamAsync(context, csv, new RankingExportRequest(profile, Filter: filter), profile,
                new { filter = filter with { Page = 1, Search = Data.AuditLog.Withheld(filter.Search) } }, cancellationToken);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(RankingCsv);

        app.MapGet("/Shortlists/{id:int}/export.csv", async (int id, HttpContext context, RankingCsv csv, ShortlistStore shortlists, CancellationToken cancellationToken) =>
        {
            var list = await shortlists.GetAsync(id, cancellationToken);
            if (list is null)
            {
                return Results.NotFound();
            }
            await StreamAsync(context, csv, new RankingExportRequest(list.Profile, PersonIds: list.PersonIds), list.Profile,
                new { shortlist = list.Name, shortlist_id = list.Id }, cancellationToken, list.Name);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(ShortlistCsv);
    }

    private static async Task StreamAsync(HttpContext context, RankingCsv csv, RankingExportRequest request, string profile, object audit,
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
        var name = $"dolmapper-{Slug(profile)}{(listName is null ? "" : "-" + Slug(listName))}-{DateTime.UtcNow:yyyy-MM-dd}.csv";
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = name, FileName = name,
        }.ToString();
        context.Response.Headers.CacheControl = "no-store";
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

    /// <summary>A file-name-safe form of a name: letters and digits, dashes between words.</summary>
    public static string Slug(string value)
    {
        var builder = new StringBuilder();
        foreach (var c in value.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        return builder.ToString().Trim('-') is { Length: > 0 } slug ? slug : "export";
    }
}
