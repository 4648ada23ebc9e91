using System.Text.Json;
using DolMapper.Scoring.Hcp;
using DolMapper.Web.Data;
using Npgsql;

namespace DolMapper.Web.Persons;

/// <summary>Why a role confirmation was refused (the page words it).</summary>
public enum RoleRefusal
{
    UnknownRole,
    UnknownSpecialty,
    NoSuchPerson,
}

/// <summary>What an admin's confirmation did: the role and specialty stored, and whether they changed the classifier's (a correction, which trains the next HCP model).</summary>
public sealed record RoleConfirmation(RoleRefusal? Refusal, long PersonId, string Profession, string? Specialty, bool Corrected = false)
{
    public bool Done => Refusal is null;
}

/// <summary>A person whose HCP classification an admin should look at.</summary>
public sealed record ReviewItem(long PersonId, string? Name, string? Handles, string? Bio, string? Profession, string? Specialty, double Confidence, IReadOnlyList<string> Reasons);

/// <summary>
/// The HCP review queue: classified persons nobody confirmed, most uncertain first (the model's
/// HCP probability closest to ½). An admin confirms or corrects role and specialty; the person is
/// then marked confirmed, keeps that role in every run (the classifier no longer touches them) and
/// is training data for the next model. Audited.
/// </summary>
public sealed class HcpReview(NpgsqlDataSource dataSource)
{
    public const int PageSize = 25;

    /// <summary>An HCP probability this close to ½ or closer is uncertain: between 20% and 80%.</summary>
    public const double UncertainBand = 0.3;

    /// <summary>A page of the queue, how many are in it, and how many of them are uncertain (<see cref="UncertainBand"/>).</summary>
    public async Task<(IReadOnlyList<ReviewItem> Items, long Total, long Uncertain)> QueueAsync(int page, CancellationToken cancellationToken)
    {
        const string where = $"""
            NOT p.role_confirmed AND p.hcp_confidence IS NOT NULL AND p.merged_into IS NULL
            AND EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND NOT a.is_stub)
            AND p.id NOT IN ({OptOutSql.OptedOutPersons})
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long total, uncertain;
        await using (var count = new NpgsqlCommand($"SELECT count(*), count(*) FILTER (WHERE abs(p.hcp_confidence - 0.5) <= @band) FROM persons p WHERE {where}", connection))
        {
            count.Parameters.AddWithValue("band", UncertainBand);
            await using var counted = await count.ExecuteReaderAsync(cancellationToken);
            await counted.ReadAsync(cancellationToken);
            (total, uncertain) = (counted.GetInt64(0), counted.GetInt64(1));
        }
        await using var command = new NpgsqlCommand($"""
            SELECT p.id, p.display_name,
                   (SELECT string_agg(a.platform || ':' || coalesce(a.handle, a.external_id), ' ' ORDER BY a.platform) FROM accounts a WHERE a.person_id = p.id AND NOT a.is_stub),
                   (SELECT a.bio FROM accounts a WHERE a.person_id = p.id AND NOT a.is_stub AND a.bio IS NOT NULL ORDER BY a.followers DESC NULLS LAST LIMIT 1),
                   p.profession, p.specialty, p.hcp_confidence, p.classification_evidence::text
            FROM persons p WHERE {where}
            ORDER BY abs(p.hcp_confidence - 0.5), p.id
            OFFSET @offset LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("offset", Data.Paging.Offset(page, PageSize));
        command.Parameters.AddWithValue("limit", PageSize);
        var items = new List<ReviewItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            items.Add(new ReviewItem(reader.GetInt64(0), S(1), S(2), S(3), S(4), S(5), reader.GetDouble(6), Reasons(S(7))));
        }
        return (items, total, uncertain);
    }

    public async Task<RoleConfirmation> ConfirmAsync(long personId, string profession, string? specialty, string? user, CancellationToken cancellationToken)
    {
        if (!HcpLabels.IsLabel(profession))
        {
            return new RoleConfirmation(RoleRefusal.UnknownRole, personId, profession, specialty);
        }
        specialty = string.IsNullOrWhiteSpace(specialty) ? null : specialty.Trim().ToLowerInvariant();
        if (specialty is not null && !SpecialtyLexicon.Entries.Any(e => e.Key == specialty))
        {
            return new RoleConfirmation(RoleRefusal.UnknownSpecialty, personId, profession, specialty);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? before, beforeSpecialty;
        double? beforeConfidence;
        await using (var read = new NpgsqlCommand("SELECT profession, specialty, hcp_confidence FROM persons WHERE id = @id FOR UPDATE", connection, transaction))
        {
            read.Parameters.AddWithValue("id", personId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new RoleConfirmation(RoleRefusal.NoSuchPerson, personId, profession, specialty);
            }
            (before, beforeSpecialty, beforeConfidence) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
        }
        var hcp = HcpLabels.IsHcp(profession);
        await using (var update = new NpgsqlCommand("""
            UPDATE persons SET profession = @profession, specialty = @specialty, hcp_confidence = @confidence, role_confirmed = true,
                classification_evidence = jsonb_build_object('label', @profession, 'confidence', 1.0, 'hcp_probability', @confidence, 'by', 'admin',
                                                             'confirmed_by', @user::text, 'terms', jsonb_build_array('confirmed by an admin')),
                updated_at = now()
            WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", personId);
            update.Parameters.AddWithValue("profession", profession);
            update.Parameters.Add(new NpgsqlParameter("specialty", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)specialty ?? DBNull.Value });
            update.Parameters.AddWithValue("confidence", hcp ? 1.0 : 0.0);
            update.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        var corrected = before != profession || beforeSpecialty != specialty;
        await AuditLog.WriteAsync(connection, transaction, user, corrected ? "person.role_corrected" : "person.role_confirmed", $"person {personId}",
            new { before = new { profession = before, specialty = beforeSpecialty, hcp_confidence = beforeConfidence }, after = new { profession, specialty } }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RoleConfirmation(null, personId, profession, specialty, corrected);
    }

    private static IReadOnlyList<string> Reasons(string? evidence)
    {
        if (evidence is null)
        {
            return [];
        }
        using var document = JsonDocument.Parse(evidence);
        return document.RootElement.TryGetProperty("terms", out var reasons) && reasons.ValueKind == JsonValueKind.Array
            ? [.. reasons.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];
    }
}
