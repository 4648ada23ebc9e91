using System.Text.Json;
using DolMapper.Scoring;
using Npgsql;

namespace DolMapper.Web.Features.Profiles;

/// <summary>A DOL as the profile page shows them, in one profile's latest complete run.</summary>
public sealed record DolProfile(
    long PersonId, string PublicId, string? Name, string? Profession, string? Specialty, string? Country, double? HcpConfidence,
    IReadOnlyList<string> ClassificationTerms, IReadOnlyList<(string Platform, string Handle, string? Url)> Accounts,
    string Profile, int Version, DateTime RunAt, int Rank, double Score, string Tier, double[] Signals, double[] Raw, double[] Contributions,
    JsonElement Evidence, IReadOnlyList<(DateTime At, string Text, string? Url)> SamplePosts, IReadOnlyList<(DateTime At, int Rank, double Score)> History);

/// <summary>Reads one person's explained score (opted-out persons are never shown).</summary>
public sealed class ProfileQuery(NpgsqlDataSource dataSource)
{
    public async Task<DolProfile?> GetAsync(long personId, string profile, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var signals = string.Join(", ", Questions.All.Select(k => $"s.{k}, s.{k}_raw"));
        await using var command = new NpgsqlCommand($"""
            SELECT p.id, p.public_id, p.display_name, s.profession, s.specialty, s.country, p.hcp_confidence, p.classification_evidence::text,
                   v.version, r.completed_at, s.rank, s.score, s.tier, {signals}, s.contributions, s.evidence::text, r.profile_id
            FROM person_scores s
            JOIN scoring_runs r ON r.id = s.run_id
            JOIN scoring_profiles pr ON pr.id = r.profile_id
            JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            JOIN persons p ON p.id = s.person_id
            WHERE s.person_id = @person AND pr.name = @profile AND r.status = 'complete'
              AND r.id = (SELECT r2.id FROM scoring_runs r2 WHERE r2.profile_id = r.profile_id AND r2.status = 'complete' ORDER BY r2.completed_at DESC LIMIT 1)
              AND NOT {Data.OptOutSql.IsOptedOut("p.id")}
            """, connection);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("profile", profile);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var terms = new List<string>();
        if (!reader.IsDBNull(7))
        {
            using var classification = JsonDocument.Parse(reader.GetString(7));
            if (classification.RootElement.TryGetProperty("terms", out var t) && t.ValueKind == JsonValueKind.Array)
            {
                terms.AddRange(t.EnumerateArray().Select(e => e.GetString()).OfType<string>());
            }
        }
        var values = new double[Questions.Count];
        var raw = new double[Questions.Count];
        for (var q = 0; q < Questions.Count; q++)
        {
            values[q] = reader.GetDouble(13 + 2 * q);
            raw[q] = reader.GetDouble(14 + 2 * q);
        }
        var contributions = reader.GetFieldValue<double[]>(33);
        var evidence = JsonDocument.Parse(reader.GetString(34)).RootElement.Clone();
        var profileId = reader.GetInt32(35);
        var header = (Id: reader.GetInt64(0), PublicId: reader.GetString(1), Name: reader.IsDBNull(2) ? null : reader.GetString(2),
            Profession: reader.IsDBNull(3) ? null : reader.GetString(3), Specialty: reader.IsDBNull(4) ? null : reader.GetString(4),
            Country: reader.IsDBNull(5) ? null : reader.GetString(5), Confidence: reader.IsDBNull(6) ? (double?)null : reader.GetDouble(6),
            Version: reader.GetInt32(8), RunAt: DateTime.SpecifyKind(reader.GetDateTime(9), DateTimeKind.Utc), Rank: reader.GetInt32(10),
            Score: reader.GetDouble(11), Tier: reader.GetString(12));
        await reader.CloseAsync();

        var accounts = new List<(string, string, string?)>();
        await using (var a = new NpgsqlCommand("SELECT platform, coalesce(nullif(handle, ''), external_id), url FROM accounts WHERE person_id = @p AND NOT is_stub ORDER BY platform", connection))
        {
            a.Parameters.AddWithValue("p", personId);
            await using var r = await a.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                accounts.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }
        var posts = new List<(DateTime, string, string?)>();
        await using (var p = new NpgsqlCommand("""
            SELECT po.created_at, po.text, po.urls[1] FROM posts po JOIN accounts a ON a.id = po.account_id
            WHERE a.person_id = @p AND po.deleted_at IS NULL AND po.text IS NOT NULL
            ORDER BY (po.likes + po.reposts + po.quotes) DESC, po.created_at DESC LIMIT 5
            """, connection))
        {
            p.Parameters.AddWithValue("p", personId);
            await using var r = await p.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                posts.Add((DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
            }
        }
        var history = new List<(DateTime, int, double)>();
        await using (var h = new NpgsqlCommand("""
            SELECT r.completed_at, s.rank, s.score FROM person_scores s JOIN scoring_runs r ON r.id = s.run_id
            WHERE s.person_id = @p AND r.profile_id = @profile AND r.status = 'complete' ORDER BY r.completed_at
            """, connection))
        {
            h.Parameters.AddWithValue("p", personId);
            h.Parameters.AddWithValue("profile", profileId);
            await using var r = await h.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                history.Add((DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), r.GetInt32(1), r.GetDouble(2)));
            }
        }
        return new DolProfile(header.Id, header.PublicId, header.Name, header.Profession, header.Specialty, header.Country, header.Confidence, terms,
            accounts, profile, header.Version, header.RunAt, header.Rank, header.Score, header.Tier, values, raw, contributions, evidence, posts, history);
    }
}
