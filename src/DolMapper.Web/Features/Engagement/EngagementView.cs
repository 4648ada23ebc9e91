using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Features.Engagement;

/// <summary>Reads a run's engagement suggestions (docs/engagement.md) for the pages that show them: DOL and patient influencer pages, and CSVs.</summary>
public static class EngagementView
{
    private const string Columns = "person_id, channel, channel_reason, best_times, best_hours_utc, times_reason, top_formats, formats_reason, collaborations, collaboration_reasons";

    private static PersonEngagement Read(NpgsqlDataReader r, long runId) => new()
    {
        RunId = runId, PersonId = r.GetInt64(0), Channel = r.GetString(1), ChannelReason = r.GetString(2), BestTimes = r.GetString(3),
        BestHoursUtc = r.GetFieldValue<int[]>(4), TimesReason = r.GetString(5), TopFormats = r.GetFieldValue<string[]>(6), FormatsReason = r.GetString(7),
        Collaborations = r.GetFieldValue<string[]>(8), CollaborationReasons = r.GetFieldValue<string[]>(9),
    };

    /// <summary>One person's suggestions in the run; null when they are not derived (yet).</summary>
    public static async Task<PersonEngagement?> ReadAsync(NpgsqlConnection connection, long runId, long personId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM person_engagement WHERE run_id = @run AND person_id = @p", connection);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("p", personId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, runId) : null;
    }

    /// <summary>The suggestions of <paramref name="personIds"/> in the run, by person.</summary>
    public static async Task<Dictionary<long, PersonEngagement>> ReadManyAsync(NpgsqlDataSource dataSource, long runId, long[] personIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, PersonEngagement>();
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM person_engagement WHERE run_id = @run AND person_id = ANY(@p)");
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.AddWithValue("p", personIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var e = Read(reader, runId);
            found[e.PersonId] = e;
        }
        return found;
    }
}
