using System.Globalization;
using DolMapper.Scoring.Compliance;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Compliance;

/// <summary>A potential adverse event as the review queue shows it.</summary>
public sealed record AdverseEventRow(
    long Id, long PostId, string Platform, string ExternalId, string? Handle, string? Text, DateTime PostedAt, DateTime FoundAt, DateTime DueAt,
    string[] Criteria, string[] Products, string[] Events, string Status, string? DecidedBy, DateTime? DecidedAt, string? Note)
{
    /// <summary>Open and past its deadline.</summary>
    public bool Overdue(DateTime now) => Status == AdverseEventQueue.Open && DueAt < now;
}

/// <summary>
/// The potential adverse-event queue (docs/compliance.md, "Potential adverse events"): the scan
/// screens every stored post (own posts, not reposts) it has not read yet for the company's
/// products — every product list's brands, generic names and synonyms — and an adverse event or
/// side effect (<see cref="AdverseEventScreen"/>), and queues each match with its criteria and a
/// deadline from when the post was first stored. Reviewers (analysts and admins) mark each item
/// reported or not an adverse event with a note (audited); the safety team's CSV masks text that may
/// identify a patient unless asked not to. The scan runs every five minutes and before an export.
/// </summary>
public sealed class AdverseEventQueue(NpgsqlDataSource dataSource, IOptions<DolMapperOptions> options, ILogger<AdverseEventQueue> logger, Infrastructure.Mail.MailSender? mail = null)
{
    public const string Open = "open";
    public const string Reported = "reported";
    public const string NotAe = "not_ae";
    public static readonly string[] Decisions = [Reported, NotAe];

    public const string RecurringJobId = "adverse-event-scan";
    public const string Schedule = "*/5 * * * *";

    private const int Batch = 5_000;

    /// <summary>Screens the posts stored since the last scan (all of them again when the product lists changed); returns how many items it queued.</summary>
    [AutomaticRetry(Attempts = 1)]
    [JobDisplayName("Screen new posts for potential adverse events")]
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var names = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT DISTINCT n FROM products p CROSS JOIN LATERAL unnest(array_append(array_append(p.synonyms, p.name), p.generic_name)) AS n WHERE n IS NOT NULL AND n <> '' ORDER BY n
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }
        var key = string.Join("|", names).ToLowerInvariant();
        long last = 0;
        string? lastKey = null;
        await using (var state = new NpgsqlCommand("SELECT last_post_id, products_key FROM adverse_event_scan WHERE id = 1", connection))
        await using (var reader = await state.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                last = reader.GetInt64(0);
                lastKey = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        if (lastKey != key)
        {
            last = 0;
        }
        // Read up to the newest post as of now; a post stored while the scan runs waits for the next one.
        long upTo;
        await using (var newest = new NpgsqlCommand("SELECT coalesce(max(id), 0) FROM posts", connection))
        {
            upTo = (long)(await newest.ExecuteScalarAsync(cancellationToken))!;
        }
        var queued = 0;
        if (names.Count > 0)
        {
            var likes = names.Select(n => Data.Like.Containing(n.ToLowerInvariant())).ToArray();
            var deadline = TimeSpan.FromHours(options.Value.Safety.DeadlineHours);
            while (true)
            {
                var found = new List<(long Post, long Account, DateTime FirstSeen, AeFinding Finding)>();
                long reached = last;
                await using (var command = new NpgsqlCommand("""
                    SELECT p.id, p.account_id, p.first_seen_at, p.text, a.handle IS NOT NULL AND a.handle <> ''
                    FROM posts p JOIN accounts a ON a.id = p.account_id
                    WHERE p.id > @last AND p.id <= @upTo AND p.deleted_at IS NULL AND p.repost_of_post_external_id IS NULL AND p.text IS NOT NULL AND lower(p.text) LIKE ANY(@likes)
                    ORDER BY p.id LIMIT @batch
                    """, connection) { CommandTimeout = 0 })
                {
                    command.Parameters.AddWithValue("last", last);
                    command.Parameters.AddWithValue("upTo", upTo);
                    command.Parameters.AddWithValue("likes", likes);
                    command.Parameters.AddWithValue("batch", Batch);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        reached = reader.GetInt64(0);
                        var finding = AdverseEventScreen.Screen(reader.GetString(3), names, reporterKnown: reader.GetBoolean(4));
                        if (finding.Potential)
                        {
                            found.Add((reached, reader.GetInt64(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc), finding));
                        }
                    }
                }
                foreach (var (post, account, firstSeen, finding) in found)
                {
                    await using var insert = new NpgsqlCommand($"""
                        INSERT INTO adverse_events (post_id, account_id, found_at, due_at, criteria, products, events, status)
                        VALUES (@post, @account, now(), @due, @criteria, @products, @events, '{Open}') ON CONFLICT (post_id) DO NOTHING
                        """, connection);
                    insert.Parameters.AddWithValue("post", post);
                    insert.Parameters.AddWithValue("account", account);
                    insert.Parameters.AddWithValue("due", firstSeen + deadline);
                    insert.Parameters.AddWithValue("criteria", finding.Criteria.ToArray());
                    insert.Parameters.AddWithValue("products", finding.Products.ToArray());
                    insert.Parameters.AddWithValue("events", finding.Events.Select(e => e.ToLowerInvariant()).Distinct().ToArray());
                    queued += await insert.ExecuteNonQueryAsync(cancellationToken);
                }
                if (reached == last)
                {
                    break;
                }
                last = reached;
            }
        }
        // Everything up to that post has been read (posts without a product name need no second look).
        await using (var save = new NpgsqlCommand("""
            INSERT INTO adverse_event_scan (id, last_post_id, products_key, scanned_at) VALUES (1, GREATEST(@last, @upTo), @key, now())
            ON CONFLICT (id) DO UPDATE SET last_post_id = EXCLUDED.last_post_id, products_key = EXCLUDED.products_key, scanned_at = EXCLUDED.scanned_at
            """, connection))
        {
            save.Parameters.AddWithValue("last", last);
            save.Parameters.AddWithValue("upTo", upTo);
            save.Parameters.AddWithValue("key", key);
            await save.ExecuteNonQueryAsync(cancellationToken);
        }
        if (queued > 0)
        {
            logger.LogInformation("Adverse-event screen queued {Count} potential adverse events for review", queued);
        }
        await NotifyOverdueAsync(connection, cancellationToken);
        return queued;
    }

    /// <summary>
    /// E-mails the open items past their deadline that the safety address was not told of yet, in
    /// one message (DolMapper:Safety:Email, with SMTP configured); each item is told once, and the
    /// sending is audited. No post text goes by e-mail: the message says which items and where.
    /// </summary>
    private async Task NotifyOverdueAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var to = options.Value.Safety.Email;
        if (string.IsNullOrWhiteSpace(to) || mail is null)
        {
            return;
        }
        var overdue = new List<(long Id, string Platform, string ExternalId, DateTime Due, string[] Products, string[] Events)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT e.id, p.platform, p.external_id, e.due_at, e.products, e.events FROM adverse_events e JOIN posts p ON p.id = e.post_id
            WHERE e.status = '{Open}' AND e.due_at < now() AND e.overdue_notified_at IS NULL ORDER BY e.due_at
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                overdue.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                    reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5)));
            }
        }
        if (overdue.Count == 0)
        {
            return;
        }
        var body = new System.Text.StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"{overdue.Count} potential adverse event{(overdue.Count == 1 ? " is" : "s are")} past the deadline in DolMapper's review queue (Safety):");
        body.AppendLine();
        foreach (var o in overdue)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"- item {o.Id}: {string.Join(", ", o.Products)} / {string.Join(", ", o.Events)} — {o.Platform} post {o.ExternalId}, due {o.Due:yyyy-MM-dd HH:mm} UTC");
        }
        body.AppendLine();
        body.AppendLine("Open the Safety page to review them; the post texts are there and in its export, not in this e-mail.");
        var problem = await mail.SendAsync(to, $"DolMapper: {overdue.Count} overdue potential adverse event{(overdue.Count == 1 ? "" : "s")}", body.ToString(), cancellationToken);
        if (problem is not null)
        {
            logger.LogWarning("Could not e-mail {Count} overdue potential adverse events to {To}: {Problem}", overdue.Count, to, problem);
            return;
        }
        await using (var mark = new NpgsqlCommand("UPDATE adverse_events SET overdue_notified_at = now() WHERE id = ANY(@ids)", connection))
        {
            mark.Parameters.AddWithValue("ids", overdue.Select(o => o.Id).ToArray());
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await Data.AuditLog.WriteAsync(connection, null, "safety", "ae.overdue_emailed", null, new { items = overdue.Select(o => o.Id).ToArray() }, cancellationToken);
    }

    /// <summary>The queue: open items first, the most urgent first; with <paramref name="all"/> the decided ones too.</summary>
    public async Task<IReadOnlyList<AdverseEventRow>> ListAsync(bool all, CancellationToken cancellationToken, int? limit = null)
    {
        var rows = new List<AdverseEventRow>();
        await using var command = dataSource.CreateCommand($"""
            SELECT e.id, e.post_id, p.platform, p.external_id, a.handle, p.text, p.created_at, e.found_at, e.due_at, e.criteria, e.products, e.events,
                   e.status, e.decided_by, e.decided_at, e.note
            FROM adverse_events e JOIN posts p ON p.id = e.post_id JOIN accounts a ON a.id = e.account_id
            WHERE @all OR e.status = '{Open}'
            ORDER BY e.status <> '{Open}', e.due_at, e.id
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("all", all);
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)limit ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var handle = reader.IsDBNull(4) ? null : reader.GetString(4);
            DateTime Utc(int i) => DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc);
            rows.Add(new AdverseEventRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                handle, reader.IsDBNull(5) ? null : reader.GetString(5), Utc(6), Utc(7), Utc(8), reader.GetFieldValue<string[]>(9), reader.GetFieldValue<string[]>(10),
                reader.GetFieldValue<string[]>(11), reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetString(13), reader.IsDBNull(14) ? null : Utc(14),
                reader.IsDBNull(15) ? null : reader.GetString(15)));
        }
        return rows;
    }

    /// <summary>How many items are open, how many of them overdue, and how many in all.</summary>
    public async Task<(long Open, long Overdue, long All)> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT count(*) FILTER (WHERE status = '{Open}'), count(*) FILTER (WHERE status = '{Open}' AND due_at < now()), count(*) FROM adverse_events
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Records a reviewer's decision on an item (audited); false when there is no such item or the decision is unknown.</summary>
    public async Task<bool> DecideAsync(long id, string decision, string? note, string reviewer, string? reviewerId, CancellationToken cancellationToken)
    {
        if (!Decisions.Contains(decision))
        {
            return false;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand("""
            UPDATE adverse_events SET status = @status, note = @note, decided_by = @by, decided_at = now() WHERE id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("status", decision);
            update.Parameters.Add(new NpgsqlParameter("note", NpgsqlTypes.NpgsqlDbType.Text) { Value = string.IsNullOrWhiteSpace(note) ? DBNull.Value : note.Trim() });
            update.Parameters.AddWithValue("by", reviewer);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        await Data.AuditLog.WriteAsync(connection, transaction, reviewer, "ae.decided", id.ToString(CultureInfo.InvariantCulture),
            new { item = id, decision, note_length = note?.Trim().Length ?? 0 }, cancellationToken, reviewerId);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
