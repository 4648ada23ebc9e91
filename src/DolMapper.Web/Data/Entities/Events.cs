using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>
/// A congress, launch, awareness day or campaign (docs/events.md). The name is its identity; what
/// it is lives in its versions, each immutable (the database rejects updates), like a profile's.
/// </summary>
public sealed class Event
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<EventVersion> Versions { get; set; } = [];
}

internal sealed class EventConfiguration : IEntityTypeConfiguration<Event>
{
    public void Configure(EntityTypeBuilder<Event> b)
    {
        b.ToTable("events");
        b.HasIndex(e => e.Name).IsUnique();
        b.Property(e => e.Name).HasMaxLength(200);
    }
}

/// <summary>One version of an event: its JSON (docs/events.md).</summary>
public sealed class EventVersion
{
    public int Id { get; set; }
    public int EventId { get; set; }
    public int Version { get; set; }
    public required string Definition { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

internal sealed class EventVersionConfiguration : IEntityTypeConfiguration<EventVersion>
{
    public void Configure(EntityTypeBuilder<EventVersion> b)
    {
        b.ToTable("event_versions");
        b.HasIndex(v => new { v.EventId, v.Version }).IsUnique();
        b.Property(v => v.Definition).HasColumnType("jsonb");
        b.HasOne<Event>().WithMany(e => e.Versions).HasForeignKey(v => v.EventId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// One reading of an event's conversation (docs/events.md, "How an event is read"): pages and
/// reports read the latest complete one, so a failed reading leaves the previous one shown.
/// </summary>
public sealed class EventAnalysis
{
    public long Id { get; set; }
    public int EventId { get; set; }
    public int EventVersionId { get; set; }
    /// <summary>One of <see cref="RunStatuses"/>.</summary>
    public required string Status { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>The newest post stored when it was read: "after" (and "during") are complete only up to here.</summary>
    public DateTime? DataUntil { get; set; }
    public string? Error { get; set; }
    /// <summary>The conversation's totals per phase, shared links, hashtags, countries, top posts and the rule's numbers, as JSON.</summary>
    public string Details { get; set; } = "{}";
}

internal sealed class EventAnalysisConfiguration : IEntityTypeConfiguration<EventAnalysis>
{
    public void Configure(EntityTypeBuilder<EventAnalysis> b)
    {
        b.ToTable("event_analyses", t => t.HasCheckConstraint("ck_event_analyses_status", Check.In("status", RunStatuses.All)));
        b.HasIndex(a => new { a.EventId, a.Status, a.CompletedAt });
        b.Property(a => a.Status).HasMaxLength(16);
        b.Property(a => a.Details).HasColumnType("jsonb");
        b.HasOne<Event>().WithMany().HasForeignKey(a => a.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<EventVersion>().WithMany().HasForeignKey(a => a.EventVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>An hour or a day (in the event's time zone) of the conversation: posts by HCPs and by everyone else.</summary>
public sealed class EventBucket
{
    public long AnalysisId { get; set; }
    /// <summary>1 (hours, around a short event) or 24 (days, over the whole window).</summary>
    public int Hours { get; set; }
    /// <summary>The bucket's start, UTC.</summary>
    public DateTime StartsAt { get; set; }
    public int Posts { get; set; }
    public int HcpPosts { get; set; }
    public int Authors { get; set; }
}

internal sealed class EventBucketConfiguration : IEntityTypeConfiguration<EventBucket>
{
    public void Configure(EntityTypeBuilder<EventBucket> b)
    {
        b.ToTable("event_buckets");
        b.HasKey(x => new { x.AnalysisId, x.Hours, x.StartsAt });
        b.HasOne<EventAnalysis>().WithMany().HasForeignKey(x => x.AnalysisId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A person who posted in the event's conversation during its window: what they did before, during and after.</summary>
public sealed class EventPerson
{
    public long AnalysisId { get; set; }
    public long PersonId { get; set; }
    /// <summary>1 = the most engagement received during the window.</summary>
    public int Rank { get; set; }
    public int PostsBefore { get; set; }
    public int PostsDuring { get; set; }
    public int PostsAfter { get; set; }
    public long EngagementBefore { get; set; }
    public long EngagementDuring { get; set; }
    public long EngagementAfter { get; set; }
    /// <summary>Followers of the accounts they posted from during the window.</summary>
    public long ReachDuring { get; set; }
    /// <summary>Distinct persons who replied to, quoted, reposted or mentioned them in the conversation during the window.</summary>
    public int Audience { get; set; }
    public int HcpAudience { get; set; }
    /// <summary>Posts in the event's conversation or its profile's topic in the "before" window: what "quiet before" is read on.</summary>
    public int TopicPostsBefore { get; set; }
    /// <summary>True when the person is an HCP (classified, at confidence 0.5 or more).</summary>
    public bool Hcp { get; set; }
    public bool NewVoice { get; set; }
    /// <summary>leader, new_voice or participant (docs/events.md).</summary>
    public required string Role { get; set; }
    /// <summary>Who they were when the event was read (the report lists tens of thousands; a join per row would cost a second): public id, name, handles, profession, specialty, country.</summary>
    public string? PublicId { get; set; }
    public string? DisplayName { get; set; }
    public string? Handles { get; set; }
    public string? Profession { get; set; }
    public string? Specialty { get; set; }
    public string? Country { get; set; }
}

internal sealed class EventPersonConfiguration : IEntityTypeConfiguration<EventPerson>
{
    public void Configure(EntityTypeBuilder<EventPerson> b)
    {
        b.ToTable("event_persons");
        b.HasKey(x => new { x.AnalysisId, x.PersonId });
        b.HasIndex(x => new { x.AnalysisId, x.Rank });
        b.HasIndex(x => x.PersonId);
        b.Property(x => x.Role).HasMaxLength(16);
        b.HasOne<EventAnalysis>().WithMany().HasForeignKey(x => x.AnalysisId).OnDelete(DeleteBehavior.Cascade);
    }
}
