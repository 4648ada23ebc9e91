namespace DolMapper.Scoring;

/// <summary>One hashtag's counts over the window's posts.</summary>
/// <param name="Tag">The hashtag, lower case, without '#'.</param>
/// <param name="Posts">Posts carrying it.</param>
/// <param name="WithProfileTag">Posts carrying it and at least one of the profile's hashtags.</param>
public sealed record TagCount(string Tag, long Posts, long WithProfileTag);

/// <summary>A hashtag added to a profile's topic, and why.</summary>
/// <param name="Tag">The hashtag.</param>
/// <param name="WithProfileTag">Posts carrying it with a profile hashtag.</param>
/// <param name="Posts">Posts carrying it.</param>
/// <param name="Lift">P(tag | profile hashtag) / P(tag).</param>
public sealed record TopicExpansionTerm(string Tag, long WithProfileTag, long Posts, double Lift);

/// <summary>
/// Q1's topic expansion (docs/scoring.md): hashtags that co-occur with the profile's hashtags far
/// more than chance — in at least <see cref="MinimumCoOccurrence"/> posts with a profile hashtag and
/// with lift at least <see cref="MinimumLift"/> — at most <see cref="MaximumTerms"/>, highest lift first.
/// </summary>
public static class TopicExpansion
{
    /// <summary>Posts with a profile hashtag a candidate must appear in.</summary>
    public const int MinimumCoOccurrence = 20;
    /// <summary>The lift a candidate needs.</summary>
    public const double MinimumLift = 3;
    /// <summary>The most hashtags added.</summary>
    public const int MaximumTerms = 20;

    /// <summary>The expansion of <paramref name="profileTags"/> given the window's counts.</summary>
    /// <param name="profileTags">The profile's hashtags (lower case).</param>
    /// <param name="counts">Every hashtag in the window with its counts.</param>
    /// <param name="totalPosts">Posts in the window.</param>
    /// <param name="postsWithProfileTag">Posts in the window carrying a profile hashtag.</param>
    public static IReadOnlyList<TopicExpansionTerm> Expand(IReadOnlyCollection<string> profileTags, IEnumerable<TagCount> counts, long totalPosts, long postsWithProfileTag)
    {
        if (totalPosts <= 0 || postsWithProfileTag <= 0)
        {
            return [];
        }
        var own = new HashSet<string>(profileTags, StringComparer.Ordinal);
        return [.. counts
            .Where(c => !own.Contains(c.Tag) && c.WithProfileTag >= MinimumCoOccurrence && c.Posts > 0)
            .Select(c => new TopicExpansionTerm(c.Tag, c.WithProfileTag, c.Posts, (double)c.WithProfileTag / postsWithProfileTag / ((double)c.Posts / totalPosts)))
            .Where(t => t.Lift >= MinimumLift)
            .OrderByDescending(t => t.Lift).ThenBy(t => t.Tag, StringComparer.Ordinal)
            .Take(MaximumTerms)];
    }
}
