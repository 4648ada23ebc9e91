using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Features.Shortlists;

/// <summary>A shortlist's CSV for Analysts and Admins: the ranking export's columns and ranks for the list's members (audited).</summary>
public static class ShortlistEndpoints
{
    /// <summary>The endpoint's name, for links made with <c>Url.RouteUrl</c> or <c>LinkGenerator</c>.</summary>
    public const string Csv = "shortlist-csv";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/Shortlists/{id:int}/export.csv", async (int id, HttpContext context, RankingCsv csv, ShortlistStore shortlists, Patients.PatientQuery patients, CancellationToken cancellationToken) =>
        {
            var list = await shortlists.GetAsync(id, cancellationToken);
            if (list is null)
            {
                return Results.NotFound();
            }
            if (await patients.LatestRunAsync(list.Profile, brandManager: false, cancellationToken) is { } run)
            {
                // A patient profile's list: the patient CSV for its members, audited as every export of patient rows.
                await Patients.PatientEndpoints.StreamAsync(context, patients, run, null, null, null, list.PersonIds,
                    new { shortlist = list.Name, shortlist_id = list.Id }, cancellationToken, list.Name);
                return Results.Empty;
            }
            await RankingEndpoints.StreamAsync(context, csv, new RankingExportRequest(list.Profile, PersonIds: list.PersonIds, ShortlistId: list.Id), list.Profile,
                new { shortlist = list.Name, shortlist_id = list.Id }, cancellationToken, list.Name);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(Csv);
    }
}
