using System.Text.Json;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Import;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources.X;

/// <summary>
/// Honours deletions at the source (docs/admin.md, "Opt-outs and erasure"): looks up stored X posts of the last
/// <c>days</c> days by id, 100 at a time, and tombstones the ones X reports as not found — through
/// the bulk writer, so they are purged with their interactions and never come back.
/// </summary>
public sealed class XReconciliation(XClient client, IngestionWriter writer, NpgsqlDataSource dataSource)
{
    public async Task<int> RunAsync(string baseUrl, string token, int days, int maxPosts, CancellationToken cancellationToken)
    {
        var ids = await SourceRuns.RecentPostIdsAsync(dataSource, Platforms.X, days, maxPosts, cancellationToken);
        var deleted = new List<ImportRecord>();
        foreach (var chunk in ids.Chunk(100))
        {
            var response = await client.LookupAsync(baseUrl, token, chunk, cancellationToken);
            using var document = JsonDocument.Parse(response.Body);
            if (!document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var error in errors.EnumerateArray())
            {
                // Only "not found" means deleted; other problems (e.g. suspended authors, authorization) leave the post alone.
                var notFound = error.TryGetProperty("type", out var type) && type.GetString()?.EndsWith("/resource-not-found", StringComparison.Ordinal) == true;
                if (notFound && error.TryGetProperty("resource_id", out var id) && id.GetString() is { } postId && chunk.Contains(postId))
                {
                    deleted.Add(new PostRecord { Platform = Platforms.X, Id = postId, Deleted = true });
                }
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
