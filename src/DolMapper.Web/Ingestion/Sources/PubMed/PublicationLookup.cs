using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using DolMapper.Scoring;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources.PubMed;

/// <summary>
/// Finds the publications of persons classified as physicians or researchers (Q8) with the PubMed
/// client: one search per person for their name in PubMed's author form, limited to the last five
/// years and, when their specialty is known, to titles with its words; then the summaries are
/// stored like any PubMed pass. The scoring run decides which of them are the person's
/// (`PublicationMatching`: author form and specialty words, never a bare name). A pass looks at the
/// persons checked longest ago, a bounded number at a time, and records one ingestion run.
/// </summary>
public sealed class PublicationLookup(PubMedClient client, NpgsqlDataSource dataSource, CrossProcessLock locks, IOptions<SourcesOptions> options, ILogger<PublicationLookup> logger)
{
    public const string LockName = "pubmed:author-lookup";
    public const string RecurringJobId = "lookup-publications";

    public async Task<IngestReport?> RunAsync(int? maxPersons, string triggeredBy, CancellationToken cancellationToken)
    {
        var settings = options.Value.PubMed;
        var max = maxPersons ?? settings.AuthorLookupsPerPass;
        if (max <= 0)
        {
            return null;
        }
        await using var held = await locks.TryAcquireAsync(LockName, cancellationToken);
        if (held is null)
        {
            logger.LogInformation("Another process is looking up publications; skipping this pass");
            return null;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var persons = new List<(long Id, string? Name, string? Specialty)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT p.id, p.display_name, p.specialty FROM persons p
            WHERE p.profession IN ('physician', 'researcher') AND coalesce(p.hcp_confidence, 0) >= 0.6
              AND (p.publications_checked_at IS NULL OR p.publications_checked_at < now() - make_interval(days => @days))
              AND NOT {Data.OptOutSql.IsOptedOut("p.id")}
            ORDER BY p.publications_checked_at NULLS FIRST, p.id
            LIMIT @max
            """, connection))
        {
            command.Parameters.AddWithValue("days", settings.AuthorLookupIntervalDays);
            command.Parameters.AddWithValue("max", max);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                persons.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }
        if (persons.Count == 0)
        {
            return null;
        }

        var identity = new PubMedIdentity(settings.Tool, settings.Email, string.IsNullOrEmpty(settings.Token) ? null : settings.Token);
        var sourceId = await SourceRuns.SourceIdAsync(connection, SourceKinds.PubMed, settings.BaseUrl, cancellationToken);
        var fromYear = DateTime.UtcNow.Year - 5;
        var report = await SourceRunner.RecordAsync(connection, SourceKinds.PubMed, sourceId, $"author lookup of {persons.Count} persons", triggeredBy, async report =>
        {
            foreach (var (id, name, specialty) in persons)
            {
                var term = Term(name, specialty, fromYear);
                if (term is not null)
                {
                    var pmids = await client.SearchAsync(settings.BaseUrl, term, identity, 50, cancellationToken);
                    report.Pages++;
                    if (pmids.Count > 0)
                    {
                        var summaries = await client.SummariesAsync(settings.BaseUrl, [.. pmids], identity, cancellationToken);
                        await PubMedIngestion.StoreAsync(connection, summaries, report, cancellationToken);
                    }
                }
                await using var mark = new NpgsqlCommand("UPDATE persons SET publications_checked_at = now() WHERE id = @id", connection);
                mark.Parameters.AddWithValue("id", id);
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);
        logger.LogInformation("PubMed author lookup: {Report}", report.ToText());
        return report;
    }

    /// <summary>
    /// The E-utilities term for a person: their name in PubMed's author forms, the last five years,
    /// and their specialty's title words when known; null when the name has no author form.
    /// </summary>
    public static string? Term(string? displayName, string? specialty, int fromYear)
    {
        var keys = PublicationMatching.AuthorKeys(displayName);
        if (keys.Count == 0)
        {
            return null;
        }
        var authors = string.Join(" OR ", keys.Select(k => $"\"{k}\"[Author]"));
        var term = $"({authors}) AND (\"{fromYear}\"[PDAT] : \"3000\"[PDAT])";
        var words = PublicationMatching.TitleWords(specialty);
        return words.Count == 0 ? term : $"{term} AND ({string.Join(" OR ", words.Select(w => $"{w}*[Title]"))})";
    }
}

/// <summary>The daily Hangfire pass of <see cref="PublicationLookup"/> (before the nightly scoring runs).</summary>
public sealed class PublicationLookupJob(PublicationLookup lookup)
{
    public const string Schedule = "0 1 * * *";

    [AutomaticRetry(Attempts = 1)]
    public Task RunAsync(CancellationToken cancellationToken) => lookup.RunAsync(null, "job", cancellationToken);
}
