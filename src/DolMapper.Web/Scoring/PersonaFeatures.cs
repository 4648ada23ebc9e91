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
        // Everything comes from the run's own rows: the scoring run counted whom each person engages
        // by country while it read the interactions (evidence geography.engaged_*), so no join over
        // the interactions is needed here.
        await using var command = new NpgsqlCommand("""
            SELECT s.person_id, s.hcp_following, s.peer_trust, s.activity, s.public_influence, coalesce((e.evidence -> 'presence' ->> 'completeness')::float8, 0), s.science, s.community,
                   coalesce((e.evidence -> 'activity' ->> 'reply_share')::float8, 0),
                   (e.evidence -> 'geography' ->> 'engaged_own_country')::float8 / nullif((e.evidence -> 'geography' ->> 'engaged_with_country')::float8, 0)
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
        var missing = missingLocality.ToHashSet();
        var known = rows.Where((_, i) => !missing.Contains(i)).Select(r => r[8]).ToList();
        var average = known.Count > 0 ? known.Average() : 0.5;
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
