using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>A configured data source; its settings live here so every process shares them.</summary>
public sealed class Source
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>x, bluesky, mastodon, pubmed or file.</summary>
    public required string Kind { get; set; }
    public string? BaseUrl { get; set; }
    /// <summary>Non-secret settings as JSON (query terms, tracked accounts, instances, ...).</summary>
    public string Settings { get; set; } = "{}";
    /// <summary>Credentials encrypted with ASP.NET Core Data Protection; never shown again in full.</summary>
    public string? ProtectedCredentials { get; set; }
    public bool Enabled { get; set; }
    /// <summary>Cron expression of the recurring job, or null for manual runs only.</summary>
    public string? Schedule { get; set; }
    public int? DailyReadBudget { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class SourceConfiguration : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> b)
    {
        b.HasIndex(s => s.Name).IsUnique();
        b.Property(s => s.Settings).HasColumnType("jsonb");
        b.ToTable(t => t.HasCheckConstraint("ck_sources_kind", Check.In("kind", SourceKinds.All)));
    }
}

/// <summary>Where a source's incremental pass left off, per query; advanced in the same transaction as the data.</summary>
public sealed class SourceCursor
{
    public int SourceId { get; set; }
    public required string Query { get; set; }
    public string? Value { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class SourceCursorConfiguration : IEntityTypeConfiguration<SourceCursor>
{
    public void Configure(EntityTypeBuilder<SourceCursor> b)
    {
        b.HasKey(c => new { c.SourceId, c.Query });
        b.HasOne<Source>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The record of one ingestion pass or file import.</summary>
public sealed class IngestionRun
{
    public long Id { get; set; }
    public int? SourceId { get; set; }
    /// <summary>import, ingest or reconcile.</summary>
    public required string Kind { get; set; }
    public string? Query { get; set; }
    public string? TriggeredBy { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public required string Status { get; set; }
    public long Fetched { get; set; }
    public long New { get; set; }
    public long Updated { get; set; }
    public long Duplicates { get; set; }
    public long Rejected { get; set; }
    public long Errors { get; set; }
    public long ReadsUsed { get; set; }
    /// <summary>How far a file import has read (bytes of the file as stored, compressed or not), for progress.</summary>
    public long BytesRead { get; set; }
    public long? BytesTotal { get; set; }
    public string? Message { get; set; }
    /// <summary>The full report as JSON (counts per kind of line, first rejections).</summary>
    public string Details { get; set; } = "{}";
}

internal sealed class IngestionRunConfiguration : IEntityTypeConfiguration<IngestionRun>
{
    public void Configure(EntityTypeBuilder<IngestionRun> b)
    {
        b.HasIndex(r => new { r.SourceId, r.StartedAt });
        b.HasIndex(r => new { r.Kind, r.StartedAt });
        b.Property(r => r.Details).HasColumnType("jsonb");
        b.HasOne<Source>().WithMany().HasForeignKey(r => r.SourceId).OnDelete(DeleteBehavior.Cascade);
        b.ToTable(t => t.HasCheckConstraint("ck_ingestion_runs_status", Check.In("status", RunStatuses.All)));
    }
}

/// <summary>Rejected input, kept with the reason so nothing vanishes.</summary>
public sealed class QuarantinedItem
{
    public long Id { get; set; }
    public long? RunId { get; set; }
    public int? SourceId { get; set; }
    /// <summary>The file name or the request that brought the item.</summary>
    public string? Origin { get; set; }
    public long? LineNumber { get; set; }
    public required string Reason { get; set; }
    /// <summary>The raw input, capped in length.</summary>
    public string? Raw { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class QuarantinedItemConfiguration : IEntityTypeConfiguration<QuarantinedItem>
{
    public void Configure(EntityTypeBuilder<QuarantinedItem> b)
    {
        b.HasIndex(q => q.RunId);
        b.HasOne<IngestionRun>().WithMany().HasForeignKey(q => q.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Source>().WithMany().HasForeignKey(q => q.SourceId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>
/// A file uploaded for import, kept in the database until its import job has read it, so any
/// worker process can import it (docs/operations.md: everything a second process needs is in PostgreSQL).
/// </summary>
public sealed class Upload
{
    public long Id { get; set; }
    public required string FileName { get; set; }
    public long SizeBytes { get; set; }
    /// <summary>Whether relationship lines are applied (an Admin's upload) or rejected (an Analyst's).</summary>
    public bool AllowRelationships { get; set; }
    public string? UploadedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public long? RunId { get; set; }
}

internal sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> b)
    {
        b.HasOne<IngestionRun>().WithMany().HasForeignKey(u => u.RunId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>One piece of an upload, in order; pieces are deleted once the import has read them.</summary>
public sealed class UploadChunk
{
    public long UploadId { get; set; }
    public int Sequence { get; set; }
    public required byte[] Data { get; set; }
}

internal sealed class UploadChunkConfiguration : IEntityTypeConfiguration<UploadChunk>
{
    public void Configure(EntityTypeBuilder<UploadChunk> b)
    {
        b.HasKey(c => new { c.UploadId, c.Sequence });
        b.HasOne<Upload>().WithMany().HasForeignKey(c => c.UploadId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A PubMed publication (issue 4; matched to persons by the scoring work for question 8).</summary>
public sealed class Publication
{
    public required string Pmid { get; set; }
    public string? Doi { get; set; }
    public required string Title { get; set; }
    public string? Journal { get; set; }
    /// <summary>As PubMed writes it ("2025 Jan 15", "2024").</summary>
    public string? PubDate { get; set; }
    public int? Year { get; set; }
    public string[] Authors { get; set; } = [];
    public DateTime FirstSeenAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class PublicationConfiguration : IEntityTypeConfiguration<Publication>
{
    public void Configure(EntityTypeBuilder<Publication> b)
    {
        b.HasKey(p => p.Pmid);
        b.HasIndex(p => p.Doi);
        b.HasIndex(p => p.Authors).HasMethod("gin");
    }
}
