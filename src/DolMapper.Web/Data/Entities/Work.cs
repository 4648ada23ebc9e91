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

/// <summary>
/// A rankings view a user saved under a name (the page's filters and sort as its query string),
/// optionally with a weekly e-mail of who entered and left its top (docs/dashboard.md, "Saved views").
/// </summary>
public sealed class SavedView
{
    public int Id { get; set; }
    public required string OwnerId { get; set; }
    public required string Name { get; set; }
    public int ProfileId { get; set; }
    /// <summary>The rankings page's query string without the page number ("profile=…&amp;country=GB&amp;sort=science").</summary>
    public required string Query { get; set; }
    public bool WeeklyAlert { get; set; }
    public DateTime? LastAlertAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.HasIndex(v => new { v.OwnerId, v.Name }).IsUnique();
        b.Property(v => v.Name).HasMaxLength(100);
        b.Property(v => v.Query).HasMaxLength(4000);
        b.HasOne<DolMapperUser>().WithMany().HasForeignKey(v => v.OwnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(v => v.ProfileId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Who was in a saved view's top when its last alert went out (what the next alert compares with).</summary>
public sealed class SavedViewMember
{
    public int SavedViewId { get; set; }
    public long PersonId { get; set; }
    public int Rank { get; set; }
}

internal sealed class SavedViewMemberConfiguration : IEntityTypeConfiguration<SavedViewMember>
{
    public void Configure(EntityTypeBuilder<SavedViewMember> b)
    {
        b.HasKey(m => new { m.SavedViewId, m.PersonId });
        b.HasIndex(m => m.PersonId);
        b.HasOne<SavedView>().WithMany().HasForeignKey(m => m.SavedViewId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(m => m.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
