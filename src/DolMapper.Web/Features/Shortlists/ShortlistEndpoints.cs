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
        app.MapGet("/Shortlists/{id:int}/export.csv", async (int id, HttpContext context, RankingCsv csv, ShortlistStore shortlists, CancellationToken cancellationToken) =>
        {
            var list = await shortlists.GetAsync(id, cancellationToken);
            if (list is null)
            {
                return Results.NotFound();
            }
            await RankingEndpoints.StreamAsync(context, csv, new RankingExportRequest(list.Profile, PersonIds: list.PersonIds), list.Profile,
                new { shortlist = list.Name, shortlist_id = list.Id }, cancellationToken, list.Name);
            return Results.Empty;
        }).RequireAuthorization(Policies.Analyst).WithName(Csv);
    }
}
