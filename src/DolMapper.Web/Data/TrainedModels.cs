using Npgsql;

namespace DolMapper.Web.Data;

/// <summary>
/// Stores a new version of an ML.NET model in <c>trained_models</c> from Npgsql code: the HCP
/// classifier (no profile), a profile's personas and its learned ranker. Versions count per kind and
/// profile; the new one becomes the active one. Inside the caller's transaction, so a training that
/// fails before it commits leaves the last good model active.
/// </summary>
public static class TrainedModels
{
    public static async Task<(long Id, int Version)> AddActiveVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string kind, int? profileId, byte[] content, string metricsJson, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE trained_models SET is_active = false WHERE kind = @kind AND profile_id IS NOT DISTINCT FROM @profile AND is_active;
            INSERT INTO trained_models (kind, profile_id, version, content, metrics, is_active, created_at)
            VALUES (@kind, @profile,
                    coalesce((SELECT max(version) FROM trained_models WHERE kind = @kind AND profile_id IS NOT DISTINCT FROM @profile), 0) + 1,
                    @content, @metrics::jsonb, true, now())
            RETURNING id, version
            """, connection, transaction);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.Add(new NpgsqlParameter("profile", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)profileId ?? DBNull.Value });
        command.Parameters.AddWithValue("content", content);
        command.Parameters.AddWithValue("metrics", metricsJson);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt32(1));
    }
}
