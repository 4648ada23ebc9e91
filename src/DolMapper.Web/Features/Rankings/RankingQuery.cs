using DolMapper.Scoring;
using Npgsql;

namespace DolMapper.Web.Features.Rankings;

/// <summary>What a ranking view asks for; every field lives in the URL so a view can be shared.</summary>
public sealed record RankingFilter(
    string? Profile = null, string? Country = null, string? Specialty = null, string? Profession = null, string? Tier = null,
    string? Search = null, double? MinScore = null, string? Sort = null, int Page = 1)
{
    public const int PageSize = 50;
}

/// <summary>One row of a ranking as the page shows it.</summary>
public sealed record RankingRow(
    int Rank, long PersonId, string PublicId, string? Name, string Handles, string? Profession, string? Specialty, string? Country,
    double Score, string Tier, double[] Signals, int? PreviousRank);

/// <summary>A page of a ranking, with what the filters can offer.</summary>
public sealed record RankingPage(
    string Profile, int Version, long RunId, DateTime RunAt, IReadOnlyList<RankingRow> Rows, long Total, RankingFilter Filter,
    IReadOnlyList<string> Countries, IReadOnlyList<string> Specialties, IReadOnlyList<string> Professions);

/// <summary>
/// Reads a page of the latest complete run of a profile: filters, sort, paging, opted-out persons
/// left out with the display ranks closed up, and each row's rank in the previous complete run.
/// </summary>
public sealed class RankingQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<string>> ProfilesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand("""
            SELECT p.name FROM scoring_profiles p
            WHERE EXISTS (SELECT 1 FROM scoring_runs r WHERE r.profile_id = p.id AND r.status = 'complete')
            ORDER BY p.active DESC, p.name
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    public async Task<RankingPage?> PageAsync(RankingFilter filter, CancellationToken cancellationToken)
    {
        var profile = filter.Profile ?? (await ProfilesAsync(cancellationToken)).FirstOrDefault();
        if (profile is null)
        {
            return null;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long runId;
        int version;
        DateTime runAt;
        long? previousRun;
        await using (var command = new NpgsqlCommand("""
            SELECT r.id, v.version, r.completed_at,
                   (SELECT r2.id FROM scoring_runs r2 WHERE r2.profile_id = r.profile_id AND r2.status = 'complete' AND r2.completed_at < r.completed_at
                    ORDER BY r2.completed_at DESC LIMIT 1)
            FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            WHERE p.name = @name AND r.status = 'complete' ORDER BY r.completed_at DESC LIMIT 1
            """, connection))
        {
            command.Parameters.AddWithValue("name", profile);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            runId = reader.GetInt64(0);
            version = reader.GetInt32(1);
            runAt = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
            previousRun = reader.IsDBNull(3) ? null : reader.GetInt64(3);
        }

        var sort = filter.Sort is { } key && Questions.IsKey(key) ? key : null;
        var signals = string.Join(", ", Questions.All.Select(k => "s." + k));
        var where = $"""
            s.run_id = @run AND NOT {Data.OptOutSql.IsOptedOut("s.person_id")}
              AND (@country::text IS NULL OR s.country = @country)
              AND (@specialty::text IS NULL OR s.specialty = @specialty)
              AND (@profession::text IS NULL OR s.profession = @profession)
              AND (@tier::text IS NULL OR s.tier = @tier)
              AND (@min::float8 IS NULL OR s.score >= @min)
              AND (@search::text IS NULL OR p.display_name ILIKE @search
                   OR EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = s.person_id AND a.handle ILIKE @search))
            """;
        void Bind(NpgsqlCommand command)
        {
            command.Parameters.AddWithValue("run", runId);
            command.Parameters.Add(new NpgsqlParameter("country", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)Blank(filter.Country) ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("specialty", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)Blank(filter.Specialty) ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("profession", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)Blank(filter.Profession) ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("tier", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)Blank(filter.Tier) ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("min", NpgsqlTypes.NpgsqlDbType.Double) { Value = (object?)filter.MinScore ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("search", NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = Blank(filter.Search) is { } q ? "%" + q.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%" : DBNull.Value,
            });
        }

        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM person_scores s JOIN persons p ON p.id = s.person_id WHERE {where}", connection))
        {
            Bind(count);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var page = Math.Max(1, filter.Page);
        var rows = new List<RankingRow>();
        await using (var command = new NpgsqlCommand($"""
            SELECT s.rank - (SELECT count(*) FROM person_scores x WHERE x.run_id = s.run_id AND x.rank < s.rank
                               AND {Data.OptOutSql.IsOptedOut("x.person_id")}),
                   s.person_id, p.public_id, p.display_name,
                   coalesce((SELECT string_agg(a.platform || ':' || coalesce(nullif(a.handle, ''), a.external_id), ' ' ORDER BY a.platform, a.handle)
                             FROM accounts a WHERE a.person_id = p.id AND NOT a.is_stub), ''),
                   s.profession, s.specialty, s.country, s.score, s.tier, {signals},
                   (SELECT prev.rank FROM person_scores prev WHERE prev.run_id = @previous AND prev.person_id = s.person_id)
            FROM person_scores s JOIN persons p ON p.id = s.person_id
            WHERE {where}
            ORDER BY {(sort is null ? "s.rank" : $"s.{sort} DESC, s.rank")}
            OFFSET @offset LIMIT @limit
            """, connection))
        {
            Bind(command);
            command.Parameters.Add(new NpgsqlParameter("previous", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)previousRun ?? DBNull.Value });
            command.Parameters.AddWithValue("offset", (page - 1) * RankingFilter.PageSize);
            command.Parameters.AddWithValue("limit", RankingFilter.PageSize);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new double[Questions.Count];
                for (var q = 0; q < Questions.Count; q++)
                {
                    values[q] = reader.GetDouble(10 + q);
                }
                rows.Add(new RankingRow((int)reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetDouble(8), reader.GetString(9), values,
                    reader.IsDBNull(20) ? null : reader.GetInt32(20)));
            }
        }

        async Task<List<string>> DistinctAsync(string column)
        {
            var list = new List<string>();
            await using var command = new NpgsqlCommand($"SELECT DISTINCT {column} FROM person_scores WHERE run_id = @run AND {column} IS NOT NULL ORDER BY 1", connection);
            command.Parameters.AddWithValue("run", runId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(reader.GetString(0));
            }
            return list;
        }

        return new RankingPage(profile, version, runId, runAt, rows, total, filter with { Profile = profile, Page = page, Sort = sort },
            await DistinctAsync("country"), await DistinctAsync("specialty"), await DistinctAsync("profession"));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
