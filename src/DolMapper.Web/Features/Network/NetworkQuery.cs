using DolMapper.Web.Features.Rankings;
using Npgsql;

namespace DolMapper.Web.Features.Network;

/// <summary>A person in a drawn network: their display rank and score in the run, and the DOL page to open.</summary>
public sealed record NetworkNode(long Id, string Label, int Rank, double Score, string? Profession, bool Focus);

/// <summary>Who engaged whom (replies, quotes, reposts, mentions between their accounts), and how often.</summary>
public sealed record NetworkEdge(long Source, long Target, int Weight);

/// <summary>A network as the page draws it.</summary>
public sealed record NetworkGraph(string Profile, long RunId, IReadOnlyList<NetworkNode> Nodes, IReadOnlyList<NetworkEdge> Edges);

/// <summary>
/// Reads the networks the pages draw (docs/dashboard.md, "Network"): a profile's top persons and
/// the engagement among them, and one DOL's scored peers (the people they engage most and who
/// engage them most) with the engagement among all of them. Only persons of the run are drawn,
/// never opted-out ones, and bot-like accounts' engagement is left out as in scoring.
/// </summary>
public sealed class NetworkQuery([FromKeyedServices(Data.DolMapperDataSource.Reads)] NpgsqlDataSource dataSource)
{
    /// <summary>The most persons a profile's network draws.</summary>
    public const int MaxTop = 200;

    /// <summary>The peers beside a DOL in their own network.</summary>
    public const int Peers = 25;

    private const string Opted = $"""
        opted AS MATERIALIZED ({Data.OptOutSql.OptedOutPersons}),
        gone AS MATERIALIZED (SELECT x.rank FROM person_scores x WHERE x.run_id = @run AND x.person_id IN (SELECT person_id FROM opted))
        """;

    /// <summary>The run's first <paramref name="top"/> persons (by display rank) and the engagement among them.</summary>
    public async Task<NetworkGraph> TopAsync(RankingRun run, int top, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var nodes = await NodesAsync(connection, $"""
            WITH {Opted}
            SELECT s.person_id, coalesce(n.display_name, n.public_id), {RankingSelection.DisplayRank}, s.score, s.profession
            FROM person_scores s JOIN persons n ON n.id = s.person_id
            WHERE s.run_id = @run AND s.person_id NOT IN (SELECT person_id FROM opted)
            ORDER BY s.rank LIMIT @top
            """, run.RunId, cmd => cmd.Parameters.AddWithValue("top", Math.Clamp(top, 2, MaxTop)), focus: null, cancellationToken);
        return new NetworkGraph(run.Profile, run.RunId, nodes, await EdgesAsync(connection, nodes, cancellationToken));
    }

    /// <summary>
    /// <paramref name="personId"/> and up to <see cref="Peers"/> persons of the run they engage or
    /// who engage them, the most engaged first, and the engagement among all of them; null when the
    /// person is not in the run.
    /// </summary>
    public async Task<NetworkGraph?> AroundAsync(RankingRun run, long personId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var nodes = await NodesAsync(connection, $"""
            WITH {Opted},
                 mine AS MATERIALIZED (SELECT a.id FROM accounts a WHERE a.person_id = @p),
                 ties AS (
                    SELECT ta.person_id AS other, count(*) AS n FROM interactions i JOIN accounts ta ON ta.id = i.target_account_id
                    WHERE i.source_account_id IN (SELECT id FROM mine) GROUP BY 1
                    UNION ALL
                    SELECT sa.person_id, count(*) FROM interactions i JOIN accounts sa ON sa.id = i.source_account_id
                    WHERE i.target_account_id IN (SELECT id FROM mine) AND NOT sa.is_bot_like GROUP BY 1),
                 peers AS (SELECT other, sum(n) AS n FROM ties WHERE other IS NOT NULL AND other <> @p GROUP BY 1)
            SELECT s.person_id, coalesce(n.display_name, n.public_id), {RankingSelection.DisplayRank}, s.score, s.profession
            FROM person_scores s JOIN persons n ON n.id = s.person_id
            WHERE s.run_id = @run AND s.person_id NOT IN (SELECT person_id FROM opted)
              AND (s.person_id = @p OR s.person_id IN (
                    SELECT x.other FROM peers x JOIN person_scores y ON y.run_id = @run AND y.person_id = x.other
                    WHERE x.other NOT IN (SELECT person_id FROM opted) ORDER BY x.n DESC, y.rank LIMIT {Peers}))
            ORDER BY s.rank
            """, run.RunId, cmd => cmd.Parameters.AddWithValue("p", personId), focus: personId, cancellationToken);
        if (!nodes.Any(n => n.Focus))
        {
            return null;
        }
        return new NetworkGraph(run.Profile, run.RunId, nodes, await EdgesAsync(connection, nodes, cancellationToken));
    }

    private static async Task<List<NetworkNode>> NodesAsync(NpgsqlConnection connection, string sql, long runId, Action<NpgsqlCommand> parameters, long? focus, CancellationToken cancellationToken)
    {
        var nodes = new List<NetworkNode>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("run", runId);
        parameters(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            nodes.Add(new NetworkNode(id, reader.GetString(1), reader.GetInt32(2), Math.Round(reader.GetDouble(3), 1), reader.IsDBNull(4) ? null : reader.GetString(4), id == focus));
        }
        return nodes;
    }

    /// <summary>Engagement between the nodes' accounts, one edge per direction, bot-like sources left out.</summary>
    private static async Task<List<NetworkEdge>> EdgesAsync(NpgsqlConnection connection, IReadOnlyList<NetworkNode> nodes, CancellationToken cancellationToken)
    {
        var edges = new List<NetworkEdge>();
        if (nodes.Count < 2)
        {
            return edges;
        }
        await using var command = new NpgsqlCommand("""
            WITH acc AS MATERIALIZED (SELECT a.id, a.person_id, a.is_bot_like FROM accounts a WHERE a.person_id = ANY(@persons))
            SELECT sa.person_id, ta.person_id, count(*)::int
            FROM interactions i JOIN acc sa ON sa.id = i.source_account_id JOIN acc ta ON ta.id = i.target_account_id
            WHERE sa.person_id <> ta.person_id AND NOT sa.is_bot_like
            GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
            """, connection);
        command.Parameters.AddWithValue("persons", nodes.Select(n => n.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            edges.Add(new NetworkEdge(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2)));
        }
        return edges;
    }
}
