using DolMapper.Scoring;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Features.Rankings;

/// <summary>
/// What a ranking view asks for; every field lives in the URL so a view can be shared, and the CSV
/// export of a view uses the same filter so its rows are the rows on the screen.
/// </summary>
public sealed record RankingFilter(
    string? Profile = null, string? Country = null, string? Specialty = null, string? Profession = null, string? Tier = null,
    string? Search = null, double? MinScore = null, string? Sort = null, int Page = 1,
    string? Platform = null, string? Relationship = null, int? Persona = null, string? Event = null, int Size = RankingFilter.PageSize)
{
    /// <summary>Rows per page unless the viewer chooses another of <see cref="PageSizes"/>.</summary>
    public const int PageSize = 50;

    /// <summary>The page sizes a viewer may choose.</summary>
    public static readonly IReadOnlyList<int> PageSizes = [25, 50, 100, 200];

    /// <summary>Rows per page: the chosen size when it is one of <see cref="PageSizes"/>, else the default.</summary>
    public int Rows => PageSizes.Contains(Size) ? Size : PageSize;

    /// <summary>The relationship filter's value for "any CRM relationship".</summary>
    public const string AnyRelationship = "any";

    /// <summary>The question to sort by, or null for the composite score (the rank).</summary>
    public string? SortKey => Sort is { } key && (Questions.IsKey(key) || key == Learned) ? key : null;

    /// <summary>The sort key of the learned ranking (the profile's ranker trained on analysts' feedback).</summary>
    public const string Learned = "learned";

    /// <summary>The filter a rankings address carries (the page's own parameters; the page number and size left at their defaults).</summary>
    public static RankingFilter FromQuery(string profile, IQueryCollection q) =>
        new(profile, q["country"], q["specialty"], q["profession"], q["tier"], q["q"],
            double.TryParse(q["min"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var min) ? min : null, q["sort"], 1,
            q["platform"], q["relationship"], int.TryParse(q["persona"], System.Globalization.CultureInfo.InvariantCulture, out var persona) ? persona : null, q["event"]);
}

/// <summary>
/// The SQL every reader of a run's ranking shares (the Rankings page, its CSV, shortlists): the
/// opted-out persons left out and the display ranks closed up over them (a person's rank among the
/// persons who may be shown — the rank the screen and the CSV both print), the filters, the order.
/// The statement reads <c>person_scores s JOIN persons p</c>; start it with <see cref="With"/>.
/// </summary>
public sealed class RankingSelection(long runId, RankingFilter filter, IReadOnlyCollection<long>? personIds = null)
{
    /// <summary>The opted-out persons once per statement, and their places in this run.</summary>
    public static string With => $"""
        WITH opted AS MATERIALIZED ({Data.OptOutSql.OptedOutPersons}),
             gone AS MATERIALIZED (SELECT x.rank FROM person_scores x WHERE x.run_id = @run AND x.person_id IN (SELECT person_id FROM opted))
        """;

    /// <summary>The rank a person is shown with: their rank in the run less the opted-out persons above them.</summary>
    public const string DisplayRank = "(s.rank - (SELECT count(*) FROM gone g WHERE g.rank < s.rank))::int";

    public string Where => """
        s.run_id = @run AND s.person_id NOT IN (SELECT person_id FROM opted)
          AND (@country::text IS NULL OR s.country = @country)
          AND (@specialty::text IS NULL OR s.specialty = @specialty)
          AND (@profession::text IS NULL OR s.profession = @profession)
          AND (@tier::text IS NULL OR s.tier = @tier)
          AND (@min::float8 IS NULL OR s.score >= @min)
          AND (@persona::int IS NULL OR EXISTS (SELECT 1 FROM persona_assignments pm WHERE pm.run_id = s.run_id AND pm.person_id = s.person_id AND pm.persona_id = @persona))
          AND (@relationship::text IS NULL OR (@relationship = 'any' AND s.relationship_kind <> 'none') OR s.relationship_kind = @relationship)
          AND (@platform::text IS NULL OR EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = s.person_id AND a.platform = @platform AND NOT a.is_stub))
          AND (@search::text IS NULL OR s.search_text ILIKE @search)
          AND (@ids::bigint[] IS NULL OR s.person_id = ANY(@ids))
          AND (@event::text IS NULL OR s.person_id IN (SELECT e.person_id FROM event_persons e WHERE e.analysis_id = (
                SELECT a.id FROM event_analyses a JOIN events ev ON ev.id = a.event_id WHERE ev.name = @event AND a.status = @eventComplete ORDER BY a.completed_at DESC LIMIT 1)))
        """;

    public string OrderBy => filter.SortKey switch
    {
        null => "s.rank",
        RankingFilter.Learned => "s.learned_rank NULLS LAST, s.rank",
        var key => $"s.{key} DESC, s.rank",
    };

    /// <summary>The handles column of the CSV export (docs/formats.md): platform:handle (or platform:id), sorted, space-separated.</summary>
    public const string Handles = """
        coalesce((SELECT string_agg(h, ' ' ORDER BY h) FROM (SELECT a.platform || ':' || coalesce(nullif(a.handle, ''), a.external_id) AS h
                  FROM accounts a WHERE a.person_id = s.person_id AND NOT a.is_stub) handles), '')
        """;

    public void Bind(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("run", runId);
        Text(command, "country", filter.Country);
        Text(command, "specialty", filter.Specialty);
        Text(command, "profession", filter.Profession);
        Text(command, "tier", filter.Tier);
        Text(command, "platform", filter.Platform);
        Text(command, "relationship", filter.Relationship);
        Text(command, "event", filter.Event);
        command.Parameters.AddWithValue("eventComplete", Data.Entities.RunStatuses.Complete);
        command.Parameters.Add(new NpgsqlParameter("min", NpgsqlDbType.Double) { Value = (object?)filter.MinScore ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("persona", NpgsqlDbType.Integer) { Value = (object?)filter.Persona ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("search", NpgsqlDbType.Text)
        {
            Value = (object?)SearchPattern(filter.Search) ?? DBNull.Value,
        });
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
        {
            Value = personIds is null ? DBNull.Value : personIds.ToArray(),
        });
    }

    /// <summary>The name search as an ILIKE pattern (a leading @ dropped, LIKE's own characters escaped); null when there is none.</summary>
    public static string? SearchPattern(string? search) =>
        Blank(search) is { } q
            ? "%" + Data.Like.Escape(q).TrimStart('@') + "%"
            : null;

    private static void Text(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)Blank(value) ?? DBNull.Value });

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
