using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Import;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources.Mastodon;

/// <summary>
/// Mastodon upkeep: refreshing tracked accounts' profiles by lookup, and honouring deletions —
/// a status whose URI belongs to the source's instance is asked for again, and tombstoned when the
/// instance answers 404 or 410. (Statuses from other instances are checked by those instances'
/// sources.)
/// </summary>
public sealed class MastodonMaintenance(MastodonClient client, IngestionWriter writer, NpgsqlDataSource dataSource)
{
    public async Task<int> RefreshAccountsAsync(string instance, string? token, IReadOnlyList<string> accounts, CancellationToken cancellationToken)
    {
        var records = new List<ImportRecord>();
        foreach (var acct in accounts.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var response = await client.LookupAccountAsync(instance, acct, token, cancellationToken);
            records.Add(MastodonMapper.MapAccount(response.Body, instance, DateTime.UtcNow));
        }
        if (records.Count > 0)
        {
            await using var session = await writer.OpenSessionAsync(cancellationToken);
            await session.WriteAsync(records, new IngestionWriteOptions(DateTime.UtcNow), cancellationToken);
        }
        return records.Count;
    }

    public async Task<int> ReconcileAsync(string instance, string? token, int days, int maxPosts, CancellationToken cancellationToken)
    {
        var prefix = $"{new Uri(instance).GetLeftPart(UriPartial.Authority)}/users/";
        var uris = await SourceRuns.RecentPostIdsAsync(dataSource, Platforms.Mastodon, days, maxPosts, cancellationToken, prefix);
        var deleted = new List<ImportRecord>();
        foreach (var uri in uris)
        {
            // A local status URI ends in /statuses/ID, the id the instance's API knows it by.
            var id = uri[(uri.LastIndexOf('/') + 1)..];
            if (!await client.StatusExistsAsync(instance, id, token, cancellationToken))
            {
                deleted.Add(new PostRecord { Platform = Platforms.Mastodon, Id = uri, Deleted = true });
            }
        }
        if (deleted.Count > 0)
        {
            await using var session = await writer.OpenSessionAsync(cancellationToken);
            await session.WriteAsync(deleted, new IngestionWriteOptions(DateTime.UtcNow), cancellationToken);
        }
        return deleted.Count;
    }
}
