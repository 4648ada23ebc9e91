using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>An analyst's verdict on a person for a profile; trains the learned ranking.</summary>
public sealed class Feedback
{
    public long Id { get; set; }
    public int ProfileId { get; set; }
    public long PersonId { get; set; }
    public required string UserId { get; set; }
    public required string Verdict { get; set; }
    public string? Note { get; set; }
    public long? RunId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class FeedbackConfiguration : IEntityTypeConfiguration<Feedback>
{
    public void Configure(EntityTypeBuilder<Feedback> b)
    {
        b.ToTable("feedback", t => t.HasCheckConstraint("ck_feedback_verdict", Check.In("verdict", FeedbackVerdicts.All)));
        b.HasIndex(f => new { f.ProfileId, f.PersonId });
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(f => f.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(f => f.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<DolMapperUser>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(f => f.RunId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>A named list of persons kept by an analyst.</summary>
public sealed class Shortlist
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string OwnerId { get; set; }
    public int? ProfileId { get; set; }
    public string? Notes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<ShortlistEntry> Entries { get; set; } = [];
}

internal sealed class ShortlistConfiguration : IEntityTypeConfiguration<Shortlist>
{
    public void Configure(EntityTypeBuilder<Shortlist> b)
    {
        b.HasIndex(s => new { s.OwnerId, s.Name }).IsUnique();
        b.HasOne<DolMapperUser>().WithMany().HasForeignKey(s => s.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(s => s.ProfileId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class ShortlistEntry
{
    public int ShortlistId { get; set; }
    public long PersonId { get; set; }
    public string? Note { get; set; }
    public DateTime AddedAt { get; set; }
    /// <summary>Who added the person (their user name), shown with the note in the list's CSV.</summary>
    public string? AddedBy { get; set; }
}

internal sealed class ShortlistEntryConfiguration : IEntityTypeConfiguration<ShortlistEntry>
{
    public void Configure(EntityTypeBuilder<ShortlistEntry> b)
    {
        b.HasKey(e => new { e.ShortlistId, e.PersonId });
        b.HasOne<Shortlist>().WithMany(s => s.Entries).HasForeignKey(e => e.ShortlistId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
