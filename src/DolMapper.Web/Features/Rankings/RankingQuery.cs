using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Scoring;
using DolMapper.Web.Scoring;
using Npgsql;

namespace DolMapper.Web.Features.Rankings;

/// <summary>One row of a ranking as the page shows it.</summary>
public sealed record RankingRow(
    int Rank, long PersonId, string PublicId, string? Name, string Handles, string? Profession, string? Specialty, string? Country,
    double Score, string Tier, string? Persona, double[] Signals, int? PreviousRank);

/// <summary>A run of a profile: which one the page reads.</summary>
/// <param name="OptOuts">A fingerprint of the opt-out table (count and newest id): what a cached count depends on besides the run.</param>
public sealed record RankingRun(string Profile, int ProfileId, int Version, long RunId, DateTime RunAt, long? PreviousRunId, string OptOuts = "", long PersonaModel = 0, bool HasLearnedRanking = false)
{
    /// <summary>The profile version the run scored: its weights (for each row's "why"), scope and countries.</summary>
    public ProfileDefinition? Definition { get; init; }

    /// <summary>How many HCPs the run left out ("not ranked here"), as it recorded them; 0 spares the page asking.</summary>
    public long NotRanked { get; init; }
}

/// <summary>A page of a ranking, with what the filters can offer.</summary>
public sealed record RankingPage(
    RankingRun Run, IReadOnlyList<RankingRow> Rows, long Total, RankingFilter Filter,
    IReadOnlyList<string> Countries, IReadOnlyList<string> Specialties, IReadOnlyList<string> Professions,
    IReadOnlyList<string> Platforms, IReadOnlyList<(int Id, string Name)> Personas)
{
    public string Profile => Run.Profile;
    public int Version => Run.Version;
    public DateTime RunAt => Run.RunAt;
}

/// <summary>Work under way before any ranking exists: scoring runs running now, and scoring jobs waiting or being run.</summary>
public sealed record PendingWork(IReadOnlyList<(string Profile, DateTime StartedAt)> Running, long JobsWaiting, long JobsRunning)
{
    public bool Any => Running.Count > 0 || JobsWaiting > 0 || JobsRunning > 0;
}

/// <summary>An HCP the run did not rank, and why (<see cref="DolMapper.Scoring.NotRankedReasons"/>).</summary>
public sealed record NotRankedEntry(long PersonId, string? Name, string PublicId, string? Country, string Reason);

/// <summary>How many HCPs the run did not rank, by reason, and those a search or a chosen reason lists.</summary>
public sealed record NotRankedSummary(IReadOnlyDictionary<string, long> Counts, IReadOnlyList<NotRankedEntry> Listed)
{
    public long Total => Counts.Values.Sum();
}

/// <summary>
/// Reads a page of the latest complete run of a profile through <see cref="RankingSelection"/>:
/// filters, sort, paging, opted-out persons left out with the display ranks closed up, and each
/// row's rank in the previous complete run.
/// </summary>
public sealed class RankingQuery(
    [FromKeyedServices(Data.DolMapperDataSource.Reads)] NpgsqlDataSource dataSource, NpgsqlDataSource? primary = null, Hangfire.JobStorage? jobs = null)
{
    /// <summary>What is under way (docs/dashboard.md: the rankings page says a run is on its way rather than "no ranking yet").</summary>
    public async Task<PendingWork> PendingAsync(CancellationToken cancellationToken)
    {
        var running = new List<(string, DateTime)>();
        await using (var command = dataSource.CreateCommand($"""
            SELECT p.name, r.started_at FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id
            WHERE r.status = '{RunStatuses.Running}' AND p.kind = '{ProfileDefinition.HcpKind}' ORDER BY r.started_at
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                running.Add((reader.GetString(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)));
            }
        }
        // Only work that ends in a ranking counts (a scoring run's job), not the recurring housekeeping.
        var jobsPending = jobs is null ? [] : Web.Scoring.ScoringRunJob.Pending(jobs);
        long waiting = jobsPending.Count(j => !j.Processing), processing = jobsPending.Count(j => j.Processing);
        return new PendingWork(running, waiting, processing);
    }

    /// <summary>
    /// This user's verdicts on a page's persons (see <see cref="LearnedRanking"/>), read from the
    /// primary: the page shown after giving a verdict must show it, whatever a replica's lag.
    /// </summary>
    public Task<Dictionary<long, string>> VerdictsAsync(int profileId, string userId, IReadOnlyCollection<long> personIds, CancellationToken cancellationToken) =>
        LearnedRanking.VerdictsAsync(primary ?? dataSource, profileId, userId, personIds, cancellationToken);

    /// <summary>The events a ranking can be filtered by, the newest first.</summary>
    public Task<IReadOnlyList<string>> EventNamesAsync(CancellationToken cancellationToken) => Web.Events.EventStore.NamesAsync(dataSource, cancellationToken);

    public async Task<IReadOnlyList<string>> ProfilesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand($"""
            SELECT p.name FROM scoring_profiles p
            WHERE p.kind = '{ProfileDefinition.HcpKind}' AND EXISTS (SELECT 1 FROM scoring_runs r WHERE r.profile_id = p.id AND r.status = '{RunStatuses.Complete}')
            ORDER BY p.active DESC, p.name
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>The latest complete run of <paramref name="profile"/> (the first profile with one when null), and the run before it.</summary>
    public async Task<RankingRun?> LatestRunAsync(string? profile, CancellationToken cancellationToken)
    {
        profile ??= (await ProfilesAsync(cancellationToken)).FirstOrDefault();
        if (profile is null)
        {
            return null;
        }
        await using var command = dataSource.CreateCommand($"""
            SELECT r.id AS run_id, v.version, r.completed_at, p.id AS profile_id,
                   (SELECT r2.id FROM scoring_runs r2 WHERE r2.profile_id = r.profile_id AND r2.status = '{RunStatuses.Complete}' AND r2.completed_at < r.completed_at
                    ORDER BY r2.completed_at DESC LIMIT 1) AS previous_run_id,
                   -- What can change a complete run's rows as shown: opt-outs, and the personas trained on it.
                   (SELECT count(*) || '/' || coalesce(max(o.id), 0) FROM opt_outs o)
                   || '/' || (SELECT coalesce(max(m.id), 0) FROM trained_models m WHERE m.kind = '{ModelKinds.Personas}' AND m.profile_id = p.id AND m.is_active) AS shown_state,
                   (SELECT coalesce(max(m.id), 0) FROM trained_models m WHERE m.kind = '{ModelKinds.Personas}' AND m.profile_id = p.id AND m.is_active) AS persona_model,
                   EXISTS (SELECT 1 FROM trained_models m WHERE m.kind = '{ModelKinds.Ranker}' AND m.profile_id = p.id AND m.is_active) AS has_ranker,
                   v.id AS version_id, v.definition::text AS definition,
                   (SELECT coalesce(sum(n.value::bigint), 0) FROM jsonb_each_text(r.details -> 'not_ranked') n)::bigint AS not_ranked
            FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            WHERE p.name = @name AND p.kind = '{ProfileDefinition.HcpKind}' AND r.status = '{RunStatuses.Complete}' ORDER BY r.completed_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("name", profile);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RankingRun(profile, reader.Get<int>("profile_id"), reader.Get<int>("version"), reader.Get<long>("run_id"), reader.GetUtc("completed_at")!.Value,
                reader.Get<long?>("previous_run_id"), reader.Get<string>("shown_state")!, reader.Get<long>("persona_model"), reader.Get<bool>("has_ranker"))
            {
                // A version never changes: its definition is parsed once, not on every page view.
                Definition = Definition(reader.Get<int>("version_id"), reader),
                NotRanked = reader.Get<long>("not_ranked"),
            }
            : null;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ProfileDefinition> definitionsByVersion = new();

    private ProfileDefinition Definition(int versionId, NpgsqlDataReader reader)
    {
        if (definitionsByVersion.TryGetValue(versionId, out var cached))
        {
            return cached;
        }
        if (definitionsByVersion.Count > 256)
        {
            definitionsByVersion.Clear();
        }
        return definitionsByVersion[versionId] = Web.Scoring.ScoringProfiles.Read(reader.Get<string>("definition")!);
    }

    /// <summary>A page of the ranking; with <paramref name="personIds"/>, of those persons only (a shortlist).</summary>
    public async Task<RankingPage?> PageAsync(RankingFilter filter, CancellationToken cancellationToken, IReadOnlyCollection<long>? personIds = null)
    {
        var run = await LatestRunAsync(filter.Profile, cancellationToken);
        if (run is null)
        {
            return null;
        }
        var page = Math.Max(1, filter.Page);
        filter = filter with { Profile = run.Profile, Page = page, Sort = filter.SortKey };
        var selection = new RankingSelection(run.RunId, filter, personIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // A complete run never changes, so a view's count changes only with the opt-outs: counted
        // once per (run, filters, opt-outs), not on every page, sort or reload.
        var countKey = personIds is null ? (run.RunId, filter with { Page = 1, Sort = null, Profile = null, Size = RankingFilter.PageSize }, run.OptOuts) : default;
        if (personIds is not null || !counts.TryGetValue(countKey, out var total))
        {
            await using var count = new NpgsqlCommand($"{RankingSelection.With} SELECT count(*) FROM person_scores s WHERE {selection.Where}", connection);
            selection.Bind(count);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (personIds is null)
            {
                if (counts.Count > 4096)
                {
                    counts.Clear();
                }
                counts[countKey] = total;
            }
        }

        var rows = new List<RankingRow>();
        // The page's 50 persons are found on the narrow columns first; names, handles and the
        // previous rank are then read for those rows alone, not for every row the sort considers.
        // The statement's text depends only on which filters and sort are used: composed once each.
        if (pageSql.Count > 1024)
        {
            pageSql.Clear();
        }
        var sql = pageSql.GetOrAdd((selection.Where, selection.OrderBy), key => $"""
            {RankingSelection.With},
            gone_before AS MATERIALIZED (SELECT x.rank FROM person_scores x WHERE x.run_id = @previous AND x.person_id IN (SELECT person_id FROM opted)),
            page AS (SELECT s.person_id FROM person_scores s WHERE {key.Where} ORDER BY {key.OrderBy} OFFSET @offset LIMIT @limit)
            SELECT {RankingSelection.DisplayRank} AS display_rank, s.person_id, p.public_id, p.display_name, {RankingSelection.Handles} AS handles,
                   s.profession, s.specialty, s.country, s.score, s.tier, pa.name AS persona, {Signals} AS signals,
                   -- The previous run's rank as it would be shown today (the same opt-outs left out), so an opt-out moves nobody.
                   (SELECT (prev.rank - (SELECT count(*) FROM gone_before g WHERE g.rank < prev.rank))::int
                    FROM person_scores prev WHERE prev.run_id = @previous AND prev.person_id = s.person_id) AS previous_rank
            FROM page JOIN person_scores s ON s.run_id = @run AND s.person_id = page.person_id
            JOIN persons p ON p.id = s.person_id LEFT JOIN persona_assignments pm ON pm.run_id = s.run_id AND pm.person_id = s.person_id LEFT JOIN personas pa ON pa.id = pm.persona_id
            ORDER BY {key.OrderBy}
            """);
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            selection.Bind(command);
            command.Parameters.Add(new NpgsqlParameter("previous", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)run.PreviousRunId ?? DBNull.Value });
            command.Parameters.AddWithValue("offset", Data.Paging.Offset(page, filter.Rows));
            command.Parameters.AddWithValue("limit", filter.Rows);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // The ten signals as one array: read one by one, Npgsql boxed every value (GetDouble and GetFieldValue<double> alike).
                var values = reader.Get<double[]>("signals")!;
                rows.Add(new RankingRow(reader.Get<int>("display_rank"), reader.Get<long>("person_id"), reader.Get<string>("public_id")!, reader.Get<string>("display_name"),
                    reader.Get<string>("handles")!, reader.Get<string>("profession"), reader.Get<string>("specialty"), reader.Get<string>("country"), reader.Get<double>("score"),
                    reader.Get<string>("tier")!, reader.Get<string>("persona"), values, reader.Get<int?>("previous_rank")));
            }
        }

        var facets = await FacetsAsync(connection, run.RunId, cancellationToken);
        // Personas are (re)assigned by their own job after a run: read once per persona model (a model never changes).
        if (!personasByModel.TryGetValue(run.PersonaModel, out var personas))
        {
            personas = [];
            await using (var command = new NpgsqlCommand("SELECT pa.id, pa.name FROM personas pa WHERE pa.model_id = @model ORDER BY pa.name", connection))
            {
                command.Parameters.AddWithValue("model", run.PersonaModel);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    personas.Add((reader.GetInt32(0), reader.GetString(1)));
                }
            }
            if (personasByModel.Count > 256)
            {
                personasByModel.Clear();
            }
            personasByModel[run.PersonaModel] = personas;
        }
        return new RankingPage(run, rows, total, filter, facets.Countries, facets.Specialties, facets.Professions, Data.Entities.Platforms.All, personas);
    }

    /// <summary>The ten signals in question order, as one <c>float8[]</c>.</summary>
    private static readonly string Signals = $"ARRAY[{string.Join(", ", Questions.All.Select(k => "s." + k))}]::float8[]";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Where, string OrderBy), string> pageSql = new();

    private sealed record Facets(List<string> Countries, List<string> Specialties, List<string> Professions);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, RankingFilter, string), long> counts = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, List<(int, string)>> personasByModel = new();

    // A run never changes once complete, so what its filters can offer is read once per run.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Facets> facetsByRun = new();

    private async Task<Facets> FacetsAsync(NpgsqlConnection connection, long runId, CancellationToken cancellationToken)
    {
        if (facetsByRun.TryGetValue(runId, out var cached))
        {
            return cached;
        }
        var facets = new Facets([], [], []);
        await using (var command = new NpgsqlCommand("""
            SELECT array_agg(DISTINCT country) FILTER (WHERE country IS NOT NULL),
                   array_agg(DISTINCT specialty) FILTER (WHERE specialty IS NOT NULL),
                   array_agg(DISTINCT profession) FILTER (WHERE profession IS NOT NULL)
            FROM person_scores WHERE run_id = @run
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            for (var i = 0; i < 3; i++)
            {
                var target = i == 0 ? facets.Countries : i == 1 ? facets.Specialties : facets.Professions;
                if (!reader.IsDBNull(i))
                {
                    target.AddRange(reader.GetFieldValue<string[]>(i).Order(StringComparer.Ordinal));
                }
            }
        }
        if (facetsByRun.Count > 256)
        {
            facetsByRun.Clear();
        }
        facetsByRun[runId] = facets;
        return facets;
    }


    /// <summary>How many HCPs a run left out, by reason; with a search, those whose name or handle matches; with a reason, those left out for it (at most <paramref name="limit"/>). Opted-out persons are never listed.</summary>
    public async Task<NotRankedSummary> NotRankedAsync(RankingRun run, string? search, string? reason, int limit, CancellationToken cancellationToken)
    {
        var runId = run.RunId;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Like a view's count: a complete run's counts change only with the opt-outs, so they are counted once per (run, opt-outs).
        if (notRankedCounts.TryGetValue((runId, run.OptOuts), out var counts))
        {
            return await NotRankedListedAsync(connection, runId, counts, search, reason, limit, cancellationToken);
        }
        var counted = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand($"""
            SELECT reason, count(*) FROM person_not_ranked WHERE run_id = @run AND person_id NOT IN ({Data.OptOutSql.OptedOutPersons}) GROUP BY reason
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counted[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        if (notRankedCounts.Count > 1024)
        {
            notRankedCounts.Clear();
        }
        notRankedCounts[(runId, run.OptOuts)] = counted;
        return await NotRankedListedAsync(connection, runId, counted, search, reason, limit, cancellationToken);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, string), IReadOnlyDictionary<string, long>> notRankedCounts = new();

    private static async Task<NotRankedSummary> NotRankedListedAsync(NpgsqlConnection connection, long runId, IReadOnlyDictionary<string, long> counts,
        string? search, string? reason, int limit, CancellationToken cancellationToken)
    {
        var text = RankingSelection.SearchPattern(search);
        var listed = new List<NotRankedEntry>();
        if (counts.Count > 0 && (text is not null || DolMapper.Scoring.NotRankedReasons.All.Contains(reason)))
        {
            // One statement for a search and one for a reason, not one with "@x IS NULL OR …": prepared
            // once and planned generically, that form read every row of the run instead of the
            // search text's trigram index (16 ms against 3 ms for a name matching 491 of 18,803).
            await using var command = new NpgsqlCommand($"""
                SELECT n.person_id, p.display_name, p.public_id, p.country, n.reason
                FROM person_not_ranked n JOIN persons p ON p.id = n.person_id
                WHERE n.run_id = @run AND n.person_id NOT IN ({Data.OptOutSql.OptedOutPersons})
                  AND {(text is null ? "n.reason = @reason" : "n.search_text ILIKE @text")}
                ORDER BY p.display_name NULLS LAST, n.person_id
                LIMIT @limit
                """, connection);
            command.Parameters.AddWithValue("run", runId);
            if (text is null)
            {
                command.Parameters.Add(new NpgsqlParameter<string>("reason", reason!));
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter<string>("text", text));
            }
            command.Parameters.AddWithValue("limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                listed.Add(new NotRankedEntry(reader.Get<long>("person_id"), reader.Get<string>("display_name"), reader.Get<string>("public_id")!,
                    reader.Get<string>("country"), reader.Get<string>("reason")!));
            }
        }
        return new NotRankedSummary(counts, listed);
    }
}
