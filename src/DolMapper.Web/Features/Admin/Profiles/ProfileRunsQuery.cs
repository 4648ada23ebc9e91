using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Features.Admin.Profiles;

/// <summary>A profile's last complete run (when, how many persons, which version) and its latest run's status and error.</summary>
public sealed record ProfileRunSummary(DateTime? LastRunAt, int? LastRunPersons, int? LastRunVersion, string? LastStatus, string? LastError);

/// <summary>Reads the run summaries the admin profile list shows beside each profile.</summary>
public sealed class ProfileRunsQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyDictionary<int, ProfileRunSummary>> ByProfileAsync(CancellationToken cancellationToken)
    {
        var runs = new Dictionary<int, ProfileRunSummary>();
        await using var command = dataSource.CreateCommand($"""
            SELECT p.id AS profile_id,
                   c.completed_at, c.person_count, c.version,
                   l.status, l.error
            FROM scoring_profiles p
            LEFT JOIN LATERAL (SELECT r.completed_at, r.person_count, v.version FROM scoring_runs r JOIN scoring_profile_versions v ON v.id = r.profile_version_id
                               WHERE r.profile_id = p.id AND r.status = '{RunStatuses.Complete}' ORDER BY r.completed_at DESC LIMIT 1) c ON true
            LEFT JOIN LATERAL (SELECT r.status, r.error FROM scoring_runs r WHERE r.profile_id = p.id ORDER BY r.started_at DESC LIMIT 1) l ON true
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs[reader.Get<int>("profile_id")] = new ProfileRunSummary(
                reader.GetUtc("completed_at"), reader.Get<int?>("person_count"), reader.Get<int?>("version"), reader.Get<string>("status"), reader.Get<string>("error"));
        }
        return runs;
    }
}
