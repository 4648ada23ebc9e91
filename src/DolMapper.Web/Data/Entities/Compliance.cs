using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>
/// A relationship from the company's CRM (question 7). It names an account, a person key or an
/// NPI as it arrived; <see cref="PersonId"/> is the person it resolved to, where it did.
/// </summary>
public sealed class CrmRelationship
{
    public long Id { get; set; }
    public long? PersonId { get; set; }
    public string? Platform { get; set; }
    public string? AccountExternalId { get; set; }
    public string? PersonKey { get; set; }
    public string? Npi { get; set; }
    public required string Kind { get; set; }
    public DateOnly? Since { get; set; }
    /// <summary>import, upload or manual.</summary>
    public string? Origin { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class CrmRelationshipConfiguration : IEntityTypeConfiguration<CrmRelationship>
{
    public void Configure(EntityTypeBuilder<CrmRelationship> b)
    {
        b.HasIndex(r => r.PersonId);
        b.HasIndex(r => new { r.Platform, r.AccountExternalId });
        b.HasIndex(r => r.PersonKey);
        b.HasIndex(r => r.Npi);
        b.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.ToTable(t => t.HasCheckConstraint("ck_crm_relationships_kind", Check.In("kind", RelationshipKinds.All)));
    }
}

/// <summary>A CRM CSV an admin uploaded and has not committed yet (mapping and preview read it; committing deletes it).</summary>
public sealed class CrmUpload
{
    public long Id { get; set; }
    public required string FileName { get; set; }
    public required byte[] Content { get; set; }
    public string? UploadedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// An opt-out. Matched by person, account or handle; an opted-out person is excluded from
/// ingestion, scores and exports. After an erasure only this record remains.
/// </summary>
public sealed class OptOut
{
    public long Id { get; set; }
    public long? PersonId { get; set; }
    public string? Platform { get; set; }
    public string? AccountExternalId { get; set; }
    public string? Handle { get; set; }
    public string? Npi { get; set; }
    /// <summary>The import <c>person</c> key of the person, so a re-import under that key is refused after an erasure.</summary>
    public string? PersonKey { get; set; }
    /// <summary>
    /// Set on the rows an opt-out adds for each account of the person it names (platform, id and
    /// handle): they keep the opt-out effective for every account after an erasure removes the person.
    /// </summary>
    public long? ParentId { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

internal sealed class OptOutConfiguration : IEntityTypeConfiguration<OptOut>
{
    public void Configure(EntityTypeBuilder<OptOut> b)
    {
        b.HasIndex(o => o.PersonId);
        b.HasIndex(o => new { o.Platform, o.AccountExternalId });
        b.HasIndex(o => new { o.Platform, o.Handle });
        b.HasIndex(o => o.PersonKey);
        b.HasIndex(o => o.ParentId);
        // No foreign key to persons: the opt-out must outlive an erasure of the person.
    }
}

/// <summary>An append-only audit record; a database trigger rejects UPDATE, DELETE and TRUNCATE.</summary>
public sealed class AuditLogEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string? UserId { get; set; }
    public string? UserName { get; set; }
    /// <summary>What happened, e.g. profile.saved, export.csv, import.file, user.role_changed.</summary>
    public required string Action { get; set; }
    public string? Target { get; set; }
    /// <summary>Details as JSON.</summary>
    public string Details { get; set; } = "{}";
}

internal sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> b)
    {
        b.ToTable("audit_log");
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.Action, a.At });
        b.Property(a => a.Details).HasColumnType("jsonb");
    }
}

/// <summary>
/// A potential adverse event in a stored post, waiting for or given a reviewer's decision
/// (docs/compliance.md, "Potential adverse events"). One per post; the post's text is read from
/// the post, never copied here.
/// </summary>
public sealed class AdverseEventItem
{
    public long Id { get; set; }
    public long PostId { get; set; }
    public long AccountId { get; set; }
    public DateTime FoundAt { get; set; }
    /// <summary>When the safety team must have it: the post's first storing plus the configured deadline.</summary>
    public DateTime DueAt { get; set; }
    /// <summary>The criteria met: patient, reporter, product, event.</summary>
    public string[] Criteria { get; set; } = [];
    public string[] Products { get; set; } = [];
    public string[] Events { get; set; } = [];
    /// <summary>open, reported or not_ae.</summary>
    public required string Status { get; set; }
    public string? DecidedBy { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? Note { get; set; }
    /// <summary>When the safety address was told it is overdue (once).</summary>
    public DateTime? OverdueNotifiedAt { get; set; }
}

internal sealed class AdverseEventItemConfiguration : IEntityTypeConfiguration<AdverseEventItem>
{
    public void Configure(EntityTypeBuilder<AdverseEventItem> b)
    {
        b.ToTable("adverse_events", t => t.HasCheckConstraint("ck_adverse_events_status", "status IN ('open', 'reported', 'not_ae')"));
        b.HasIndex(e => e.PostId).IsUnique();
        b.HasIndex(e => new { e.Status, e.DueAt });
        b.Property(e => e.Status).HasMaxLength(16);
    }
}

/// <summary>How far the adverse-event screen has read the posts (one row).</summary>
public sealed class AdverseEventScanState
{
    public int Id { get; set; }
    public long LastPostId { get; set; }
    /// <summary>The product names the scan read with; when the product lists change, every post is read again.</summary>
    public string? ProductsKey { get; set; }
    public DateTime? ScannedAt { get; set; }
}

internal sealed class AdverseEventScanStateConfiguration : IEntityTypeConfiguration<AdverseEventScanState>
{
    public void Configure(EntityTypeBuilder<AdverseEventScanState> b)
    {
        b.ToTable("adverse_event_scan");
        b.Property(s => s.Id).ValueGeneratedNever();
    }
}
