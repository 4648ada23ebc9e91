using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>An account on one platform, unique by platform and the platform's stable id.</summary>
public sealed class Account
{
    public long Id { get; set; }
    public required string Platform { get; set; }
    /// <summary>Numeric user id on X, the DID on Bluesky, user@instance on Mastodon.</summary>
    public required string ExternalId { get; set; }
    public long PersonId { get; set; }
    public Person? Person { get; set; }
    public string? Handle { get; set; }
    public string? Name { get; set; }
    public string? Bio { get; set; }
    public string? Location { get; set; }
    /// <summary>ISO 3166-1 alpha-2, given or resolved from <see cref="Location"/>.</summary>
    public string? Country { get; set; }
    public double? CountryConfidence { get; set; }
    public long? Followers { get; set; }
    public long? Following { get; set; }
    public long? PostsCount { get; set; }
    public DateTime? CreatedOnPlatformAt { get; set; }
    public string? Url { get; set; }
    public bool? Verified { get; set; }
    public string? Npi { get; set; }
    /// <summary>Flagged as bot-like; its engagement does not count toward anyone's signals.</summary>
    public bool IsBotLike { get; set; }
    /// <summary>Known only because a post referred to it; no profile seen yet.</summary>
    public bool IsStub { get; set; }
    /// <summary>Set when an admin moved the account to its person (merge or split): imports then keep it there, whatever <c>person</c> key a line gives.</summary>
    public bool PersonPinned { get; set; }
    /// <summary>When the profile values were observed; the newest observation wins.</summary>
    public DateTime? ObservedAt { get; set; }
    public DateTime FirstSeenAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.HasIndex(a => new { a.Platform, a.ExternalId }).IsUnique();
        b.HasIndex(a => new { a.Platform, a.Handle });
        b.HasIndex(a => a.PersonId);
        b.HasIndex(a => a.Npi);
        b.Property(a => a.Platform).HasMaxLength(16);
        b.Property(a => a.Country).HasMaxLength(2);
        b.HasOne(a => a.Person).WithMany(p => p.Accounts).HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("ck_accounts_platform", Check.In("platform", Platforms.All)));
    }
}
