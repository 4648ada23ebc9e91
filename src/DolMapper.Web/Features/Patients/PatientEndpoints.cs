using System.Globalization;
using System.Security.Claims;
using System.Text;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Features.Patients;

/// <summary>
/// The CSV of a patient influencer ranking (analysts and admins; docs/patients.md): the page's
/// filters, streamed, and every export of patient rows written to the audit log with who, which
/// profile and run, how many rows and what was asked.
/// </summary>
public static class PatientEndpoints
{
    public const string Csv = "patients-csv";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/Patients/export.csv", async (HttpContext context, PatientQuery patients, CancellationToken cancellationToken) =>
        {
            var q = context.Request.Query;
            var profile = q["profile"].ToString();
            var run = string.IsNullOrWhiteSpace(profile) ? null : await patients.LatestRunAsync(profile, brandManager: false, cancellationToken);
            if (run is null)
            {
                return Results.NotFound($"No patient influencer ranking named '{profile}'.");
            }
            string? Text(string key) => string.IsNullOrWhiteSpace(q[key]) ? null : q[key].ToString();
            await StreamAsync(context, patients, run, Text("country"), Text("tier"), Text("q"), null,
                new { country = Text("country"), tier = Text("tier"), q = Data.AuditLog.Withheld(Text("q")) }, cancellationToken);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(Csv);
    }

    /// <summary>Streams the run's patient rows (filtered, or the persons of a shortlist) as a named CSV download and audits it with <paramref name="request"/>.</summary>
    public static async Task StreamAsync(HttpContext context, PatientQuery patients, PatientRun run, string? country, string? tier, string? search,
        IReadOnlyCollection<long>? personIds, object request, CancellationToken cancellationToken, string? listName = null)
    {
        var name = $"dolmapper-patients-{Downloads.Slug(run.Profile)}{(listName is null ? "" : "-" + Downloads.Slug(listName))}-{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";
        Downloads.StartCsv(context.Response, name);
        int rows;
        await using (var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            rows = await patients.WriteCsvAsync(run, country, tier, search, personIds, writer, cancellationToken);
        }
        await patients.AuditExportAsync(context.User.FindFirstValue(ClaimTypes.NameIdentifier), context.User.Identity?.Name ?? "?", run, rows, new { request, file = name }, cancellationToken);
    }
}
