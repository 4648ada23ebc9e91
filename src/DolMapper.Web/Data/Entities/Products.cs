using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>
/// One product of a profile's list (docs/insights.md, "Products"): what admins keep so a run counts
/// HCPs' mentions, share of voice within the competitor set and tone. The list is replaced whole.
/// </summary>
public sealed class Product
{
    public int Id { get; set; }
    public int ProfileId { get; set; }
    /// <summary>Position in the list as given.</summary>
    public int Position { get; set; }
    public required string Name { get; set; }
    public string? GenericName { get; set; }
    public string[] Synonyms { get; set; } = [];
    /// <summary>Names of the products of the same list it competes with.</summary>
    public string[] Competitors { get; set; } = [];
    public DateOnly? LaunchDate { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.HasIndex(p => new { p.ProfileId, p.Name }).IsUnique();
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(p => p.ProfileId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>One week of one product as a scoring run counted it: HCPs' mentions, share of voice in its set, tones.</summary>
public sealed class ProductWeek
{
    public long RunId { get; set; }
    public required string Product { get; set; }
    /// <summary>The week's Monday (UTC).</summary>
    public DateOnly Week { get; set; }
    public int HcpMentions { get; set; }
    public int HcpAuthors { get; set; }
    /// <summary>Null in a week nobody in the product's set was mentioned.</summary>
    public double? ShareOfVoice { get; set; }
    public int Positive { get; set; }
    public int Negative { get; set; }
    public int Neutral { get; set; }
}

internal sealed class ProductWeekConfiguration : IEntityTypeConfiguration<ProductWeek>
{
    public void Configure(EntityTypeBuilder<ProductWeek> b)
    {
        b.ToTable("product_weeks");
        b.HasKey(w => new { w.RunId, w.Product, w.Week });
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(w => w.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A product over a run's window: its competitors and launch as they were, mentions, tones, the HCPs who mention it most and a post of each tone.</summary>
public sealed class ProductSummary
{
    public long RunId { get; set; }
    public required string Product { get; set; }
    /// <summary>1 = the most mentioned.</summary>
    public int Rank { get; set; }
    public string[] Competitors { get; set; } = [];
    public DateOnly? LaunchDate { get; set; }
    public int Mentions { get; set; }
    public int HcpAuthors { get; set; }
    public int Positive { get; set; }
    public int Negative { get; set; }
    public int Neutral { get; set; }
    public long[] DriverPersonIds { get; set; } = [];
    public int[] DriverMentions { get; set; } = [];
    public long[] ExamplePostIds { get; set; } = [];
    public long[] ExampleAccountIds { get; set; } = [];
    public string[] ExampleTones { get; set; } = [];
}

internal sealed class ProductSummaryConfiguration : IEntityTypeConfiguration<ProductSummary>
{
    public void Configure(EntityTypeBuilder<ProductSummary> b)
    {
        b.ToTable("product_summaries");
        b.HasKey(s => new { s.RunId, s.Product });
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>How often one HCP mentioned one product in a run's window, by tone (the DOL page lists them).</summary>
public sealed class PersonProductMention
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public required string Product { get; set; }
    public int Mentions { get; set; }
    public int Positive { get; set; }
    public int Negative { get; set; }
    public int Neutral { get; set; }
}

internal sealed class PersonProductMentionConfiguration : IEntityTypeConfiguration<PersonProductMention>
{
    public void Configure(EntityTypeBuilder<PersonProductMention> b)
    {
        b.ToTable("person_product_mentions");
        b.HasKey(m => new { m.RunId, m.PersonId, m.Product });
        b.HasIndex(m => m.PersonId);
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
