using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>One human (or organisation) behind one or more accounts; what is scored.</summary>
public sealed class Person
{
    public long Id { get; set; }
    /// <summary>The import <c>person</c> key where one was given, else a stable id DolMapper assigns.</summary>
    public required string PublicId { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>physician, nurse, pharmacist, researcher, other_hcp, medical_student, patient_advocate, organisation, public.</summary>
    public string? Profession { get; set; }
    public string? Specialty { get; set; }
    public double? HcpConfidence { get; set; }
    /// <summary>The terms that drove the classification, as JSON, for the profile page.</summary>
    public string? ClassificationEvidence { get; set; }
    /// <summary>True when an admin confirmed or corrected the role; such rows are training data.</summary>
    public bool RoleConfirmed { get; set; }
    /// <summary>The trained model (trained_models.id) that made the current classification; null when never classified or confirmed by an admin.</summary>
    public long? ClassifiedByModel { get; set; }
    /// <summary>A hash of the names, handles and bios the classification read, so a changed bio is classified again.</summary>
    public long? ClassificationInputHash { get; set; }
    /// <summary>When PubMed was last searched for this person's publications (physicians and researchers).</summary>
    public DateTime? PublicationsCheckedAt { get; set; }
    public string? Country { get; set; }
    public double? CountryConfidence { get; set; }
    public string? Npi { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public List<Account> Accounts { get; set; } = [];
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.HasIndex(p => p.PublicId).IsUnique();
        b.HasIndex(p => p.Npi);
        b.Property(p => p.PublicId).HasMaxLength(200);
        b.Property(p => p.Country).HasMaxLength(2);
        b.Property(p => p.ClassificationEvidence).HasColumnType("jsonb");
    }
}
