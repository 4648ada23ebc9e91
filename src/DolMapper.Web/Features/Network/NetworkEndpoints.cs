using DolMapper.Web.Features.Rankings;

namespace DolMapper.Web.Features.Network;

/// <summary>
/// The networks the pages draw, as JSON for every signed-in role (the same persons the rankings
/// show them): a profile's top persons, and one DOL's peers. Each node carries the address of its
/// DOL page in that profile.
/// </summary>
public static class NetworkEndpoints
{
    public const string Top = "network-top";
    public const string Around = "network-around";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/Rankings/network.json", async (HttpContext context, string? profile, int? top, RankingQuery rankings, NetworkQuery networks, LinkGenerator links, CancellationToken cancellationToken) =>
        {
            if (await rankings.LatestRunAsync(profile, cancellationToken) is not { } run || (profile is not null && run.Profile != profile))
            {
                return Results.NotFound(new { error = $"There is no ranking of a scoring profile named '{profile}'." });
            }
            return Json(context, links, await networks.TopAsync(run, top ?? 100, cancellationToken));
        }).RequireAuthorization().WithName(Top);

        app.MapGet("/Profiles/{id:long}/network.json", async (HttpContext context, long id, string? profile, RankingQuery rankings, NetworkQuery networks, LinkGenerator links, CancellationToken cancellationToken) =>
        {
            if (await rankings.LatestRunAsync(profile, cancellationToken) is not { } run || (profile is not null && run.Profile != profile))
            {
                return Results.NotFound(new { error = $"There is no ranking of a scoring profile named '{profile}'." });
            }
            return await networks.AroundAsync(run, id, cancellationToken) is { } graph
                ? Json(context, links, graph)
                : Results.NotFound(new { error = $"Nobody with the id {id} is ranked in '{run.Profile}' (its latest run)." });
        }).RequireAuthorization().WithName(Around);
    }

    private static IResult Json(HttpContext context, LinkGenerator links, NetworkGraph graph) => Results.Json(new
    {
        profile = graph.Profile,
        nodes = graph.Nodes.Select(n => new
        {
            id = n.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            label = n.Label,
            rank = n.Rank,
            score = n.Score,
            profession = n.Profession,
            focus = n.Focus,
            url = links.GetPathByPage(context, "/Profiles/Index", values: new { id = n.Id, profile = graph.Profile }),
        }),
        edges = graph.Edges.Select(e => new
        {
            source = e.Source.ToString(System.Globalization.CultureInfo.InvariantCulture),
            target = e.Target.ToString(System.Globalization.CultureInfo.InvariantCulture),
            weight = e.Weight,
        }),
    });
}
