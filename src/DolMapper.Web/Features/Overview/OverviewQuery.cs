using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Features.Patients;
using DolMapper.Web.Features.Rankings;
using Npgsql;

namespace DolMapper.Web.Features.Overview;

/// <summary>An HCP profile on the home page: its scoring state, and of its latest complete run the top five, the climbers and the newcomers to its top 50.</summary>
public sealed record ProfileOverview(string Profile, ProfileRunState State, RankingRun? Run, long Ranked,
    IReadOnlyList<RankingRow> Top, IReadOnlyList<RankingRow> Climbers, IReadOnlyList<RankingRow> NewEntrants)
{
    /// <summary>True when the run has a complete run before it to compare with.</summary>
    public bool HasPrevious => Run?.PreviousRunId is not null;
}

/// <summary>A patient influencer profile on the home page (its top five).</summary>
public sealed record PatientOverview(string Profile, PatientRun Run, long Ranked, IReadOnlyList<PatientRow> Top);

/// <summary>How fresh one source's data is: its last pass that completed, and its latest pass.</summary>
public sealed record SourceFreshness(string Name, string Kind, bool Enabled, DateTime? LastCompleteAt, long? LastCompleteNew, string? LatestStatus, DateTime? LatestAt, string? LatestMessage);

/// <summary>A file import under way (a progress bar on the home page).</summary>
public sealed record ImportUnderWay(long Id, DateTime StartedAt, long BytesRead, long? BytesTotal, string? TriggeredBy)
{
    public int? Percent => BytesTotal is > 0 ? (int)Math.Min(100, 100 * BytesRead / BytesTotal.Value) : null;
}

/// <summary>Everything the home page shows (docs/dashboard.md, "Home").</summary>
public sealed record HomeOverview(
    long Persons, long Accounts, long Posts, bool CountsEstimated,
    IReadOnlyList<ProfileOverview> Profiles, IReadOnlyList<PatientOverview> Patients,
    IReadOnlyList<SourceFreshness> Sources, SourceFreshness? FileImports, IReadOnlyList<ImportUnderWay> Imports)
{
    /// <summary>True while anything the page shows is under way (the page then refreshes its state).</summary>
    public bool Busy => Imports.Count > 0 || Profiles.Any(p => p.State.Busy);
}

/// <summary>
/// Reads the home page: counts (estimated from the planner's statistics on large tables, so the
/// page stays quick at a hundred million posts), each profile's state and headline ranking, the
/// patient profiles the user may see, and how fresh each source is.
/// </summary>
public sealed class OverviewQuery(NpgsqlDataSource dataSource, RankingQuery rankings, PatientQuery patients, ProfileRunStateQuery states)
{
    /// <summary>The rows compared for climbers and newcomers: a profile's top 50.</summary>
    public const int Headline = 50;

    /// <summary>Above this many rows (by the planner's estimate) counts are estimated, not counted.</summary>
    private const long ExactCountLimit = 1_000_000;

    public async Task<HomeOverview> ReadAsync(bool brandManager, CancellationToken cancellationToken)
    {
        var (persons, personsEstimated) = await CountAsync("persons", "true", cancellationToken);
        if (persons == 0)
        {
            return new HomeOverview(0, 0, 0, false, [], [], await SourcesAsync(cancellationToken), await FileImportsAsync(cancellationToken), await ImportsAsync(cancellationToken));
        }
        var (accounts, accountsEstimated) = await CountAsync("accounts", "NOT is_stub", cancellationToken);
        var (posts, postsEstimated) = await CountAsync("posts", "deleted_at IS NULL", cancellationToken);

        var runStates = await states.ByProfileAsync(cancellationToken);
        var profiles = new List<ProfileOverview>();
        foreach (var (id, name, active) in await HcpProfilesAsync(cancellationToken))
        {
            var state = runStates.GetValueOrDefault(id) ?? new ProfileRunState(id, RunStates.None, null, null, null, null, null, null, null, null);
            var page = state.LastRunAt is null ? null : await rankings.PageAsync(new RankingFilter(Profile: name, Size: Headline), cancellationToken);
            if (page is null && !active && !state.Busy)
            {
                continue;
            }
            var rows = page?.Rows ?? [];
            var hasPrevious = page?.Run.PreviousRunId is not null;
            profiles.Add(new ProfileOverview(name, state, page?.Run, page?.Total ?? 0,
                [.. rows.Take(5)],
                hasPrevious ? [.. rows.Where(r => r.PreviousRank is { } before && before <= Headline && before > r.Rank).OrderByDescending(r => r.PreviousRank - r.Rank).ThenBy(r => r.Rank).Take(3)] : [],
                hasPrevious ? [.. rows.Where(r => r.PreviousRank is null || r.PreviousRank > Headline).Take(5)] : []));
        }
        var patientProfiles = new List<PatientOverview>();
        foreach (var name in await patients.ProfilesAsync(brandManager, cancellationToken))
        {
            if (await patients.LatestRunAsync(name, brandManager, cancellationToken) is { } run)
            {
                var page = await patients.PageAsync(run, null, null, null, 1, cancellationToken, pageSize: 5);
                patientProfiles.Add(new PatientOverview(name, run, page.Total, page.Rows));
            }
        }
        return new HomeOverview(persons, accounts, posts, personsEstimated || accountsEstimated || postsEstimated, profiles, patientProfiles,
            await SourcesAsync(cancellationToken), await FileImportsAsync(cancellationToken), await ImportsAsync(cancellationToken));
    }

    /// <summary>Rows of <paramref name="table"/> matching <paramref name="where"/>: counted when the table is small, else the planner's estimate of all its rows.</summary>
    private async Task<(long Count, bool Estimated)> CountAsync(string table, string where, CancellationToken cancellationToken)
    {
        await using (var estimate = dataSource.CreateCommand($"SELECT reltuples::bigint FROM pg_class WHERE oid = 'public.{table}'::regclass"))
        {
            if (await estimate.ExecuteScalarAsync(cancellationToken) is long rows && rows > ExactCountLimit)
            {
                return (rows, true);
            }
        }
        await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE {where}");
        return ((long)(await count.ExecuteScalarAsync(cancellationToken))!, false);
    }

    private async Task<List<(int Id, string Name, bool Active)>> HcpProfilesAsync(CancellationToken cancellationToken)
    {
        var list = new List<(int, string, bool)>();
        await using var command = dataSource.CreateCommand($"SELECT id, name, active FROM scoring_profiles WHERE kind = '{DolMapper.Scoring.ProfileDefinition.HcpKind}' ORDER BY active DESC, name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add((reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2)));
        }
        return list;
    }

    private const string FreshnessColumns = $$"""
        (SELECT r.finished_at FROM ingestion_runs r WHERE {0} AND r.status = '{{RunStatuses.Complete}}' ORDER BY r.started_at DESC LIMIT 1) AS last_complete_at,
        (SELECT r.new FROM ingestion_runs r WHERE {0} AND r.status = '{{RunStatuses.Complete}}' ORDER BY r.started_at DESC LIMIT 1) AS last_complete_new,
        l.status AS latest_status, coalesce(l.finished_at, l.started_at) AS latest_at, l.message AS latest_message
        """;

    private static SourceFreshness ReadFreshness(NpgsqlDataReader reader, string name, string kind, bool enabled) =>
        new(name, kind, enabled, reader.GetUtc("last_complete_at"), reader.Get<long?>("last_complete_new"), reader.Get<string>("latest_status"), reader.GetUtc("latest_at"), reader.Get<string>("latest_message"));

    private async Task<IReadOnlyList<SourceFreshness>> SourcesAsync(CancellationToken cancellationToken)
    {
        var list = new List<SourceFreshness>();
        await using var command = dataSource.CreateCommand($"""
            SELECT s.name, s.kind, s.enabled, {string.Format(FreshnessColumns, "r.source_id = s.id")}
            FROM sources s
            LEFT JOIN LATERAL (SELECT r.status, r.started_at, r.finished_at, r.message FROM ingestion_runs r WHERE r.source_id = s.id ORDER BY r.started_at DESC LIMIT 1) l ON true
            ORDER BY s.enabled DESC, s.name
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadFreshness(reader, reader.Get<string>("name")!, reader.Get<string>("kind")!, reader.Get<bool>("enabled")));
        }
        return list;
    }

    /// <summary>File imports (uploads, <c>dolmapper import</c>, the demo world) as one source.</summary>
    private async Task<SourceFreshness?> FileImportsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {string.Format(FreshnessColumns, $"r.source_id IS NULL AND r.kind = '{IngestionKinds.Import}'")}
            FROM (SELECT r.status, r.started_at, r.finished_at, r.message FROM ingestion_runs r
                  WHERE r.source_id IS NULL AND r.kind = '{IngestionKinds.Import}' ORDER BY r.started_at DESC LIMIT 1) l
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadFreshness(reader, "File imports", IngestionKinds.Import, true) : null;
    }

    private async Task<IReadOnlyList<ImportUnderWay>> ImportsAsync(CancellationToken cancellationToken)
    {
        var list = new List<ImportUnderWay>();
        await using var command = dataSource.CreateCommand($"""
            SELECT id, started_at, bytes_read, bytes_total, triggered_by FROM ingestion_runs
            WHERE status = '{RunStatuses.Running}' AND kind = '{IngestionKinds.Import}' ORDER BY started_at
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ImportUnderWay(reader.Get<long>("id"), reader.GetUtc("started_at")!.Value, reader.Get<long>("bytes_read"), reader.Get<long?>("bytes_total"), reader.Get<string>("triggered_by")));
        }
        return list;
    }
}
