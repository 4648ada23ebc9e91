using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Features.Personas;

public sealed record PersonaCard(int Id, string Key, string Name, int Members, double Share, string Think, string Feel, string Do, double[] TypicalSignals)
{
    /// <summary>How its members could be engaged, summarised from their own suggestions (docs/engagement.md); null until they are derived.</summary>
    public PersonaEngagement? Engagement { get; init; }
}

/// <summary>A persona's members' suggestions in short: the most common channel, two-hour window (UTC), formats and collaborations, each with how many members it holds for.</summary>
public sealed record PersonaEngagement(int Members, (string Channel, int Count) Channel, (int HourUtc, int Count) Hours,
    IReadOnlyList<(string Format, int Count)> Formats, IReadOnlyList<(string Collaboration, int Count)> Collaborations);

/// <summary>A profile's active persona model: when it was trained, its k and silhouettes, and its personas (largest first).</summary>
public sealed record PersonaModelView(int Version, DateTime TrainedAt, int K, string? Silhouettes, IReadOnlyList<PersonaCard> Personas);

/// <summary>Reads what the Personas page shows from the active persona model of a profile and the run it was trained on.</summary>
public sealed class PersonaQuery(NpgsqlDataSource dataSource)
{
    public async Task<PersonaModelView?> ActiveModelAsync(string profile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long modelId;
        long runId;
        int version;
        DateTime trainedAt;
        int k;
        string? silhouettes;
        await using (var command = new NpgsqlCommand($"""
            SELECT m.id AS model_id, m.version, m.created_at AS trained_at, (m.metrics ->> 'run')::bigint AS run_id,
                   (m.metrics ->> 'k')::int AS k, (m.metrics -> 'silhouette')::text AS silhouettes
            FROM trained_models m JOIN scoring_profiles p ON p.id = m.profile_id
            WHERE m.kind = '{ModelKinds.Personas}' AND m.is_active AND p.name = @profile
            """, connection).With("profile", profile))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            modelId = reader.Get<long>("model_id");
            version = reader.Get<int>("version");
            trainedAt = reader.GetUtc("trained_at")!.Value;
            runId = reader.Get<long?>("run_id") ?? 0;
            k = reader.Get<int?>("k") ?? 0;
            silhouettes = reader.Get<string>("silhouettes");
        }

        var signals = string.Join(", ", Questions.All.Select(q => $"avg(s.{q}) AS {q}"));
        var typical = new Dictionary<int, double[]>();
        await using (var command = new NpgsqlCommand($"""
            SELECT pm.persona_id, {signals}
            FROM person_scores s JOIN persona_assignments pm ON pm.run_id = s.run_id AND pm.person_id = s.person_id
            WHERE s.run_id = @run GROUP BY pm.persona_id
            """, connection).With("run", runId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                typical[reader.Get<int>("persona_id")] = [.. Questions.All.Select(q => Math.Round(100 * reader.Get<double>(q), 1))];
            }
        }

        var engagement = new Dictionary<int, PersonaEngagement>();
        await using (var command = new NpgsqlCommand("""
            WITH m AS (SELECT pm.persona_id, e.* FROM persona_assignments pm JOIN person_engagement e ON e.run_id = pm.run_id AND e.person_id = pm.person_id WHERE pm.run_id = @run)
            SELECT persona_id, 'n' AS kind, '' AS item, count(*) AS members FROM m GROUP BY persona_id
            UNION ALL SELECT persona_id, 'channel', channel, count(*) FROM m GROUP BY persona_id, channel
            UNION ALL SELECT persona_id, 'hour', best_hours_utc[1]::text, count(*) FROM m GROUP BY persona_id, best_hours_utc[1]
            UNION ALL SELECT persona_id, 'format', f, count(*) FROM m, unnest(top_formats) f GROUP BY persona_id, f
            UNION ALL SELECT persona_id, 'collaboration', c, count(*) FROM m, unnest(collaborations) c GROUP BY persona_id, c
            """, connection).With("run", runId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var rows = new List<(int Persona, string Kind, string Item, int Count)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2), (int)reader.GetInt64(3)));
            }
            foreach (var group in rows.GroupBy(r => r.Persona))
            {
                (string, int) Top(string kind) => group.Where(r => r.Kind == kind).OrderByDescending(r => r.Count).ThenBy(r => r.Item, StringComparer.Ordinal).Select(r => (r.Item, r.Count)).FirstOrDefault();
                List<(string, int)> Tops(string kind) => [.. group.Where(r => r.Kind == kind).OrderByDescending(r => r.Count).ThenBy(r => r.Item, StringComparer.Ordinal).Take(2).Select(r => (r.Item, r.Count))];
                var hour = Top("hour");
                engagement[group.Key] = new PersonaEngagement(group.Where(r => r.Kind == "n").Sum(r => r.Count), Top("channel"),
                    (int.TryParse(hour.Item1, System.Globalization.CultureInfo.InvariantCulture, out var h) ? h : 0, hour.Item2), Tops("format"), Tops("collaboration"));
            }
        }

        var cards = new List<PersonaCard>();
        await using (var command = new NpgsqlCommand(
            "SELECT id, key, name, member_count, traits::text AS traits FROM personas WHERE model_id = @model ORDER BY member_count DESC", connection).With("model", modelId))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                using var traits = JsonDocument.Parse(reader.Get<string>("traits")!);
                var summary = traits.RootElement.GetProperty("summary");
                var id = reader.Get<int>("id");
                cards.Add(new PersonaCard(id, reader.Get<string>("key")!, reader.Get<string>("name")!, reader.Get<int>("member_count"), 0,
                    summary.GetProperty("think").GetString() ?? "", summary.GetProperty("feel").GetString() ?? "", summary.GetProperty("do").GetString() ?? "",
                    typical.GetValueOrDefault(id, new double[Questions.Count])) { Engagement = engagement.GetValueOrDefault(id) });
            }
        }
        var total = Math.Max(1, cards.Sum(c => c.Members));
        return new PersonaModelView(version, trainedAt, k, silhouettes, [.. cards.Select(c => c with { Share = c.Members / (double)total })]);
    }
}
