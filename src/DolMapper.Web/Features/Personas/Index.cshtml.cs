using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Features.Rankings;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace DolMapper.Web.Features.Personas;

/// <summary>The personas of a profile's latest persona model: who they are (think, feel, do), how many, their typical radar, their members.</summary>
public sealed class IndexModel(NpgsqlDataSource dataSource, RankingQuery rankings) : PageModel
{
    public sealed record PersonaCard(int Id, string Key, string Name, int Members, double Share, string Think, string Feel, string Do, double[] TypicalSignals);

    public IReadOnlyList<string> Profiles { get; private set; } = [];
    public string? Profile { get; private set; }
    public IReadOnlyList<PersonaCard> Personas { get; private set; } = [];
    public int? ModelVersion { get; private set; }
    public DateTime? TrainedAt { get; private set; }
    public int K { get; private set; }
    public string? Silhouettes { get; private set; }

    public async Task OnGetAsync(string? profile, CancellationToken cancellationToken)
    {
        Profiles = await rankings.ProfilesAsync(cancellationToken);
        Profile = profile is not null && Profiles.Contains(profile) ? profile : Profiles.FirstOrDefault();
        if (Profile is null)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long? modelId = null;
        long? runId = null;
        await using (var command = new NpgsqlCommand("""
            SELECT m.id, m.version, m.created_at, (m.metrics ->> 'run')::bigint, (m.metrics ->> 'k')::int, (m.metrics -> 'silhouette')::text
            FROM trained_models m JOIN scoring_profiles p ON p.id = m.profile_id
            WHERE m.kind = 'personas' AND m.is_active AND p.name = @profile
            """, connection))
        {
            command.Parameters.AddWithValue("profile", Profile);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                modelId = reader.GetInt64(0);
                ModelVersion = reader.GetInt32(1);
                TrainedAt = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
                runId = reader.IsDBNull(3) ? null : reader.GetInt64(3);
                K = reader.IsDBNull(4) ? 0 : reader.GetInt32(4);
                Silhouettes = reader.IsDBNull(5) ? null : reader.GetString(5);
            }
        }
        if (modelId is null)
        {
            return;
        }
        var signals = string.Join(", ", Questions.All.Select(k => $"avg(s.{k})"));
        var typical = new Dictionary<int, double[]>();
        await using (var command = new NpgsqlCommand($"SELECT pm.persona_id, {signals} FROM person_scores s JOIN persona_assignments pm ON pm.run_id = s.run_id AND pm.person_id = s.person_id WHERE s.run_id = @run GROUP BY pm.persona_id", connection))
        {
            command.Parameters.AddWithValue("run", runId ?? 0);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                typical[reader.GetInt32(0)] = [.. Enumerable.Range(0, Questions.Count).Select(q => Math.Round(100 * reader.GetDouble(1 + q), 1))];
            }
        }
        var cards = new List<PersonaCard>();
        await using (var command = new NpgsqlCommand("SELECT id, key, name, member_count, traits::text FROM personas WHERE model_id = @model ORDER BY member_count DESC", connection))
        {
            command.Parameters.AddWithValue("model", modelId.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                using var traits = JsonDocument.Parse(reader.GetString(4));
                var summary = traits.RootElement.GetProperty("summary");
                var id = reader.GetInt32(0);
                cards.Add(new PersonaCard(id, reader.GetString(1), reader.GetString(2), reader.GetInt32(3), 0,
                    summary.GetProperty("think").GetString() ?? "", summary.GetProperty("feel").GetString() ?? "", summary.GetProperty("do").GetString() ?? "",
                    typical.GetValueOrDefault(id, new double[Questions.Count])));
            }
        }
        var total = Math.Max(1, cards.Sum(c => c.Members));
        Personas = [.. cards.Select(c => c with { Share = c.Members / (double)total })];
    }
}
