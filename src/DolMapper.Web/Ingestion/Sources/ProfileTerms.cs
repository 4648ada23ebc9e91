using System.Text.Json;
using DolMapper.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>
/// The hashtags of the active scoring profiles (their latest versions), which every source searches
/// besides its own extra queries — so a brand team's new profile starts collecting its topic's
/// posts at the next pass.
/// </summary>
public sealed class ProfileTerms(DolMapperDbContext db)
{
    public async Task<IReadOnlyList<string>> HashtagsAsync(CancellationToken cancellationToken)
    {
        var definitions = await db.ScoringProfiles.AsNoTracking().Where(p => p.Active)
            .Select(p => p.Versions.OrderByDescending(v => v.Version).Select(v => v.Definition).FirstOrDefault())
            .ToListAsync(cancellationToken);
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var definition in definitions.OfType<string>())
        {
            using var document = JsonDocument.Parse(definition);
            if (document.RootElement.TryGetProperty("hashtags", out var hashtags) && hashtags.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in hashtags.EnumerateArray().Select(t => t.GetString()).OfType<string>())
                {
                    tags.Add(Import.ImportLineParser.NormaliseHashtag(tag));
                }
            }
        }
        tags.Remove("");
        return [.. tags];
    }

    /// <summary>
    /// The queries a source runs: its own, plus the profiles' hashtags in the platform's form — one X
    /// query ORing them (within X's 512-character query limit, split if longer), one Bluesky search
    /// and one Mastodon hashtag timeline per tag.
    /// </summary>
    public static IReadOnlyList<string> QueriesFor(string kind, IReadOnlyList<string> own, IReadOnlyList<string> hashtags)
    {
        var queries = new List<string>(own);
        switch (kind)
        {
            case "x":
                var current = new List<string>();
                foreach (var tag in hashtags)
                {
                    if (current.Count > 0 && string.Join(" OR ", current.Append($"#{tag}")).Length > 512)
                    {
                        queries.Add(string.Join(" OR ", current));
                        current.Clear();
                    }
                    current.Add($"#{tag}");
                }
                if (current.Count > 0)
                {
                    queries.Add(string.Join(" OR ", current));
                }
                break;
            case "bluesky":
                queries.AddRange(hashtags.Select(t => $"#{t}"));
                break;
            case "mastodon":
                queries.AddRange(hashtags);
                break;
        }
        return [.. queries.Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
