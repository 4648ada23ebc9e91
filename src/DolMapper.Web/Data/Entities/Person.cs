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
    /// <summary>Set while an admin's merge has moved every account of this person into that one; cleared when the merge is undone.</summary>
    public long? MergedInto { get; set; }
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
        b.HasIndex(p => p.MergedInto);
        b.Property(p => p.PublicId).HasMaxLength(200);
        b.Property(p => p.Country).HasMaxLength(2);
        b.Property(p => p.ClassificationEvidence).HasColumnType("jsonb");
    }
}

/// <summary>An admin's merge of one person into another: what moved, so the split that undoes it restores both exactly.</summary>
public sealed class PersonMerge
{
    public long Id { get; set; }
    public long KeptPersonId { get; set; }
    public long AbsorbedPersonId { get; set; }
    public long[] AccountIds { get; set; } = [];
    public long[] CrmRelationshipIds { get; set; } = [];
    /// <summary>The kept person's name, country and NPI before the merge (JSON), put back by the undo.</summary>
    public string KeptBefore { get; set; } = "{}";
    /// <summary>Why: the suggestion's reasons, or "manual".</summary>
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTime? UndoneAt { get; set; }
    public string? UndoneBy { get; set; }
}

internal sealed class PersonMergeConfiguration : IEntityTypeConfiguration<PersonMerge>
{
    public void Configure(EntityTypeBuilder<PersonMerge> b)
    {
        b.HasIndex(m => m.KeptPersonId);
        b.HasIndex(m => m.AbsorbedPersonId);
        b.Property(m => m.KeptBefore).HasColumnType("jsonb");
    }
}

/// <summary>A merge suggestion an admin dismissed (the pair, smaller id first): not suggested again.</summary>
public sealed class MergeDismissal
{
    public long PersonA { get; set; }
    public long PersonB { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

internal sealed class MergeDismissalConfiguration : IEntityTypeConfiguration<MergeDismissal>
{
    public void Configure(EntityTypeBuilder<MergeDismissal> b)
    {
        b.HasKey(d => new { d.PersonA, d.PersonB });
    }
}
