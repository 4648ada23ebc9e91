using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Ingestion.Sources.PubMed;

/// <summary>
/// One PubMed pass for a term: esearch for the PMIDs (up to <c>max</c>, newest first), esummary
/// 200 at a time, and an upsert of the publications (a changed title, journal, date, DOI or author
/// list updates the row; the same summary again changes nothing).
/// </summary>
public sealed class PubMedIngestion(PubMedClient client, SourceRunner runner, IOptions<SourcesOptions> options, ILogger<PubMedIngestion> logger) : ISourcePass
{
    public bool NeedsCredential => false;

    public Task<IngestReport> RunAsync(string baseUrl, PubMedIdentity identity, string term, int max, string triggeredBy, CancellationToken cancellationToken, int? configuredSourceId = null) =>
        runner.RunAsync(SourceKinds.PubMed, baseUrl, term, configuredSourceId, triggeredBy, async run =>
        {
            var ids = await client.SearchAsync(baseUrl, term, identity, max, cancellationToken);
            foreach (var chunk in ids.Chunk(200))
            {
                var publications = await client.SummariesAsync(baseUrl, chunk, identity, cancellationToken);
                run.Report.Pages++;
                await StoreAsync(run.Connection, publications, run.Report, cancellationToken);
            }
            logger.LogInformation("PubMed '{Term}': {Report}", term, run.Report.ToText());
        }, cancellationToken);

    /// <summary>The tool name and e-mail NCBI asks for, and the API key when one is saved (it only raises the rate limit).</summary>
    public PubMedIdentity Identity(string? apiKey) =>
        new(options.Value.PubMed.Tool, options.Value.PubMed.Email, string.IsNullOrEmpty(apiKey) ? null : apiKey);

    Task<IngestReport> ISourcePass.RunAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        RunAsync(settings.BaseUrl, Identity(settings.Credential), query, options.Value.PubMed.MaxResults, settings.TriggeredBy, cancellationToken, settings.SourceId);

    /// <summary>PubMed has no accounts to track: authors are looked up by the publication lookup.</summary>
    Task<IReadOnlyList<IngestReport>> ISourcePass.TrackAsync(SourcePassSettings settings, IReadOnlyList<string> accounts, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IngestReport>>([]);

    /// <summary>A search for one id: it reads nothing else.</summary>
    Task ISourcePass.TestAsync(SourcePassSettings settings, string query, CancellationToken cancellationToken) =>
        client.SearchAsync(settings.BaseUrl, query, Identity(settings.Credential), 1, cancellationToken);

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
