using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>
/// A post. The primary and unique keys start with the author's account, so the table can be
/// partitioned or distributed by author without changing a unique constraint (docs/architecture.md).
/// References to other posts and accounts are kept by the platform's ids, since either may arrive later.
/// </summary>
public sealed class Post
{
    public long AccountId { get; set; }
    public long Id { get; set; }
    public required string Platform { get; set; }
    /// <summary>The platform's id: numeric on X, the at:// URI on Bluesky, the status URI on Mastodon.</summary>
    public required string ExternalId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? Text { get; set; }
    public string? Lang { get; set; }
    public string? ReplyToPostExternalId { get; set; }
    public string? ReplyToAccountExternalId { get; set; }
    public string? QuoteOfPostExternalId { get; set; }
    public string? QuoteOfAccountExternalId { get; set; }
    public string? RepostOfPostExternalId { get; set; }
    public string? RepostOfAccountExternalId { get; set; }
    public string[] MentionExternalIds { get; set; } = [];
    public string[] Hashtags { get; set; } = [];
    public string[] Urls { get; set; } = [];
    public int Likes { get; set; }
    public int Replies { get; set; }
    public int Reposts { get; set; }
    public int Quotes { get; set; }
    /// <summary>When the counts were observed; the newest observation wins.</summary>
    public DateTime? ObservedAt { get; set; }
    /// <summary>Set when the post was deleted at the source: content is purged, the row is a tombstone.</summary>
    public DateTime? DeletedAt { get; set; }
    public int? SourceId { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> b)
    {
        b.HasKey(p => new { p.AccountId, p.Id });
        b.Property(p => p.Id).UseIdentityAlwaysColumn();
        b.HasIndex(p => new { p.AccountId, p.ExternalId }).IsUnique();
        b.HasIndex(p => new { p.Platform, p.ExternalId });
        b.HasIndex(p => new { p.AccountId, p.CreatedAt });
        b.Property(p => p.Platform).HasMaxLength(16);
        // No foreign key to accounts: the ingestion writer is the only way in and resolves every
        // author; a per-row check would cost the bulk path a locked account row per post
        // (docs/decisions/004-no-foreign-keys-on-the-bulk-tables.md).
        b.HasOne<Source>().WithMany().HasForeignKey(p => p.SourceId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(p => p.SourceId).HasFilter("source_id IS NOT NULL");
        b.ToTable(t => t.HasCheckConstraint("ck_posts_platform", Check.In("platform", Platforms.All)));
    }
}

/// <summary>
/// A deletion seen before (or without) the post itself: keeps the post from coming back later,
/// whichever way it arrives.
/// </summary>
public sealed class PostTombstone
{
    public required string Platform { get; set; }
    public required string ExternalId { get; set; }
    public DateTime DeletedAt { get; set; }
    public string? Reason { get; set; }
}

internal sealed class PostTombstoneConfiguration : IEntityTypeConfiguration<PostTombstone>
{
    public void Configure(EntityTypeBuilder<PostTombstone> b)
    {
        b.HasKey(t => new { t.Platform, t.ExternalId });
        b.Property(t => t.Platform).HasMaxLength(16);
    }
}

/// <summary>
/// An engagement derived from a post: its author (source) replied to, quoted, reposted or
/// mentioned the target. Keyed by the source account first, like posts.
/// </summary>
public sealed class Interaction
{
    public long SourceAccountId { get; set; }
    public long PostId { get; set; }
    public required string Kind { get; set; }
    public long TargetAccountId { get; set; }
    public DateTime OccurredAt { get; set; }
}

internal sealed class InteractionConfiguration : IEntityTypeConfiguration<Interaction>
{
    public void Configure(EntityTypeBuilder<Interaction> b)
    {
        b.HasKey(i => new { i.SourceAccountId, i.PostId, i.Kind, i.TargetAccountId });
        b.HasIndex(i => i.TargetAccountId);
        b.Property(i => i.Kind).HasMaxLength(16);
        // Derived from posts by the ingestion writer, which also removes them with their post; no
        // foreign keys (docs/decisions/004-no-foreign-keys-on-the-bulk-tables.md).
        b.ToTable(t => t.HasCheckConstraint("ck_interactions_kind", Check.In("kind", InteractionKinds.All)));
    }
}
