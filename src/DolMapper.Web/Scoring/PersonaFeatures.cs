using Npgsql;

namespace DolMapper.Web.Scoring;

/// <summary>
/// What personas are clustered on, per scored person of a run (docs/personas.md): the signals of
/// behaviour — not relevance (the profile's topic) nor relationship (your CRM) — and, from the
/// run's evidence, how much of their posting is conversation and how local their audience is.
/// </summary>
public sealed record PersonaFeatureTable(long RunId, long[] PersonIds, double[][] Rows)
{
    /// <summary>The features, in column order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["hcp_following", "peer_trust", "activity", "public_influence", "presence", "science", "community", "conversation", "locality"];

    public static async Task<PersonaFeatureTable> LoadAsync(NpgsqlConnection connection, long runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            WITH run AS (SELECT data_snapshot_at AS snapshot, coalesce((details -> 'window' ->> 'days')::int, 365) AS days FROM scoring_runs WHERE id = @run),
            -- Whom they engage: the share of their replies, quotes, reposts and mentions (to persons
            -- with a known country) that go to people in their own country.
            outgoing AS (
                SELECT sa.person_id, count(*) FILTER (WHERE tp.country = sp.country)::float8 AS local, count(*)::float8 AS known
                FROM person_scores s
                JOIN accounts sa ON sa.person_id = s.person_id
                JOIN interactions i ON i.source_account_id = sa.id
                JOIN accounts ta ON ta.id = i.target_account_id
                JOIN persons tp ON tp.id = ta.person_id
                JOIN persons sp ON sp.id = s.person_id
                WHERE s.run_id = @run AND tp.country IS NOT NULL AND sp.country IS NOT NULL AND ta.person_id <> s.person_id
                  AND i.occurred_at > (SELECT snapshot - make_interval(days => days) FROM run) AND i.occurred_at <= (SELECT snapshot FROM run)
                GROUP BY sa.person_id)
            SELECT s.person_id, s.hcp_following, s.peer_trust, s.activity, s.public_influence, coalesce((e.evidence -> 'presence' ->> 'completeness')::float8, 0), s.science, s.community,
                   coalesce((e.evidence -> 'activity' ->> 'reply_share')::float8, 0),
                   CASE WHEN o.known > 0 THEN o.local / o.known END
            FROM person_scores s JOIN person_score_evidence e ON e.run_id = s.run_id AND e.person_id = s.person_id
            LEFT JOIN outgoing o ON o.person_id = s.person_id
            WHERE s.run_id = @run
            ORDER BY s.person_id
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("run", runId);
        var ids = new List<long>();
        var rows = new List<double[]>();
        var missingLocality = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                var row = new double[Names.Count];
                for (var j = 0; j < 8; j++)
                {
                    row[j] = reader.GetDouble(1 + j);
                }
                if (reader.IsDBNull(9))
                {
                    missingLocality.Add(rows.Count);
                }
                else
                {
                    row[8] = reader.GetDouble(9);
                }
                rows.Add(row);
            }
        }
        // Nobody to judge their audience's geography by: the population's average, which no persona is made of.
        var known = rows.Where((_, i) => !missingLocality.Contains(i)).Select(r => r[8]).ToList();
        var average = known.Count > 0 ? known.Average() : 0.5;
        var missing = missingLocality.ToHashSet();
        for (var i = 0; i < rows.Count; i++)
        {
            if (missing.Contains(i))
            {
                rows[i][8] = average;
            }
        }
        return new PersonaFeatureTable(runId, [.. ids], [.. rows]);
    }
}
