using Npgsql;

namespace DolMapper.Web.Scoring;

/// <summary>
/// What personas are clustered on, per scored person of a run (docs/personas.md): the signals of
/// behaviour — not relevance (the profile's topic) nor relationship (your CRM) — and, from the
/// run's evidence, how much of their posting is conversation and how local their audience is. In a
/// topic-scoped run they are read over everything a person does (the evidence's overall
/// percentiles): how someone behaves online is theirs, not the topic's.
/// </summary>
public sealed record PersonaFeatureTable(long RunId, long[] PersonIds, double[][] Rows)
{
    /// <summary>The features, in column order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["hcp_following", "peer_trust", "activity", "public_influence", "presence", "science", "community", "conversation", "locality"];

    public static async Task<PersonaFeatureTable> LoadAsync(NpgsqlConnection connection, long runId, CancellationToken cancellationToken)
    {
        // Everything comes from the run's own rows: the scoring run counted whom each person engages
        // by country while it read the interactions (evidence geography.engaged_*), so no join over
        // the interactions is needed here.
        await using var command = new NpgsqlCommand("""
            SELECT s.person_id,
                   coalesce((e.evidence -> 'hcp_following' -> 'overall' ->> 'percentile')::float8, s.hcp_following) AS hcp_following,
                   coalesce((e.evidence -> 'peer_trust' -> 'overall' ->> 'percentile')::float8, s.peer_trust) AS peer_trust,
                   coalesce((e.evidence -> 'activity' -> 'overall' ->> 'percentile')::float8, s.activity) AS activity,
                   coalesce((e.evidence -> 'public_influence' -> 'overall' ->> 'percentile')::float8, s.public_influence) AS public_influence,
                   coalesce((e.evidence -> 'presence' ->> 'completeness')::float8, 0) AS presence,
                   coalesce((e.evidence -> 'science' -> 'overall' ->> 'percentile')::float8, s.science) AS science,
                   coalesce((e.evidence -> 'community' -> 'overall' ->> 'percentile')::float8, s.community) AS community,
                   coalesce((e.evidence -> 'activity' -> 'overall' ->> 'reply_share')::float8, (e.evidence -> 'activity' ->> 'reply_share')::float8, 0) AS conversation,
                   (e.evidence -> 'geography' ->> 'engaged_own_country')::float8 / nullif((e.evidence -> 'geography' ->> 'engaged_with_country')::float8, 0) AS locality
            FROM person_scores s JOIN person_score_evidence e ON e.run_id = s.run_id AND e.person_id = s.person_id
            WHERE s.run_id = @run
            ORDER BY s.person_id
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("run", runId);
        var ids = new List<long>();
        var rows = new List<double[]>();
        var missingLocality = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            // Each feature is read by its name (ordinals resolved once); only locality may be unknown (NULL).
            var person = reader.GetOrdinal("person_id");
            var columns = Names.Select(reader.GetOrdinal).ToArray();
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(person));
                var row = new double[Names.Count];
                for (var j = 0; j < columns.Length; j++)
                {
                    if (reader.IsDBNull(columns[j]))
                    {
                        missingLocality.Add(rows.Count);
                        continue;
                    }
                    row[j] = reader.GetDouble(columns[j]);
                }
                rows.Add(row);
            }
        }
        // Nobody to judge their audience's geography by: the population's average, which no persona is made of.
        var missing = missingLocality.ToHashSet();
        var locality = Names.Count - 1; // the last feature
        var known = rows.Where((_, i) => !missing.Contains(i)).Select(r => r[locality]).ToList();
        var average = known.Count > 0 ? known.Average() : 0.5;
        for (var i = 0; i < rows.Count; i++)
        {
            if (missing.Contains(i))
            {
                rows[i][locality] = average;
            }
        }
        return new PersonaFeatureTable(runId, [.. ids], [.. rows]);
    }
}
