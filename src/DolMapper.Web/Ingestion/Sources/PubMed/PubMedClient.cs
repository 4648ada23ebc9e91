using System.Globalization;
using System.Text.Json;

namespace DolMapper.Web.Ingestion.Sources.PubMed;

/// <summary>A publication as PubMed's document summary gives it.</summary>
public sealed record PubMedSummary(string Pmid, string Title, string? Journal, string? PubDate, int? Year, string? Doi, IReadOnlyList<string> Authors);

/// <summary>
/// NCBI E-utilities for PubMed: <c>esearch.fcgi</c> (an author or topic term → PMIDs) and
/// <c>esummary.fcgi</c> (PMIDs → title, journal, date, authors, DOI), JSON mode, with the
/// <c>tool</c> and <c>email</c> NCBI asks every client to send and an optional <c>api_key</c>.
/// Requests are spaced to NCBI's limits — at most 3 a second without a key, 10 with — across the
/// whole process.
/// </summary>
public sealed class PubMedClient(HttpClient http)
{
    public const string DefaultBaseUrl = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static DateTime _lastRequest = DateTime.MinValue;

    public static TimeSpan Spacing(string? apiKey) => TimeSpan.FromMilliseconds(string.IsNullOrEmpty(apiKey) ? 340 : 100);

    public async Task<IReadOnlyList<string>> SearchAsync(string baseUrl, string term, PubMedIdentity identity, int max, CancellationToken cancellationToken)
    {
        var body = await GetAsync(baseUrl, $"esearch.fcgi?db=pubmed&retmode=json&retmax={max}&term={Uri.EscapeDataString(term)}", identity, cancellationToken);
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("esearchresult").GetProperty("idlist").EnumerateArray().Select(id => id.GetString()!)];
    }

    public async Task<IReadOnlyList<PubMedSummary>> SummariesAsync(string baseUrl, IReadOnlyCollection<string> pmids, PubMedIdentity identity, CancellationToken cancellationToken)
    {
        if (pmids.Count == 0)
        {
            return [];
        }
        var body = await GetAsync(baseUrl, $"esummary.fcgi?db=pubmed&retmode=json&id={string.Join(',', pmids)}", identity, cancellationToken);
        using var document = JsonDocument.Parse(body);
        var result = document.RootElement.GetProperty("result");
        var publications = new List<PubMedSummary>();
        foreach (var uid in result.GetProperty("uids").EnumerateArray().Select(u => u.GetString()!))
        {
            if (!result.TryGetProperty(uid, out var summary) || summary.TryGetProperty("error", out _))
            {
                continue;
            }
            var pubDate = Text(summary, "pubdate");
            var doi = summary.TryGetProperty("articleids", out var ids) && ids.ValueKind == JsonValueKind.Array
                ? ids.EnumerateArray().Where(i => Text(i, "idtype") == "doi").Select(i => Text(i, "value")).FirstOrDefault()
                : null;
            var authors = summary.TryGetProperty("authors", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(a => Text(a, "name")).OfType<string>().ToList()
                : [];
            publications.Add(new PubMedSummary(uid, Text(summary, "title") ?? "", Text(summary, "fulljournalname") ?? Text(summary, "source"),
                pubDate, Year(pubDate), doi, authors));
        }
        return publications;
    }

    private async Task<string> GetAsync(string baseUrl, string path, PubMedIdentity identity, CancellationToken cancellationToken)
    {
        var url = $"{baseUrl.TrimEnd('/')}/{path}&tool={Uri.EscapeDataString(identity.Tool)}&email={Uri.EscapeDataString(identity.Email)}"
            + (string.IsNullOrEmpty(identity.ApiKey) ? "" : $"&api_key={Uri.EscapeDataString(identity.ApiKey)}");
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var wait = _lastRequest + Spacing(identity.ApiKey) - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
            _lastRequest = DateTime.UtcNow;
        }
        finally
        {
            Gate.Release();
        }
        using var response = await http.GetAsync(url, cancellationToken);
        if (RateLimits.IsRateLimited(response))
        {
            throw new RateLimitedException("PubMed", RateLimits.ResetAt(response, DateTimeOffset.UtcNow));
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Year(string? pubDate) =>
        pubDate is { Length: >= 4 } && int.TryParse(pubDate.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : null;
}

/// <summary>Who is asking, as NCBI's usage policy requires (tool and email), and an optional API key.</summary>
public sealed record PubMedIdentity(string Tool, string Email, string? ApiKey);
