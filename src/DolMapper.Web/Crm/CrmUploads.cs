using DolMapper.Web.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Crm;

/// <summary>Why a CRM upload's commit or a relationship's edit was refused (the page words it).</summary>
public enum CrmRefusal
{
    UploadGone,
    FileProblems,
    UnknownKind,
    NotADate,
    NoSuchRelationship,
}

/// <summary>
/// What a commit, edit or delete did, or why it was refused. <see cref="Id"/> is the upload's id
/// (commit) or the relationship's (edit, delete); <see cref="Given"/> the value refused.
/// </summary>
public sealed record CrmChange(CrmRefusal? Refusal, long Id, string? FileName = null, int Added = 0, int Updated = 0, int Skipped = 0, int Errors = 0,
    IReadOnlyList<string>? Problems = null, string? Kind = null, DateOnly? Since = null, string? Given = null)
{
    public bool Done => Refusal is null;
}

/// <summary>Which column (0-based) holds what; a platform can also be one value for the whole file.</summary>
public sealed record CrmMapping(int? Platform, string? FixedPlatform, int? Handle, int? Account, int? Person, int? Npi, int? Kind, int? Since)
{
    /// <summary>Why the mapping cannot be used, each a sentence; empty when it can.</summary>
    public IReadOnlyList<string> Problems(int columns)
    {
        var problems = new List<string>();
        if (Kind is null)
        {
            problems.Add("Choose the column that holds the relationship's kind.");
        }
        if (Handle is null && Account is null && Person is null && Npi is null)
        {
            problems.Add("Choose at least one column that says who: handle (with a platform), account id (with a platform), person or NPI.");
        }
        if ((Handle is not null || Account is not null) && Platform is null && string.IsNullOrEmpty(FixedPlatform))
        {
            problems.Add("Handles and account ids need a platform: choose its column, or one platform for the whole file.");
        }
        if (!string.IsNullOrEmpty(FixedPlatform) && !Platforms.All.Contains(FixedPlatform))
        {
            problems.Add($"'{FixedPlatform}' is not a platform ({string.Join(", ", Platforms.All)}).");
        }
        foreach (var column in new[] { Platform, Handle, Account, Person, Npi, Kind, Since })
        {
            if (column is { } c && (c < 0 || c >= columns))
            {
                problems.Add($"Column {c + 1} does not exist: the file has {columns} columns.");
            }
        }
        return problems;
    }
}

public enum CrmRowStatus
{
    /// <summary>Names a stored person: committed.</summary>
    Matched,
    /// <summary>Valid but names nobody stored yet.</summary>
    NotMatched,
    /// <summary>Cannot be used (bad kind, date, missing identifier); never committed.</summary>
    Error,
}

public sealed record CrmRowCheck(long Line, string Who, string? Kind, DateOnly? Since, CrmRowStatus Status, string? Problem, long? PersonId, string? PersonName)
{
    internal string? Platform { get; init; }
    internal string? Handle { get; init; }
    internal string? AccountExternalId { get; init; }
    internal string? PersonKey { get; init; }
    internal string? Npi { get; init; }
}

public sealed record CrmPreview(long UploadId, string FileName, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Sample, IReadOnlyList<CrmRowCheck> Rows, IReadOnlyList<string> Problems)
{
    public int Matched => Rows.Count(r => r.Status == CrmRowStatus.Matched);
    public int NotMatched => Rows.Count(r => r.Status == CrmRowStatus.NotMatched);
    public int Errors => Rows.Count(r => r.Status == CrmRowStatus.Error);
}

public sealed record CrmRow(long Id, long? PersonId, string? PersonName, string? Platform, string? AccountExternalId, string? Handle, string? PersonKey, string? Npi, string Kind, DateOnly? Since, string? Origin, DateTime UpdatedAt);

/// <summary>
/// CRM relationships (question 7) from an admin's CSV: upload, map columns (guessed from the
/// header), preview every row — matched to a stored person, not matched, or an error with its
/// line — and only then commit. Nothing changes before the commit; error rows are never stored;
/// rows that match nobody are stored only when the admin asks (they apply when the person
/// arrives, as import relationship lines do) — except by handle, which can only be matched now.
/// Also the list, edit and delete of stored relationships. All audited.
/// </summary>
public sealed class CrmUploads(NpgsqlDataSource dataSource)
{
    public const int MaxBytes = 20 << 20;

    private static readonly Dictionary<string, string> KindSynonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["advisory board"] = "advisory_board", ["advisory board member"] = "advisory_board", ["ad board"] = "advisory_board", ["advisor"] = "advisory_board",
        ["speakers bureau"] = "speaker", ["speaker bureau"] = "speaker", ["speaker program"] = "speaker",
        ["clinical investigator"] = "investigator", ["principal investigator"] = "investigator", ["pi"] = "investigator", ["trial investigator"] = "investigator",
        ["consulting"] = "consultant", ["consultancy"] = "consultant",
        ["staff"] = "employee", ["employed"] = "employee",
        ["no"] = "none", ["no relationship"] = "none",
    };

    public async Task<long> SaveAsync(string fileName, Stream content, string? user, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            throw new InvalidDataException($"The file is {buffer.Length / (1 << 20)} MB; CRM files up to {MaxBytes >> 20} MB are taken.");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Uploads nobody committed within a day are dropped (they may hold personal data).
        await using (var clean = new NpgsqlCommand("DELETE FROM crm_uploads WHERE created_at < now() - interval '1 day'", connection))
        {
            await clean.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand("INSERT INTO crm_uploads (file_name, content, uploaded_by, created_at) VALUES (@name, @content, @user, now()) RETURNING id", connection);
        command.Parameters.AddWithValue("name", Path.GetFileName(fileName));
        command.Parameters.AddWithValue("content", buffer.ToArray());
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A mapping from the header's names (platform, handle, account id, person, NPI, kind, since), for the admin to confirm.</summary>
    public static CrmMapping Guess(IReadOnlyList<string> headers)
    {
        int? Find(params string[] names)
        {
            for (var i = 0; i < headers.Count; i++)
            {
                var h = headers[i].Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
                if (names.Contains(h))
                {
                    return i;
                }
            }
            return null;
        }
        return new CrmMapping(
            Find("platform", "network", "channel"), null,
            Find("handle", "username", "user_name", "screen_name", "twitter", "twitter_handle"),
            Find("account_id", "account", "user_id", "platform_id"),
            Find("person", "person_id", "person_key", "dolmapper_id"),
            Find("npi", "npi_number"),
            Find("kind", "relationship", "relationship_type", "type", "engagement"),
            Find("since", "start", "start_date", "from", "date"));
    }

    /// <summary>The upload read with <paramref name="mapping"/> (null: headers and sample only), every row checked and resolved.</summary>
    public async Task<CrmPreview?> PreviewAsync(long uploadId, CrmMapping? mapping, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string fileName;
        byte[] content;
        await using (var command = new NpgsqlCommand("SELECT file_name, content FROM crm_uploads WHERE id = @id", connection))
        {
            command.Parameters.AddWithValue("id", uploadId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            (fileName, content) = (reader.GetString(0), (byte[])reader.GetValue(1));
        }

        var (headers, records, fileProblems) = Read(content);
        var sample = records.Take(5).Select(r => (IReadOnlyList<string>)r.Fields).ToList();
        if (fileProblems.Count > 0 || mapping is null)
        {
            return new CrmPreview(uploadId, fileName, headers, sample, [], fileProblems);
        }
        var problems = mapping.Problems(headers.Count);
        if (problems.Count > 0)
        {
            return new CrmPreview(uploadId, fileName, headers, sample, [], problems);
        }
        var rows = records.Select(r => Check(r.Line, r.Fields, headers.Count, mapping)).ToList();
        rows = await ResolveAsync(connection, rows, cancellationToken);
        return new CrmPreview(uploadId, fileName, headers, sample, rows, []);
    }

    /// <summary>Stores the previewed rows (matched; and not-matched ones when asked), then drops the upload. Returns what it did.</summary>
    public async Task<CrmChange> CommitAsync(long uploadId, CrmMapping mapping, bool keepUnmatched, string? user, CancellationToken cancellationToken)
    {
        var preview = await PreviewAsync(uploadId, mapping, cancellationToken);
        if (preview is null)
        {
            return new CrmChange(CrmRefusal.UploadGone, uploadId);
        }
        if (preview.Problems.Count > 0)
        {
            return new CrmChange(CrmRefusal.FileProblems, uploadId, FileName: preview.FileName, Problems: preview.Problems);
        }
        var toStore = preview.Rows.Where(r => r.Status == CrmRowStatus.Matched
            || (keepUnmatched && r.Status == CrmRowStatus.NotMatched && (r.AccountExternalId is not null || r.PersonKey is not null || r.Npi is not null))).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = 0;
        var updated = 0;
        foreach (var row in toStore)
        {
            await using var existing = new NpgsqlCommand("""
                SELECT id, since FROM crm_relationships
                WHERE kind = @kind AND platform IS NOT DISTINCT FROM @platform AND account_external_id IS NOT DISTINCT FROM @account
                  AND person_key IS NOT DISTINCT FROM @key AND npi IS NOT DISTINCT FROM @npi
                  AND (person_id IS NOT DISTINCT FROM @person OR person_id IS NULL)
                LIMIT 1
                """, connection, transaction);
            Bind(existing, row);
            long? id = null;
            DateOnly? since = null;
            await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    id = reader.GetInt64(0);
                    since = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1);
                }
            }
            if (id is { } found)
            {
                await using var update = new NpgsqlCommand("UPDATE crm_relationships SET since = @since, person_id = coalesce(person_id, @person), updated_at = now() WHERE id = @id", connection, transaction);
                Bind(update, row);
                update.Parameters.AddWithValue("id", found);
                if (since != row.Since)
                {
                    updated++;
                }
                await update.ExecuteNonQueryAsync(cancellationToken);
                continue;
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO crm_relationships (person_id, platform, account_external_id, person_key, npi, kind, since, origin, created_at, updated_at)
                VALUES (@person, @platform, @account, @key, @npi, @kind, @since, 'upload', now(), now())
                """, connection, transaction);
            Bind(insert, row);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            inserted++;
        }
        await using (var delete = new NpgsqlCommand("DELETE FROM crm_uploads WHERE id = @id", connection, transaction))
        {
            delete.Parameters.AddWithValue("id", uploadId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        var skipped = preview.Rows.Count - toStore.Count - preview.Errors;
        await AuditLog.WriteAsync(connection, transaction, user, "crm.uploaded", preview.FileName,
            new { rows = preview.Rows.Count, matched = preview.Matched, inserted, updated, kept_unmatched = toStore.Count - preview.Matched, skipped, errors = preview.Errors }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CrmChange(null, uploadId, FileName: preview.FileName, Added: inserted, Updated: updated, Skipped: skipped, Errors: preview.Errors);
    }

    public async Task DiscardAsync(long uploadId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM crm_uploads WHERE id = @id");
        command.Parameters.AddWithValue("id", uploadId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(IReadOnlyList<CrmRow> Rows, long Total)> ListAsync(string? kind, string? text, int page, CancellationToken cancellationToken)
    {
        const string where = """
            (@kind IS NULL OR r.kind = @kind)
            AND (@text IS NULL OR p.display_name ILIKE @text OR a.handle ILIKE @text OR r.account_external_id ILIKE @text OR r.person_key ILIKE @text OR r.npi ILIKE @text)
            """;
        const string from = """
            FROM crm_relationships r LEFT JOIN persons p ON p.id = r.person_id
            LEFT JOIN accounts a ON a.platform = r.platform AND a.external_id = r.account_external_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        void Bind(NpgsqlCommand c)
        {
            c.Parameters.Add(new NpgsqlParameter("kind", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrEmpty(kind) ? DBNull.Value : kind });
            c.Parameters.Add(new NpgsqlParameter("text", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(text) ? DBNull.Value : $"%{text.Trim()}%" });
        }
        await using var count = new NpgsqlCommand($"SELECT count(*) {from} WHERE {where}", connection);
        Bind(count);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        await using var command = new NpgsqlCommand($"""
            SELECT r.id, r.person_id, p.display_name, r.platform, r.account_external_id, a.handle, r.person_key, r.npi, r.kind, r.since, r.origin, r.updated_at
            {from} WHERE {where} ORDER BY r.updated_at DESC, r.id DESC OFFSET @offset LIMIT 100
            """, connection);
        Bind(command);
        command.Parameters.AddWithValue("offset", Data.Paging.Offset(page, 100));
        var rows = new List<CrmRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new CrmRow(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), S(2), S(3), S(4), S(5), S(6), S(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9), S(10), DateTime.SpecifyKind(reader.GetDateTime(11), DateTimeKind.Utc)));
        }
        return (rows, total);
    }

    public async Task<CrmChange> UpdateAsync(long id, string kind, string? since, string? user, CancellationToken cancellationToken)
    {
        var normalised = NormaliseKind(kind);
        if (normalised is null)
        {
            return new CrmChange(CrmRefusal.UnknownKind, id, Given: kind);
        }
        DateOnly? date = null;
        if (!string.IsNullOrWhiteSpace(since))
        {
            if (ParseDate(since) is not { } parsed)
            {
                return new CrmChange(CrmRefusal.NotADate, id, Given: since);
            }
            date = parsed;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("UPDATE crm_relationships SET kind = @kind, since = @since, origin = 'manual', updated_at = now() WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("kind", normalised);
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.Date) { Value = (object?)date ?? DBNull.Value });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return new CrmChange(CrmRefusal.NoSuchRelationship, id);
        }
        await AuditLog.WriteAsync(connection, transaction, user, "crm.edited", $"relationship {id}", new { kind = normalised, since = date }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CrmChange(null, id, Kind: normalised, Since: date);
    }

    public async Task<CrmChange> DeleteAsync(long id, string? user, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM crm_relationships WHERE id = @id RETURNING kind", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        if (await command.ExecuteScalarAsync(cancellationToken) is not string kind)
        {
            return new CrmChange(CrmRefusal.NoSuchRelationship, id);
        }
        await AuditLog.WriteAsync(connection, transaction, user, "crm.deleted", $"relationship {id}", new { kind }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CrmChange(null, id, Kind: kind);
    }

    public static string? NormaliseKind(string? value)
    {
        var text = (value ?? "").Trim();
        if (KindSynonyms.TryGetValue(text, out var synonym))
        {
            return synonym;
        }
        var key = text.ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        return RelationshipKinds.All.Contains(key) ? key : null;
    }

    /// <summary>YYYY-MM-DD, YYYY/MM/DD, YYYY-MM or YYYY; day-first and month-first slashed dates are ambiguous and refused.</summary>
    public static DateOnly? ParseDate(string value)
    {
        string[] formats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-MM", "yyyy"];
        return DateOnly.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    private static (IReadOnlyList<string> Headers, List<(long Line, string[] Fields)> Records, List<string> Problems) Read(byte[] content)
    {
        var problems = new List<string>();
        var records = new List<(long, string[])>();
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return ([], records, ["The file is not UTF-8 text. Save it from the spreadsheet as \"CSV UTF-8\"."]);
        }
        if (text.Trim().Length == 0)
        {
            return ([], records, ["The file is empty."]);
        }
        using var reader = CsvReader.Create(new StringReader(text), new CsvReaderOptions { HasHeader = true, TrackLineNumbers = true, SkipEmptyLines = true });
        IReadOnlyList<string> headers;
        try
        {
            reader.ReadHeader();
            headers = [.. reader.Headers];
            while (reader.Read())
            {
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = reader.GetString(i);
                }
                records.Add((reader.LineNumber, fields));
            }
        }
        catch (Exception e) when (e is CsvFormatException or CsvValidationException or InvalidDataException or FormatException)
        {
            return ([], records, [$"The file is not readable as CSV: {e.Message}"]);
        }
        if (headers.Count < 2)
        {
            problems.Add($"The first line has {headers.Count} column; a CRM file needs a header with at least who and the kind (e.g. platform,handle,kind,since).");
        }
        return (headers, records, problems);
    }

    private static CrmRowCheck Check(long line, string[] fields, int columns, CrmMapping mapping)
    {
        string? Field(int? column) => column is { } c && c < fields.Length && !string.IsNullOrWhiteSpace(fields[c]) ? fields[c].Trim() : null;
        var platform = (Field(mapping.Platform) ?? mapping.FixedPlatform)?.ToLowerInvariant();
        var handle = Field(mapping.Handle)?.TrimStart('@');
        var account = Field(mapping.Account);
        var person = Field(mapping.Person);
        var npi = Field(mapping.Npi);
        var who = string.Join(" ", new[] { handle is null ? null : $"{platform} @{handle}", account is null ? null : $"{platform} account {account}", person is null ? null : $"person {person}", npi is null ? null : $"NPI {npi}" }.Where(w => w is not null));
        CrmRowCheck Error(string problem) => new(line, who.Length == 0 ? "—" : who, Field(mapping.Kind), null, CrmRowStatus.Error, problem, null, null);
        if (fields.Length != columns)
        {
            return Error($"has {fields.Length} fields; the header has {columns}");
        }
        if (who.Length == 0)
        {
            return Error("says nobody: the handle, account, person and NPI columns are all empty");
        }
        if ((handle is not null || account is not null) && (platform is null || !Platforms.All.Contains(platform)))
        {
            return Error(platform is null ? "has a handle or account but no platform" : $"'{platform}' is not a platform ({string.Join(", ", Platforms.All)})");
        }
        var kindText = Field(mapping.Kind);
        var kind = NormaliseKind(kindText);
        if (kind is null)
        {
            return Error(kindText is null ? "has no kind" : $"'{kindText}' is not a relationship kind ({string.Join(", ", RelationshipKinds.All)})");
        }
        DateOnly? since = null;
        if (Field(mapping.Since) is { } sinceText)
        {
            since = ParseDate(sinceText);
            if (since is null)
            {
                return Error($"'{sinceText}' is not a date: use YYYY-MM-DD (or YYYY-MM, YYYY)");
            }
            if (since > DateOnly.FromDateTime(DateTime.UtcNow))
            {
                return Error($"'{sinceText}' is in the future");
            }
        }
        if (npi is not null && (npi.Length != 10 || !npi.All(char.IsAsciiDigit)))
        {
            return Error($"'{npi}' is not an NPI (ten digits)");
        }
        return new CrmRowCheck(line, who, kind, since, CrmRowStatus.NotMatched, null, null, null)
        {
            Platform = handle is not null || account is not null ? platform : null,
            // A handle is resolved to its account below (the table keeps account ids, not handles).
            Handle = handle,
            AccountExternalId = account,
            PersonKey = person,
            Npi = npi,
        };
    }

    private static async Task<List<CrmRowCheck>> ResolveAsync(NpgsqlConnection connection, List<CrmRowCheck> rows, CancellationToken cancellationToken)
    {
        var candidates = rows.Select((r, i) => (r, i)).Where(x => x.r.Status != CrmRowStatus.Error).ToList();
        if (candidates.Count == 0)
        {
            return rows;
        }
        await using var command = new NpgsqlCommand("""
            SELECT x.ord, x.handle_account, coalesce(
                       (SELECT a.person_id FROM accounts a WHERE a.platform = x.platform AND lower(a.handle) = lower(x.handle) AND NOT a.is_stub ORDER BY a.id LIMIT 1),
                       (SELECT a.person_id FROM accounts a WHERE a.platform = x.platform AND a.external_id = x.account AND NOT a.is_stub),
                       (SELECT p.id FROM persons p WHERE p.public_id = x.person OR (x.person ~ '^[0-9]{1,18}$' AND p.id = CASE WHEN x.person ~ '^[0-9]{1,18}$' THEN x.person::bigint END) ORDER BY p.id LIMIT 1),
                       (SELECT p.id FROM persons p WHERE p.npi = x.npi ORDER BY p.id LIMIT 1),
                       (SELECT a.person_id FROM accounts a WHERE a.npi = x.npi ORDER BY a.id LIMIT 1)) AS person_id
            FROM (SELECT u.ord, u.platform, u.handle, u.account, u.person, u.npi,
                         (SELECT a.external_id FROM accounts a WHERE a.platform = u.platform AND lower(a.handle) = lower(u.handle) AND NOT a.is_stub ORDER BY a.id LIMIT 1) AS handle_account
                  FROM unnest(@ord, @platform, @handle, @account, @person, @npi) AS u(ord, platform, handle, account, person, npi)) x
            """, connection);
        command.Parameters.AddWithValue("ord", candidates.Select(c => c.i).ToArray());
        command.Parameters.AddWithValue("platform", candidates.Select(c => c.r.Platform).ToArray());
        command.Parameters.AddWithValue("handle", candidates.Select(c => c.r.Handle).ToArray());
        command.Parameters.AddWithValue("account", candidates.Select(c => c.r.AccountExternalId).ToArray());
        command.Parameters.AddWithValue("person", candidates.Select(c => c.r.PersonKey).ToArray());
        command.Parameters.AddWithValue("npi", candidates.Select(c => c.r.Npi).ToArray());
        var resolved = new Dictionary<int, (string? Account, long? Person)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                resolved[reader.GetInt32(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
            }
        }
        var personIds = resolved.Values.Where(v => v.Person is not null).Select(v => v.Person!.Value).Distinct().ToArray();
        var names = new Dictionary<long, string>();
        await using (var lookup = new NpgsqlCommand("SELECT id, display_name FROM persons WHERE id = ANY(@ids)", connection))
        {
            lookup.Parameters.AddWithValue("ids", personIds);
            await using var reader = await lookup.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                names[reader.GetInt64(0)] = reader.IsDBNull(1) ? $"person {reader.GetInt64(0)}" : reader.GetString(1);
            }
        }
        var result = new List<CrmRowCheck>(rows);
        foreach (var (row, i) in candidates)
        {
            var byHandle = row.Handle is not null;
            var (account, person) = resolved.GetValueOrDefault(i);
            var fixedRow = row with { AccountExternalId = row.AccountExternalId ?? (byHandle ? account : null) };
            result[i] = person is { } id
                ? fixedRow with { Status = CrmRowStatus.Matched, PersonId = id, PersonName = names.GetValueOrDefault(id) }
                : fixedRow with
                {
                    Status = CrmRowStatus.NotMatched,
                    Problem = byHandle && row.AccountExternalId is null && row.PersonKey is null && row.Npi is null
                        ? "no stored account has this handle (handles are matched only now)"
                        : "nobody stored matches yet",
                };
        }
        return result;
    }

    private static void Bind(NpgsqlCommand command, CrmRowCheck row)
    {
        command.Parameters.Add(new NpgsqlParameter("person", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)row.PersonId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("platform", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)(row.AccountExternalId is null ? null : row.Platform) ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("account", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)row.AccountExternalId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)row.PersonKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("npi", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)row.Npi ?? DBNull.Value });
        command.Parameters.AddWithValue("kind", row.Kind!);
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.Date) { Value = (object?)row.Since ?? DBNull.Value });
    }
}
