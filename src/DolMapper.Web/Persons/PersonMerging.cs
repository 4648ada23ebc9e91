using System.Text.Json;
using System.Text.RegularExpressions;
using DolMapper.Web.Data;
using Npgsql;

namespace DolMapper.Web.Persons;

/// <summary>An account as the persons pages show it.</summary>
public sealed record PersonAccount(long Id, string Platform, string ExternalId, string? Handle, string? Name, string? Bio, string? Url, long? Followers, bool Pinned);

/// <summary>A person with their accounts.</summary>
public sealed record PersonCard(long Id, string PublicId, string? Name, string? Profession, string? Specialty, double? HcpConfidence, string? Country, long? MergedInto, IReadOnlyList<PersonAccount> Accounts);

/// <summary>Two persons that look like one, and why.</summary>
public sealed partial record MergeSuggestion(PersonCard A, PersonCard B, IReadOnlyList<string> Reasons);

/// <summary>A merge, for the history and its undo.</summary>
public sealed record MergeRow(long Id, long KeptPersonId, string? KeptName, long AbsorbedPersonId, string? AbsorbedName, int Accounts, string? Reason, DateTime CreatedAt, string? CreatedBy, DateTime? UndoneAt);

/// <summary>Why a merge, its undo or a split was refused (the page words it).</summary>
public enum PersonRefusal
{
    SamePerson,
    NoSuchPerson,
    AlreadyMerged,
    NothingToMove,
    NoSuchMerge,
    AlreadyUndone,
    NoneTicked,
    AllTicked,
}

/// <summary>
/// What a merge, an undo, a split or a dismissal did, or why it was refused. <see cref="PersonId"/>
/// and <see cref="OtherId"/> are the kept and absorbed persons of a merge and its undo, the person
/// split and the new one of a split, the pair of a dismissal.
/// </summary>
public sealed record PersonChange(PersonRefusal? Refusal, long PersonId = 0, long OtherId = 0, int Accounts = 0, long? MergeId = null)
{
    public bool Done => Refusal is null;

    public static PersonChange Refused(PersonRefusal refusal, long personId = 0, long otherId = 0, long? mergeId = null) => new(refusal, personId, otherId, MergeId: mergeId);
}

/// <summary>
/// Merge and split of persons (docs/admin.md, "Persons"). A merge moves every account of
/// one person into another and keeps a record of what moved (accounts, CRM records, the kept
/// person's name, country and NPI), so the split that undoes it restores both persons exactly —
/// and so their signals at the next run. Accounts an admin moved are pinned: imports keep them
/// where the admin put them. Suggestions: persons on different platforms with the same name and
/// a matching bio, a shared link or alike handles, to confirm or dismiss. All audited.
/// </summary>
public sealed partial class PersonMerging(NpgsqlDataSource dataSource)
{
    public async Task<PersonCard?> GetAsync(long personId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await CardsAsync(connection, null, [personId], cancellationToken)).GetValueOrDefault(personId);
    }

    /// <summary>Up to <paramref name="limit"/> suggestions, strongest first; dismissed pairs, opted-out and merged persons left out.</summary>
    /// <summary>The most persons a search lists.</summary>
    public const int FindLimit = 20;

    /// <summary>
    /// Persons (not merged away) whose name or one of whose handles contains <paramref name="text"/>,
    /// or whose id or public id it is; those with a name match first, then by id.
    /// </summary>
    public async Task<IReadOnlyList<PersonCard>> FindAsync(string text, CancellationToken cancellationToken)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return [];
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = new List<long>();
        await using (var command = new NpgsqlCommand("""
            SELECT p.id FROM persons p
            WHERE p.merged_into IS NULL AND (
                  p.display_name ILIKE @like OR p.public_id = @text OR p.id::text = @text
               OR EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND NOT a.is_stub AND (a.handle ILIKE @like OR a.name ILIKE @like)))
            ORDER BY (p.display_name ILIKE @like) DESC, p.id LIMIT @limit
            """, connection))
        {
            command.Parameters.AddWithValue("like", Data.Like.Containing(text));
            command.Parameters.AddWithValue("text", text);
            command.Parameters.AddWithValue("limit", FindLimit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        var cards = await CardsAsync(connection, null, [.. ids], cancellationToken);
        return [.. ids.Where(cards.ContainsKey).Select(id => cards[id])];
    }

    /// <summary>A page of merge suggestions, the strongest first, and how many there are in all.</summary>
    public async Task<(IReadOnlyList<MergeSuggestion> Items, int Total)> SuggestionsAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        var all = await SuggestionsAsync(int.MaxValue, cancellationToken);
        return ([.. all.Skip((int)Math.Min(int.MaxValue, Data.Paging.Offset(page, pageSize))).Take(pageSize)], all.Count);
    }

    public async Task<IReadOnlyList<MergeSuggestion>> SuggestionsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Candidate pairs: the same normalised display name, accounts on different platforms.
        var pairs = new List<(long A, long B)>();
        await using (var command = new NpgsqlCommand($"""
            WITH named AS (
                -- Titles, everything after a comma and credentials go; what is left is the name.
                SELECT p.id, regexp_replace(regexp_replace(regexp_replace(lower(split_part(p.display_name, ',', 1)),
                           '\m({Credentials})\M\.?', '', 'g'), '[^[:alpha:] ]', '', 'g'), '\s+', ' ', 'g') AS name,
                       array_agg(DISTINCT a.platform) AS platforms
                FROM persons p JOIN accounts a ON a.person_id = p.id AND NOT a.is_stub
                WHERE p.merged_into IS NULL AND p.display_name IS NOT NULL AND p.id NOT IN ({OptOutSql.OptedOutPersons})
                GROUP BY p.id),
            cleaned AS (SELECT id, trim(name) AS name, platforms FROM named)
            SELECT x.id, y.id FROM cleaned x JOIN cleaned y ON y.name = x.name AND y.id > x.id AND length(x.name) >= 5
            WHERE NOT (x.platforms && y.platforms)
              AND NOT EXISTS (SELECT 1 FROM merge_dismissals d WHERE d.person_a = x.id AND d.person_b = y.id)
            LIMIT 2000
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pairs.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }
        var cards = await CardsAsync(connection, null, [.. pairs.SelectMany(p => new[] { p.A, p.B }).Distinct()], cancellationToken);
        var suggestions = new List<(MergeSuggestion Suggestion, int Strength)>();
        foreach (var (a, b) in pairs)
        {
            var (reasons, strength) = Compare(cards[a], cards[b]);
            // The name alone is not enough: a bio, a link or a handle must agree too.
            if (strength > 1)
            {
                suggestions.Add((new MergeSuggestion(cards[a], cards[b], reasons), strength));
            }
        }
        return [.. suggestions.OrderByDescending(s => s.Strength).ThenBy(s => s.Suggestion.A.Id).Take(limit).Select(s => s.Suggestion)];
    }

    /// <summary>Moves every account of <paramref name="absorbedId"/> into <paramref name="keptId"/>.</summary>
    public async Task<PersonChange> MergeAsync(long keptId, long absorbedId, string? reason, string? user, CancellationToken cancellationToken)
    {
        if (keptId == absorbedId)
        {
            return PersonChange.Refused(PersonRefusal.SamePerson, keptId, absorbedId);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var cards = await CardsAsync(connection, transaction, [keptId, absorbedId], cancellationToken, forUpdate: true);
        if (!cards.TryGetValue(keptId, out var kept) || !cards.TryGetValue(absorbedId, out var absorbed))
        {
            return PersonChange.Refused(PersonRefusal.NoSuchPerson, keptId, absorbedId);
        }
        if (kept.MergedInto is not null || absorbed.MergedInto is not null)
        {
            return PersonChange.Refused(PersonRefusal.AlreadyMerged, keptId, absorbedId);
        }
        if (absorbed.Accounts.Count == 0)
        {
            return PersonChange.Refused(PersonRefusal.NothingToMove, keptId, absorbedId);
        }
        long[] crm;
        await using (var command = new NpgsqlCommand("SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM crm_relationships WHERE person_id = @absorbed", connection, transaction))
        {
            command.Parameters.AddWithValue("absorbed", absorbedId);
            crm = (long[])(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        string keptBefore;
        await using (var command = new NpgsqlCommand("SELECT json_build_object('display_name', display_name, 'country', country, 'country_confidence', country_confidence, 'npi', npi)::text FROM persons WHERE id = @kept", connection, transaction))
        {
            command.Parameters.AddWithValue("kept", keptId);
            keptBefore = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        var accounts = absorbed.Accounts.Select(a => a.Id).ToArray();
        long mergeId;
        await using (var command = new NpgsqlCommand("""
            INSERT INTO person_merges (kept_person_id, absorbed_person_id, account_ids, crm_relationship_ids, kept_before, reason, created_at, created_by)
            VALUES (@kept, @absorbed, @accounts, @crm, @before::jsonb, @reason, now(), @user) RETURNING id
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("kept", keptId);
            command.Parameters.AddWithValue("absorbed", absorbedId);
            command.Parameters.AddWithValue("accounts", accounts);
            command.Parameters.AddWithValue("crm", crm);
            command.Parameters.AddWithValue("before", keptBefore);
            command.Parameters.Add(new NpgsqlParameter("reason", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)reason ?? "manual" });
            command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
            mergeId = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        await ExecuteAsync(connection, transaction, """
            UPDATE accounts SET person_id = @kept, person_pinned = true, updated_at = now() WHERE id = ANY(@accounts);
            UPDATE crm_relationships SET person_id = @kept, updated_at = now() WHERE id = ANY(@crm);
            UPDATE persons SET merged_into = @kept, updated_at = now() WHERE id = @absorbed;
            """, cancellationToken, ("kept", keptId), ("absorbed", absorbedId), ("accounts", accounts), ("crm", crm));
        await SummariseAsync(connection, transaction, keptId, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, user, "person.merged", $"person {keptId}",
            new { merge = mergeId, kept = keptId, absorbed = absorbedId, accounts = accounts.Length, crm = crm.Length, reason = reason ?? "manual" }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PersonChange(null, keptId, absorbedId, accounts.Length, mergeId);
    }

    /// <summary>Undoes a merge: the accounts and CRM records go back, both persons are as they were before it.</summary>
    public async Task<PersonChange> UndoMergeAsync(long mergeId, string? user, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long kept, absorbed;
        long[] accounts, crm;
        string before;
        await using (var command = new NpgsqlCommand("""
            SELECT kept_person_id, absorbed_person_id, account_ids, crm_relationship_ids, kept_before::text, undone_at IS NOT NULL
            FROM person_merges WHERE id = @id FOR UPDATE
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", mergeId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return PersonChange.Refused(PersonRefusal.NoSuchMerge, mergeId: mergeId);
            }
            if (reader.GetBoolean(5))
            {
                return PersonChange.Refused(PersonRefusal.AlreadyUndone, mergeId: mergeId);
            }
            (kept, absorbed, accounts, crm, before) = (reader.GetInt64(0), reader.GetInt64(1), (long[])reader.GetValue(2), (long[])reader.GetValue(3), reader.GetString(4));
        }
        // Accounts erased since the merge are simply gone; the rest go back, unpinned (as the file had them).
        await ExecuteAsync(connection, transaction, """
            UPDATE accounts SET person_id = @absorbed, person_pinned = false, updated_at = now() WHERE id = ANY(@accounts) AND person_id = @kept;
            UPDATE crm_relationships SET person_id = @absorbed, updated_at = now() WHERE id = ANY(@crm) AND person_id = @kept;
            UPDATE persons SET merged_into = NULL, updated_at = now() WHERE id = @absorbed;
            UPDATE persons p SET display_name = b.display_name, country = b.country, country_confidence = b.country_confidence, npi = b.npi, updated_at = now()
            FROM json_to_record(@before::json) AS b(display_name text, country text, country_confidence double precision, npi text)
            WHERE p.id = @kept;
            UPDATE person_merges SET undone_at = now(), undone_by = @user WHERE id = @merge;
            """, cancellationToken, ("kept", kept), ("absorbed", absorbed), ("accounts", accounts), ("crm", crm), ("before", before), ("merge", mergeId), ("user", (object?)user ?? DBNull.Value));
        await AuditLog.WriteAsync(connection, transaction, user, "person.split", $"person {kept}",
            new { merge = mergeId, kept, restored = absorbed, accounts = accounts.Length }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PersonChange(null, kept, absorbed, accounts.Length, mergeId);
    }

    /// <summary>Moves some of a person's accounts into a new person (a split that is not the undo of a merge).</summary>
    public async Task<PersonChange> SplitAsync(long personId, IReadOnlyCollection<long> accountIds, string? user, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var card = (await CardsAsync(connection, transaction, [personId], cancellationToken, forUpdate: true)).GetValueOrDefault(personId);
        if (card is null)
        {
            return PersonChange.Refused(PersonRefusal.NoSuchPerson, personId);
        }
        var moving = card.Accounts.Where(a => accountIds.Contains(a.Id)).ToList();
        if (moving.Count == 0)
        {
            return PersonChange.Refused(PersonRefusal.NoneTicked, personId);
        }
        if (moving.Count == card.Accounts.Count)
        {
            return PersonChange.Refused(PersonRefusal.AllTicked, personId);
        }
        long newId;
        await using (var command = new NpgsqlCommand("""
            INSERT INTO persons (public_id, role_confirmed, created_at, updated_at) VALUES (@key, false, now(), now()) RETURNING id
            """, connection, transaction))
        {
            // Named like an account's own person, with a suffix so it never takes over an import key.
            command.Parameters.AddWithValue("key", $"{moving[0].Platform}:{moving[0].ExternalId}#split-{DateTime.UtcNow:yyyyMMddHHmmss}");
            newId = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        var ids = moving.Select(a => a.Id).ToArray();
        await ExecuteAsync(connection, transaction, """
            UPDATE accounts SET person_id = @new, person_pinned = true, updated_at = now() WHERE id = ANY(@accounts);
            UPDATE crm_relationships r SET person_id = @new, updated_at = now()
            FROM accounts a WHERE a.id = ANY(@accounts) AND r.platform = a.platform AND r.account_external_id = a.external_id;
            UPDATE accounts SET person_pinned = true WHERE person_id = @person;
            """, cancellationToken, ("new", newId), ("accounts", ids), ("person", personId));
        await SummariseAsync(connection, transaction, newId, cancellationToken);
        await SummariseAsync(connection, transaction, personId, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, user, "person.split", $"person {personId}",
            new { from = personId, to = newId, accounts = ids.Length }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PersonChange(null, personId, newId, ids.Length);
    }

    public async Task<PersonChange> DismissAsync(long a, long b, string? user, CancellationToken cancellationToken)
    {
        var (first, second) = a < b ? (a, b) : (b, a);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO merge_dismissals (person_a, person_b, created_at, created_by) VALUES (@a, @b, now(), @user) ON CONFLICT DO NOTHING
            """, cancellationToken, ("a", first), ("b", second), ("user", (object?)user ?? DBNull.Value));
        await AuditLog.WriteAsync(connection, transaction, user, "person.merge_dismissed", $"person {first}", new { a = first, b = second }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PersonChange(null, first, second);
    }

    public async Task<IReadOnlyList<MergeRow>> MergesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT m.id, m.kept_person_id, k.display_name, m.absorbed_person_id, a.display_name, cardinality(m.account_ids), m.reason, m.created_at, m.created_by, m.undone_at
            FROM person_merges m LEFT JOIN persons k ON k.id = m.kept_person_id LEFT JOIN persons a ON a.id = m.absorbed_person_id
            ORDER BY m.created_at DESC LIMIT 200
            """);
        var rows = new List<MergeRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new MergeRow(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6), DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : DateTime.SpecifyKind(reader.GetDateTime(9), DateTimeKind.Utc)));
        }
        return rows;
    }

    /// <summary>Titles and credentials that are not part of a name (lower case, for the suggestions' name match).</summary>
    private const string Credentials =
        "dr|dra|prof|professor|mr|mrs|ms|nurse|md|phd|rn|mbbs|mbchb|frcp|frcpc|frcs|fracp|facc|facp|fesc|fasco|mrcp|do|np|pa|pac|pharmd|bcop|rph|mph|msc|bsc|mba|dnp|crnp|aprn|lpn|bsn|msn|dds|dmd|od|dpt|pt";

    /// <summary>Why two persons look like one: the name, then bio words, links and handles; the strength counts the agreements.</summary>
    internal static (IReadOnlyList<string> Reasons, int Strength) Compare(PersonCard a, PersonCard b)
    {
        var reasons = new List<string> { $"same name: {a.Name}" };
        var strength = 1;
        var wordsA = Words(string.Join(' ', a.Accounts.Select(x => x.Bio)));
        var wordsB = Words(string.Join(' ', b.Accounts.Select(x => x.Bio)));
        if (wordsA.Count > 0 && wordsB.Count > 0)
        {
            var shared = wordsA.Intersect(wordsB).ToList();
            var overlap = shared.Count / (double)Math.Min(wordsA.Count, wordsB.Count);
            if (overlap >= 0.5 && shared.Count >= 2)
            {
                reasons.Add($"bios agree ({string.Join(", ", shared.Take(5))})");
                strength++;
            }
        }
        var linksA = a.Accounts.Select(x => Host(x.Url)).Where(h => h is not null).ToHashSet();
        var shared2 = b.Accounts.Select(x => Host(x.Url)).Where(h => h is not null && linksA.Contains(h)).Distinct().ToList();
        if (shared2.Count > 0)
        {
            reasons.Add($"same link ({string.Join(", ", shared2)})");
            strength++;
        }
        var handlesA = a.Accounts.Select(x => HandleStem(x.Handle)).Where(h => h.Length >= 4).ToHashSet();
        var alike = b.Accounts.Select(x => HandleStem(x.Handle)).Where(h => h.Length >= 4 && handlesA.Contains(h)).Distinct().ToList();
        if (alike.Count > 0)
        {
            reasons.Add($"handles alike ({string.Join(", ", alike)})");
            strength++;
        }
        return (reasons, strength);
    }

    private static HashSet<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 4 && !StopWords.Contains(w))];

    private static readonly HashSet<string> StopWords = ["with", "that", "this", "from", "about", "views", "tweets", "posts", "here", "they", "their", "them", "https", "http"];

    private static string? Host(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host.ToLowerInvariant().Replace("www.", "") : null;

    /// <summary>A handle without its instance or domain and without punctuation: "dr.ana_ruiz.bsky.social" → "dranaruiz".</summary>
    private static string HandleStem(string? handle)
    {
        var h = (handle ?? "").ToLowerInvariant().TrimStart('@');
        var at = h.IndexOf('@');
        if (at > 0)
        {
            h = h[..at];
        }
        foreach (var suffix in new[] { ".bsky.social" })
        {
            if (h.EndsWith(suffix, StringComparison.Ordinal))
            {
                h = h[..^suffix.Length];
            }
        }
        return new string([.. h.Where(char.IsAsciiLetterOrDigit)]);
    }

    [GeneratedRegex(@"\p{L}[\p{L}\p{Nd}]+")]
    private static partial Regex WordPattern();

    private static async Task<Dictionary<long, PersonCard>> CardsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] ids, CancellationToken cancellationToken, bool forUpdate = false)
    {
        var persons = new Dictionary<long, (string PublicId, string? Name, string? Profession, string? Specialty, double? Confidence, string? Country, long? MergedInto)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT id, public_id, display_name, profession, specialty, hcp_confidence, country, merged_into FROM persons WHERE id = ANY(@ids) ORDER BY id {(forUpdate ? "FOR UPDATE" : "")}
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                persons[reader.GetInt64(0)] = (reader.GetString(1), S(2), S(3), S(4), reader.IsDBNull(5) ? null : reader.GetDouble(5), S(6), reader.IsDBNull(7) ? null : reader.GetInt64(7));
            }
        }
        var accounts = persons.Keys.ToDictionary(k => k, _ => new List<PersonAccount>());
        await using (var command = new NpgsqlCommand("""
            SELECT person_id, id, platform, external_id, handle, name, bio, url, followers, person_pinned FROM accounts
            WHERE person_id = ANY(@ids) AND NOT is_stub ORDER BY person_id, platform, id
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                accounts[reader.GetInt64(0)].Add(new PersonAccount(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), S(4), S(5), S(6), S(7),
                    reader.IsDBNull(8) ? null : reader.GetInt64(8), reader.GetBoolean(9)));
            }
        }
        return persons.ToDictionary(p => p.Key, p => new PersonCard(p.Key, p.Value.PublicId, p.Value.Name, p.Value.Profession, p.Value.Specialty, p.Value.Confidence, p.Value.Country, p.Value.MergedInto, accounts[p.Key]));
    }

    /// <summary>The person's name, country and NPI from their most-followed account that has one (as an import does).</summary>
    private static Task SummariseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long personId, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            UPDATE persons p SET
                display_name = coalesce(s.name, p.display_name), country = coalesce(s.country, p.country),
                country_confidence = CASE WHEN s.country IS NOT NULL THEN s.country_confidence ELSE p.country_confidence END,
                npi = coalesce(s.npi, p.npi), updated_at = now()
            FROM (
                SELECT (array_agg(a.name ORDER BY a.followers DESC NULLS LAST, a.id) FILTER (WHERE a.name IS NOT NULL))[1] AS name,
                       (array_agg(a.country ORDER BY a.followers DESC NULLS LAST, a.id) FILTER (WHERE a.country IS NOT NULL))[1] AS country,
                       (array_agg(a.country_confidence ORDER BY a.followers DESC NULLS LAST, a.id) FILTER (WHERE a.country IS NOT NULL))[1] AS country_confidence,
                       (array_agg(a.npi ORDER BY a.followers DESC NULLS LAST, a.id) FILTER (WHERE a.npi IS NOT NULL))[1] AS npi
                FROM accounts a WHERE a.person_id = @person) s
            WHERE p.id = @person
            """, cancellationToken, ("person", personId));

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var statement in sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.TrimEnd(';')).Where(s => s.Length > 0))
        {
            var command = new NpgsqlBatchCommand(statement);
            foreach (var (name, value) in parameters)
            {
                if (statement.Contains("@" + name, StringComparison.Ordinal))
                {
                    command.Parameters.Add(new NpgsqlParameter(name, value));
                }
            }
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
