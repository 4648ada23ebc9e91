using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>
/// A hashtag, term or domain of a profile's topic as one scoring run found it (docs/insights.md):
/// its trend against its own previous eight weeks, its counts, the HCPs who drive it and example
/// posts. Kept per run like the scores, so a failed run leaves the previous insights visible.
/// </summary>
public sealed class TopicTrend
{
    public long RunId { get; set; }
    /// <summary>hashtag, term or domain.</summary>
    public required string Kind { get; set; }
    public required string Item { get; set; }
    /// <summary>rising, emerging, steady or falling.</summary>
    public required string Status { get; set; }
    /// <summary>Rank within the run: rising first, then emerging, steady and falling, each by trend score.</summary>
    public int Rank { get; set; }
    public double TrendScore { get; set; }
    public int PostsRecent { get; set; }
    public double PostsBaseline { get; set; }
    public int HcpAuthorsRecent { get; set; }
    public int PublicAuthorsRecent { get; set; }
    public int PostsWindow { get; set; }
    public int HcpPostsWindow { get; set; }
    public int HcpAuthorsWindow { get; set; }
    public long EngagementWindow { get; set; }
    /// <summary>The HCPs who post it most (person ids), and their posts, in the same order.</summary>
    public long[] DriverPersonIds { get; set; } = [];
    public int[] DriverPosts { get; set; } = [];
    /// <summary>Example posts (post ids), best first.</summary>
    public long[] ExamplePostIds { get; set; } = [];
    /// <summary>The example posts' accounts, in the same order: with the post id a post's key, so an example is found by index.</summary>
    public long[] ExampleAccountIds { get; set; } = [];
}

/// <summary>One day of a <see cref="TopicTrend"/>: posts, HCPs' posts and the engagement they received.</summary>
public sealed class TopicTrendDay
{
    public long RunId { get; set; }
    public required string Kind { get; set; }
    public required string Item { get; set; }
    public DateOnly Day { get; set; }
    public int Posts { get; set; }
    public int HcpPosts { get; set; }
    public long Engagement { get; set; }
}

internal sealed class TopicTrendConfiguration : IEntityTypeConfiguration<TopicTrend>
{
    public void Configure(EntityTypeBuilder<TopicTrend> b)
    {
        b.ToTable("topic_trends", t =>
        {
            t.HasCheckConstraint("ck_topic_trends_kind", Check.In("kind", global::DolMapper.Scoring.Insights.TermExtractor.Kinds));
            t.HasCheckConstraint("ck_topic_trends_status", Check.In("status", global::DolMapper.Scoring.Insights.TrendStatus.All));
        });
        b.HasKey(t => new { t.RunId, t.Kind, t.Item });
        b.HasIndex(t => new { t.RunId, t.Rank });
        b.Property(t => t.Kind).HasMaxLength(16);
        b.Property(t => t.Status).HasMaxLength(16);
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(t => t.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TopicTrendDayConfiguration : IEntityTypeConfiguration<TopicTrendDay>
{
    public void Configure(EntityTypeBuilder<TopicTrendDay> b)
    {
        b.ToTable("topic_trend_days");
        b.HasKey(d => new { d.RunId, d.Kind, d.Item, d.Day });
        b.Property(d => d.Kind).HasMaxLength(16);
        b.HasOne<TopicTrend>().WithMany().HasForeignKey(d => new { d.RunId, d.Kind, d.Item }).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// A theme of the concerns and unmet needs HCPs voiced in a profile's topic over the nine weeks
/// before a run's snapshot (docs/insights.md): the term that names it, its posts, their HCP authors
/// and example posts.
/// </summary>
public sealed class TopicConcernTheme
{
    public long RunId { get; set; }
    public required string Theme { get; set; }
    /// <summary>1 = the most posts.</summary>
    public int Rank { get; set; }
    public int Posts { get; set; }
    public int HcpAuthors { get; set; }
    /// <summary>Example posts (post ids), most engaged first.</summary>
    public long[] ExamplePostIds { get; set; } = [];
    /// <summary>The example posts' accounts, in the same order.</summary>
    public long[] ExampleAccountIds { get; set; } = [];
}

internal sealed class TopicConcernThemeConfiguration : IEntityTypeConfiguration<TopicConcernTheme>
{
    public void Configure(EntityTypeBuilder<TopicConcernTheme> b)
    {
        b.ToTable("topic_concern_themes");
        b.HasKey(t => new { t.RunId, t.Theme });
        b.HasIndex(t => new { t.RunId, t.Rank });
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(t => t.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}


/// <summary>How many of a concern theme's posts one HCP wrote in a run (the DOL page lists a person's concerns).</summary>
public sealed class PersonConcernTheme
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public required string Theme { get; set; }
    public int Posts { get; set; }
}

internal sealed class PersonConcernThemeConfiguration : IEntityTypeConfiguration<PersonConcernTheme>
{
    public void Configure(EntityTypeBuilder<PersonConcernTheme> b)
    {
        b.ToTable("person_concern_themes");
        b.HasKey(t => new { t.RunId, t.PersonId, t.Theme });
        b.HasIndex(t => t.PersonId);
        b.HasOne<TopicConcernTheme>().WithMany().HasForeignKey(t => new { t.RunId, t.Theme }).OnDelete(DeleteBehavior.Cascade);
    }
}
