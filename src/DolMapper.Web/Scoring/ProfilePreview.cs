using DolMapper.Web.Data.Entities;
using System.Collections.Concurrent;
using DolMapper.Scoring;
using DolMapper.Web.Data;
using Npgsql;

namespace DolMapper.Web.Scoring;

/// <summary>One person in a preview's top list: the rank now (the latest run, as shown) and under the new weights.</summary>
public sealed record PreviewEntry(long PersonId, string Name, int? RankNow, double ScoreNow, int RankThen, double ScoreThen)
{
    /// <summary>Places gained (positive) or lost under the new weights; null when the person enters the top list.</summary>
    public int? Moved => RankNow is { } now ? now - RankThen : null;
}

/// <summary>
/// The top <see cref="ProfilePreview.Top"/> under new weights beside the top now, and who enters,
/// leaves and moves. Ranks are display ranks: opted-out persons are left out, as on the rankings.
/// </summary>
public sealed record PreviewResult(long RunId, int Version, DateTime RunAt, int Persons, IReadOnlyList<PreviewEntry> Top, IReadOnlyList<PreviewEntry> Leaving)
{
    public int Entering => Top.Count(e => e.RankNow is null || e.RankNow > ProfilePreview.Top);
    public int MovedWithin => Top.Count(e => e.RankNow is { } now && now <= ProfilePreview.Top && now != e.RankThen);
}

/// <summary>
/// The profile editor's live preview: the DOL score is a weighted combination of the stored,
/// normalised signals, so the latest complete run's signals are re-scored under new weights in
/// memory (with <see cref="DolScore"/>, the ranking order and the tie-break of a scoring run) —
/// no rerun needed. Only the weights are previewed: hashtags, keywords, window and minimum HCP
/// confidence change the signals or the population, which takes a run.
/// The signals of a run are loaded once per (run, opt-outs) and kept while they are the latest.
/// </summary>
public sealed class ProfilePreview(NpgsqlDataSource dataSource)
{
    /// <summary>How many of the top the preview shows.</summary>
    public const int Top = 25;

    private sealed record RunSignals(long RunId, int Version, DateTime RunAt, long[] PersonIds, int[] RankNow, double[] ScoreNow, double[][] Signals);

    private readonly ConcurrentDictionary<(long RunId, string OptOuts), Lazy<Task<RunSignals>>> _runs = new();

    /// <summary>The preview of <paramref name="weights"/> on the profile's latest complete run; null when it has none.</summary>
    public async Task<PreviewResult?> PreviewAsync(int profileId, Weights weights, CancellationToken cancellationToken)
    {
        if (weights.AllZero)
        {
            throw new ArgumentException("All weights are zero: give at least one question a weight.", nameof(weights));
        }
        var run = await SignalsAsync(profileId, cancellationToken);
        if (run is null)
        {
            return null;
        }
        var count = run.PersonIds.Length;
        var scores = new double[count];
        Span<double> row = stackalloc double[Questions.Count];
        Span<double> parts = stackalloc double[Questions.Count];
        for (var i = 0; i < count; i++)
        {
            for (var q = 0; q < Questions.Count; q++)
            {
                row[q] = run.Signals[q][i];
            }
            scores[i] = DolScore.Compute(weights, row, parts);
        }

        // The order of a scoring run: score descending, then the person's id ascending.
        bool Before(int a, int b) => scores[a] > scores[b] || (scores[a] == scores[b] && run.PersonIds[a] < run.PersonIds[b]);
        int RankThen(int i)
        {
            var rank = 1;
            for (var j = 0; j < count; j++)
            {
                if (j != i && Before(j, i))
                {
                    rank++;
                }
            }
            return rank;
        }

        // The top under the new weights: one pass keeping the best Top (a sorted list of at most 25).
        var best = new List<int>(Top + 1);
        for (var i = 0; i < count; i++)
        {
            if (best.Count == Top && !Before(i, best[^1]))
            {
                continue;
            }
            var at = best.Count;
            while (at > 0 && Before(i, best[at - 1]))
            {
                at--;
            }
            best.Insert(at, i);
            if (best.Count > Top)
            {
                best.RemoveAt(Top);
            }
        }
        var inTop = best.ToHashSet();
        var leaving = Enumerable.Range(0, count).Where(i => run.RankNow[i] <= Top && !inTop.Contains(i)).ToList();
        var names = await NamesAsync([.. best.Concat(leaving).Select(i => run.PersonIds[i])], cancellationToken);
        PreviewEntry Entry(int i, int rankThen) =>
            new(run.PersonIds[i], names.GetValueOrDefault(run.PersonIds[i], $"person {run.PersonIds[i]}"), run.RankNow[i], run.ScoreNow[i], rankThen, scores[i]);
        var top = best.Select((i, r) => Entry(i, r + 1)).ToList();
        var left = leaving.Select(i => Entry(i, RankThen(i))).OrderBy(e => e.RankNow).ToList();
        return new PreviewResult(run.RunId, run.Version, run.RunAt, count, top, left);
    }

    private async Task<RunSignals?> SignalsAsync(int profileId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT r.id, v.version, r.completed_at, (SELECT count(*) || '/' || coalesce(max(o.id), 0) FROM opt_outs o)
            FROM scoring_runs r JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            WHERE r.profile_id = @profile AND r.status = '{RunStatuses.Complete}' ORDER BY r.completed_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("profile", profileId);
        long runId;
        int version;
        DateTime runAt;
        string optOuts;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            (runId, version, runAt, optOuts) = (reader.GetInt64(0), reader.GetInt32(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc), reader.GetString(3));
        }
        var key = (runId, optOuts);
        var lazy = _runs.GetOrAdd(key, _ => new Lazy<Task<RunSignals>>(() => LoadAsync(runId, version, runAt)));
        try
        {
            var signals = await lazy.Value.WaitAsync(cancellationToken);
            // A handful of profiles are edited at a time; older runs and opt-out states are dropped.
            if (_runs.Count > 6)
            {
                foreach (var stale in _runs.Keys.Where(k => k != key))
                {
                    _runs.TryRemove(stale, out _);
                }
            }
            return signals;
        }
        catch
        {
            _runs.TryRemove(key, out _);
            throw;
        }
    }

    private async Task<RunSignals> LoadAsync(long runId, int version, DateTime runAt)
    {
        var columns = string.Join(", ", Questions.All.Select(k => "s." + k));
        await using var command = dataSource.CreateCommand($"""
            SELECT s.person_id, s.score, {columns} FROM person_scores s
            WHERE s.run_id = @run AND s.person_id NOT IN ({OptOutSql.OptedOutPersons})
            ORDER BY s.rank
            """);
        command.Parameters.AddWithValue("run", runId);
        var ids = new List<long>();
        var scoreNow = new List<double>();
        var signals = Enumerable.Range(0, Questions.Count).Select(_ => new List<double>()).ToArray();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var (person, score, signal) = (reader.GetOrdinal("person_id"), reader.GetOrdinal("score"), Questions.All.Select(reader.GetOrdinal).ToArray());
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetInt64(person));
                scoreNow.Add(reader.GetDouble(score));
                for (var q = 0; q < Questions.Count; q++)
                {
                    signals[q].Add(reader.GetDouble(signal[q]));
                }
            }
        }
        // Read in rank order, so a person's display rank now is their position.
        var rankNow = Enumerable.Range(1, ids.Count).ToArray();
        return new RunSignals(runId, version, runAt, [.. ids], rankNow, [.. scoreNow], [.. signals.Select(s => s.ToArray())]);
    }

    private async Task<Dictionary<long, string>> NamesAsync(long[] personIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, display_name FROM persons WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", personIds);
        var names = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names[reader.GetInt64(0)] = reader.IsDBNull(1) ? $"person {reader.GetInt64(0)}" : reader.GetString(1);
        }
        return names;
    }
}
