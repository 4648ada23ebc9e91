using Npgsql;

namespace DolMapper.Web.Features.Shortlists;

/// <summary>A shortlist as its pages show it.</summary>
public sealed record ShortlistSummary(int Id, string Name, string Profile, string? Notes, string Owner, int Members, DateTime UpdatedAt);

/// <summary>A shortlist with its members (person ids) and each member's note.</summary>
public sealed record ShortlistDetail(int Id, string Name, string Profile, string? Notes, string Owner, IReadOnlyList<long> PersonIds,
    IReadOnlyDictionary<long, string?> EntryNotes);

/// <summary>
/// Named lists of persons kept by Analysts and Admins for one scoring profile: the team's
/// shortlists are shared (anyone who may export may read and edit them); the owner is who made
/// the list. Members are shown and exported through the profile's latest run, so opted-out persons
/// never appear.
/// </summary>
/// <summary>Why a shortlist was not created.</summary>
public enum ShortlistRefusal
{
    NoName,
    NameTaken,
    UnknownProfile,
}

/// <summary>A new shortlist's id, or why there is none.</summary>
public sealed record ShortlistCreation(int? Id, ShortlistRefusal? Refusal, string? Name, string? Profile)
{
    /// <summary>The shortlists pages' words for the refusal; null when the list was created.</summary>
    public string? Problem => Refusal switch
    {
        ShortlistRefusal.NoName => "Give the shortlist a name (at most 200 characters).",
        ShortlistRefusal.NameTaken => $"You already have a shortlist called '{Name}'.",
        ShortlistRefusal.UnknownProfile => $"There is no scoring profile called '{Profile}'.",
        _ => null,
    };
}

public sealed class ShortlistStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ShortlistSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var lists = new List<ShortlistSummary>();
        await using var command = dataSource.CreateCommand($"""
            SELECT l.id, l.name, p.name, l.notes, coalesce(u.user_name, '?'),
                   (SELECT count(*) FROM shortlist_entries e WHERE e.shortlist_id = l.id AND NOT {Data.OptOutSql.IsOptedOut("e.person_id")})::int, l.updated_at
            FROM shortlists l JOIN scoring_profiles p ON p.id = l.profile_id LEFT JOIN users u ON u.id = l.owner_id
            ORDER BY l.updated_at DESC
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lists.Add(new ShortlistSummary(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetInt32(5), DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc)));
        }
        return lists;
    }

    /// <summary>The lists of one profile, newest first: what the "add to shortlist" controls offer.</summary>
    public async Task<IReadOnlyList<(int Id, string Name)>> NamesAsync(string profile, CancellationToken cancellationToken)
    {
        var lists = new List<(int, string)>();
        await using var command = dataSource.CreateCommand("""
            SELECT l.id, l.name FROM shortlists l JOIN scoring_profiles p ON p.id = l.profile_id WHERE p.name = @profile ORDER BY l.updated_at DESC
            """);
        command.Parameters.AddWithValue("profile", profile);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lists.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        return lists;
    }

    public async Task<ShortlistDetail?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        ShortlistDetail? detail;
        await using (var command = new NpgsqlCommand("""
            SELECT l.name, p.name, l.notes, coalesce(u.user_name, '?')
            FROM shortlists l JOIN scoring_profiles p ON p.id = l.profile_id LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = @id
            """, connection))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            detail = new ShortlistDetail(id, reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), [], new Dictionary<long, string?>());
        }
        var ids = new List<long>();
        var notes = new Dictionary<long, string?>();
        await using (var command = new NpgsqlCommand("SELECT person_id, note FROM shortlist_entries WHERE shortlist_id = @id ORDER BY added_at", connection))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
                notes[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        return detail with { PersonIds = ids, EntryNotes = notes };
    }

    /// <summary>Creates a list; its id, or why not (the name is empty or taken, the profile unknown).</summary>
    public async Task<ShortlistCreation> CreateAsync(string? name, string? profile, string? notes, string ownerId, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return new ShortlistCreation(null, ShortlistRefusal.NoName, name, profile);
        }
        await using var command = dataSource.CreateCommand("""
            INSERT INTO shortlists (name, owner_id, profile_id, notes, created_at, updated_at)
            SELECT @name, @owner, p.id, @notes, now(), now() FROM scoring_profiles p WHERE p.name = @profile
            ON CONFLICT (owner_id, name) DO NOTHING
            RETURNING id
            """);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("owner", ownerId);
        command.Parameters.AddWithValue("profile", profile ?? "");
        command.Parameters.Add(new NpgsqlParameter("notes", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(notes) ? DBNull.Value : notes.Trim() });
        if (await command.ExecuteScalarAsync(cancellationToken) is int id)
        {
            return new ShortlistCreation(id, null, name, profile);
        }
        return new ShortlistCreation(null, await ProfileExistsAsync(profile, cancellationToken) ? ShortlistRefusal.NameTaken : ShortlistRefusal.UnknownProfile, name, profile);
    }

    private async Task<bool> ProfileExistsAsync(string? profile, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM scoring_profiles WHERE name = @profile)");
        command.Parameters.AddWithValue("profile", profile ?? "");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Adds persons (already there: kept, their note replaced only when a note is given); returns how many were new.</summary>
    public async Task<int> AddAsync(int id, IReadOnlyCollection<long> personIds, string? note, CancellationToken cancellationToken, string? addedBy = null)
    {
        await using var command = dataSource.CreateCommand("""
            WITH added AS (
                INSERT INTO shortlist_entries (shortlist_id, person_id, note, added_at, added_by)
                SELECT @id, p.id, @note, now(), @by FROM persons p WHERE p.id = ANY(@ids) AND EXISTS (SELECT 1 FROM shortlists WHERE id = @id)
                ON CONFLICT (shortlist_id, person_id) DO UPDATE SET note = coalesce(EXCLUDED.note, shortlist_entries.note)
                RETURNING (xmax = 0) AS inserted),
            touched AS (UPDATE shortlists SET updated_at = now() WHERE id = @id AND EXISTS (SELECT 1 FROM added))
            SELECT count(*) FILTER (WHERE inserted) FROM added
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ids", personIds.ToArray());
        command.Parameters.Add(new NpgsqlParameter("note", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(note) ? DBNull.Value : note.Trim() });
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)addedBy ?? DBNull.Value });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task RemoveAsync(int id, long personId, CancellationToken cancellationToken) => ExecuteAsync("""
        WITH gone AS (DELETE FROM shortlist_entries WHERE shortlist_id = @id AND person_id = @person RETURNING 1)
        UPDATE shortlists SET updated_at = now() WHERE id = @id AND EXISTS (SELECT 1 FROM gone)
        """, cancellationToken, ("id", id), ("person", personId));

    public Task SetEntryNoteAsync(int id, long personId, string? note, CancellationToken cancellationToken) => ExecuteAsync("""
        UPDATE shortlist_entries SET note = @note WHERE shortlist_id = @id AND person_id = @person
        """, cancellationToken, ("id", id), ("person", personId), ("note", string.IsNullOrWhiteSpace(note) ? null : note.Trim()));

    public Task SetNotesAsync(int id, string? notes, CancellationToken cancellationToken) => ExecuteAsync("""
        UPDATE shortlists SET notes = @note, updated_at = now() WHERE id = @id
        """, cancellationToken, ("id", id), ("note", string.IsNullOrWhiteSpace(notes) ? null : notes.Trim()));

    public Task DeleteAsync(int id, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM shortlists WHERE id = @id", cancellationToken, ("id", id));

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is null
                ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value }
                : new NpgsqlParameter(name, value));
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
