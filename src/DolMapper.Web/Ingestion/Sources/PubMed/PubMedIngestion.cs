using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion.Sources.PubMed;

/// <summary>
/// One PubMed pass for a term: esearch for the PMIDs (up to <c>max</c>, newest first), esummary
/// 200 at a time, and an upsert of the publications (a changed title, journal, date, DOI or author
/// list updates the row; the same summary again changes nothing).
/// </summary>
public sealed class PubMedIngestion(PubMedClient client, NpgsqlDataSource dataSource, CrossProcessLock locks, ILogger<PubMedIngestion> logger)
{
    public async Task<IngestReport> RunAsync(string baseUrl, PubMedIdentity identity, string term, int max, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null)
    {
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Ingestion("pubmed", term), cancellationToken: cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sourceId = configuredSourceId ?? await SourceRuns.SourceIdAsync(connection, "pubmed", baseUrl, cancellationToken);
        var runId = await SourceRuns.StartAsync(connection, sourceId, term, triggeredBy, cancellationToken);
        var report = new IngestReport { RunId = runId, Source = "pubmed", Query = term };
        try
        {
            var ids = await client.SearchAsync(baseUrl, term, identity, max, cancellationToken);
            foreach (var chunk in ids.Chunk(200))
            {
                var publications = await client.SummariesAsync(baseUrl, chunk, identity, cancellationToken);
                report.Pages++;
                await StoreAsync(connection, publications, report, cancellationToken);
            }
            logger.LogInformation("PubMed '{Term}': {Report}", term, report.ToText());
            await SourceRuns.FinishAsync(connection, report, RunStatuses.Complete, report.ToText(), CancellationToken.None);
            return report;
        }
        catch (Exception e)
        {
            await SourceRuns.FinishAsync(connection, report, RunStatuses.Failed, $"failed: {e.Message}", CancellationToken.None);
            throw;
        }
    }

    /// <summary>Stores summaries and counts them in <paramref name="report"/> as new, updated or unchanged.</summary>
    internal static async Task StoreAsync(NpgsqlConnection connection, IReadOnlyCollection<PubMedSummary> publications, IngestReport report, CancellationToken cancellationToken)
    {
        report.Fetched += publications.Count;
        foreach (var publication in publications)
        {
            switch (await UpsertAsync(connection, publication, cancellationToken))
            {
                case true:
                    report.Counts.PostsNew++;
                    break;
                case false:
                    report.Counts.PostsUpdated++;
                    break;
                default:
                    report.Counts.PostsUnchanged++;
                    break;
            }
        }
    }

    /// <summary>True when inserted, false when updated, null when unchanged.</summary>
    private static async Task<bool?> UpsertAsync(NpgsqlConnection connection, PubMedSummary publication, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO publications AS p (pmid, doi, title, journal, pub_date, year, authors, first_seen_at, updated_at)
            VALUES (@pmid, @doi, @title, @journal, @date, @year, @authors, now(), now())
            ON CONFLICT (pmid) DO UPDATE SET doi = excluded.doi, title = excluded.title, journal = excluded.journal,
                pub_date = excluded.pub_date, year = excluded.year, authors = excluded.authors, updated_at = now()
            WHERE (p.doi, p.title, p.journal, p.pub_date, p.year, p.authors)
                  IS DISTINCT FROM (excluded.doi, excluded.title, excluded.journal, excluded.pub_date, excluded.year, excluded.authors)
            RETURNING (xmax = 0)
            """, connection);
        command.Parameters.AddWithValue("pmid", publication.Pmid);
        command.Parameters.Add(new NpgsqlParameter<string?>("doi", publication.Doi) { NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue("title", publication.Title);
        command.Parameters.Add(new NpgsqlParameter<string?>("journal", publication.Journal) { NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?>("date", publication.PubDate) { NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int?>("year", publication.Year) { NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.AddWithValue("authors", publication.Authors.ToArray());
        return await command.ExecuteScalarAsync(cancellationToken) is bool inserted ? inserted : null;
    }
}
