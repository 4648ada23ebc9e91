using System.Text.Json;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Import;
using Npgsql;

namespace DolMapper.Web.Ingestion.Sources.Bluesky;

/// <summary>
/// Honours deletions on Bluesky: asks <c>getPosts</c> for the stored posts of the last <c>days</c>
/// days, 25 at a time, and tombstones the ones the service no longer returns.
/// </summary>
public sealed class BlueskyReconciliation(BlueskyClient client, IngestionWriter writer, NpgsqlDataSource dataSource)
{
    public async Task<int> RunAsync(string baseUrl, string credentials, int days, int maxPosts, CancellationToken cancellationToken)
    {
        var uris = await SourceRuns.RecentPostIdsAsync(dataSource, Platforms.Bluesky, days, maxPosts, cancellationToken);
        if (uris.Count == 0)
        {
            return 0;
        }
        await client.SignInAsync(baseUrl, credentials, cancellationToken);
        var deleted = new List<ImportRecord>();
        foreach (var chunk in uris.Chunk(25))
        {
            var response = await client.GetPostsAsync(chunk, cancellationToken);
            using var document = JsonDocument.Parse(response.Body);
            var present = document.RootElement.TryGetProperty("posts", out var posts) && posts.ValueKind == JsonValueKind.Array
                ? posts.EnumerateArray().Select(p => p.TryGetProperty("uri", out var u) ? u.GetString() : null).OfType<string>().ToHashSet(StringComparer.Ordinal)
                : [];
            deleted.AddRange(chunk.Where(uri => !present.Contains(uri)).Select(uri => new PostRecord { Platform = Platforms.Bluesky, Id = uri, Deleted = true }));
        }
        if (deleted.Count > 0)
        {
            await using var session = await writer.OpenSessionAsync(cancellationToken);
            await session.WriteAsync(deleted, new IngestionWriteOptions(DateTime.UtcNow), cancellationToken);
        }
        return deleted.Count;
    }
}
