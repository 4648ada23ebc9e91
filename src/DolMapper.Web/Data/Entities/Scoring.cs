using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DolMapper.Web.Data.Entities;

/// <summary>A scoring profile: its name is its identity; its definition lives in immutable versions.</summary>
public sealed class ScoringProfile
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Active profiles are scored by the nightly run and by <c>score</c> without <c>--profile</c>.</summary>
    public bool Active { get; set; } = true;
    /// <summary>Whom the profile ranks: <c>hcp</c> or <c>patient</c> (docs/patients.md); set when it is created and never changed.</summary>
    public string Kind { get; set; } = "hcp";
    public DateTime CreatedAt { get; set; }
    public List<ScoringProfileVersion> Versions { get; set; } = [];
}

internal sealed class ScoringProfileConfiguration : IEntityTypeConfiguration<ScoringProfile>
{
    public void Configure(EntityTypeBuilder<ScoringProfile> b)
    {
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Kind).HasMaxLength(16).HasDefaultValue("hcp");
        b.ToTable(t => t.HasCheckConstraint("ck_scoring_profiles_kind", "kind IN ('hcp', 'patient')"));
    }
}

/// <summary>One immutable version of a profile (the database rejects updates and deletes).</summary>
public sealed class ScoringProfileVersion
{
    public int Id { get; set; }
    public int ProfileId { get; set; }
    public int Version { get; set; }
    /// <summary>The profile JSON of docs/formats.md.</summary>
    public required string Definition { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

internal sealed class ScoringProfileVersionConfiguration : IEntityTypeConfiguration<ScoringProfileVersion>
{
    public void Configure(EntityTypeBuilder<ScoringProfileVersion> b)
    {
        b.HasIndex(v => new { v.ProfileId, v.Version }).IsUnique();
        b.Property(v => v.Definition).HasColumnType("jsonb");
        b.HasOne<ScoringProfile>().WithMany(p => p.Versions).HasForeignKey(v => v.ProfileId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>A scoring run of one profile version. The UI reads only the latest complete run.</summary>
public sealed class ScoringRun
{
    public long Id { get; set; }
    public int ProfileId { get; set; }
    public int ProfileVersionId { get; set; }
    public required string Status { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    /// <summary>The data the run saw: posts up to this time.</summary>
    public DateTime DataSnapshotAt { get; set; }
    public int PersonCount { get; set; }
    public string? TriggeredBy { get; set; }
    public string? Error { get; set; }
    /// <summary>What the run saw and did (window, topic expansion, population, timings, PageRank), as JSON.</summary>
    public string Details { get; set; } = "{}";
}

internal sealed class ScoringRunConfiguration : IEntityTypeConfiguration<ScoringRun>
{
    public void Configure(EntityTypeBuilder<ScoringRun> b)
    {
        b.HasIndex(r => new { r.ProfileId, r.CompletedAt })
            .IsDescending(false, true)
            .HasFilter($"status = '{RunStatuses.Complete}'")
            .HasDatabaseName("ix_scoring_runs_latest_complete");
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(r => r.ProfileId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ScoringProfileVersion>().WithMany().HasForeignKey(r => r.ProfileVersionId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Details).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.ToTable(t => t.HasCheckConstraint("ck_scoring_runs_status", Check.In("status", RunStatuses.All)));
    }
}

/// <summary>
/// One person's result in one run: the ten normalised signals (0..1), their main raw measures,
/// the per-question contributions, the composite, rank and tier. Profession, specialty and
/// country are copied in so "top N of a run, filtered" is served by an index alone.
/// </summary>
public sealed class PersonScore
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public double Score { get; set; }
    public int Rank { get; set; }
    public required string Tier { get; set; }
    public string? Profession { get; set; }
    public string? Specialty { get; set; }
    public string? Country { get; set; }

    public double Relevance { get; set; }
    public double HcpFollowing { get; set; }
    public double PeerTrust { get; set; }
    public double Activity { get; set; }
    public double PublicInfluence { get; set; }
    public double Presence { get; set; }
    public double Relationship { get; set; }
    public double Science { get; set; }
    public double Geography { get; set; }
    public double Community { get; set; }

    public double RelevanceRaw { get; set; }
    public double HcpFollowingRaw { get; set; }
    public double PeerTrustRaw { get; set; }
    public double ActivityRaw { get; set; }
    public double PublicInfluenceRaw { get; set; }
    public double PresenceRaw { get; set; }
    public double RelationshipRaw { get; set; }
    public double ScienceRaw { get; set; }
    public double GeographyRaw { get; set; }
    public double CommunityRaw { get; set; }

    /// <summary>The ten contributions in score points, in question order; they add up to <see cref="Score"/>.</summary>
    public double[] Contributions { get; set; } = [];
    /// <summary>The CRM relationship's kind (question 7), kept beside the signals for filters and exports.</summary>
    public string? RelationshipKind { get; set; }
    /// <summary>Display name and handles in lower case as of the run: what the rankings' name search matches (trigram index).</summary>
    public string? SearchText { get; set; }
    /// <summary>The learned ranking's score (the profile's active ranker applied to this run), when one exists.</summary>
    public double? LearnedScore { get; set; }
    /// <summary>Rank by <see cref="LearnedScore"/> within the run (1 = best).</summary>
    public int? LearnedRank { get; set; }
}

/// <summary>
/// Every raw input behind a person's signals in a run, as JSON. Apart from <see cref="PersonScore"/>
/// so that the rankings' counts and sorts read narrow rows (the evidence is most of a row's size).
/// </summary>
public sealed class PersonScoreEvidence
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public string Evidence { get; set; } = "{}";
}

/// <summary>
/// An HCP a run did not rank, and why (<c>no_relevant_post</c>, <c>outside_market</c>,
/// <c>unknown_location</c>): what the rankings page's name search shows under "not ranked here",
/// and the market's "location unknown" list.
/// </summary>
public sealed class PersonNotRanked
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public required string Reason { get; set; }
    /// <summary>Name and handles in lower case, for the rankings' name search (a trigram index, as on person_scores).</summary>
    public string? SearchText { get; set; }
}

internal sealed class PersonNotRankedConfiguration : IEntityTypeConfiguration<PersonNotRanked>
{
    public void Configure(EntityTypeBuilder<PersonNotRanked> b)
    {
        b.ToTable("person_not_ranked", t => t.HasCheckConstraint("ck_person_not_ranked_reason", Check.In("reason", global::DolMapper.Scoring.NotRankedReasons.All)));
        b.HasKey(e => new { e.RunId, e.PersonId });
        b.HasIndex(e => new { e.RunId, e.Reason });
        b.Property(e => e.Reason).HasMaxLength(32);
        b.HasIndex(e => e.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PersonScoreEvidenceConfiguration : IEntityTypeConfiguration<PersonScoreEvidence>
{
    public void Configure(EntityTypeBuilder<PersonScoreEvidence> b)
    {
        b.ToTable("person_score_evidence");
        b.HasKey(e => new { e.RunId, e.PersonId });
        b.Property(e => e.Evidence).HasColumnType("jsonb");
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PersonScoreConfiguration : IEntityTypeConfiguration<PersonScore>
{
    public void Configure(EntityTypeBuilder<PersonScore> b)
    {
        b.HasKey(s => new { s.RunId, s.PersonId });
        b.HasIndex(s => new { s.RunId, s.Rank });
        b.HasIndex(s => new { s.RunId, s.Country, s.Rank });
        b.HasIndex(s => new { s.RunId, s.Specialty, s.Rank });
        b.HasIndex(s => new { s.RunId, s.Profession, s.Rank });
        b.HasIndex(s => new { s.RunId, s.Tier, s.Rank });
        b.HasIndex(s => new { s.RunId, s.LearnedRank });
        b.HasIndex(s => s.PersonId);
        b.HasIndex(s => s.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
        // "Sort by" a question: the page's 50 rows come from the index instead of a sort of the whole run.
        b.HasIndex(s => new { s.RunId, s.Relevance, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.HcpFollowing, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.PeerTrust, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.Activity, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.PublicInfluence, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.Presence, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.Relationship, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.Science, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.Geography, s.Rank }).IsDescending(false, true, false);
        b.HasIndex(s => new { s.RunId, s.Community, s.Rank }).IsDescending(false, true, false);
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Which persona a scored person of a run belongs to (docs/personas.md). A narrow table of its own:
/// writing the persona onto the wide, heavily indexed score rows cost a new version of every row and
/// of every one of its indexes (23 s at the large scale); this is one COPY-sized insert.
/// </summary>
public sealed class PersonaAssignment
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public int PersonaId { get; set; }
}

internal sealed class PersonaAssignmentConfiguration : IEntityTypeConfiguration<PersonaAssignment>
{
    public void Configure(EntityTypeBuilder<PersonaAssignment> b)
    {
        b.ToTable("persona_assignments");
        b.HasKey(a => new { a.RunId, a.PersonId });
        b.HasIndex(a => a.PersonId);
        b.HasIndex(a => a.PersonaId);
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Persona>().WithMany().HasForeignKey(a => a.PersonaId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A persona found by clustering, named and described from its centroid.</summary>
public sealed class Persona
{
    public int Id { get; set; }
    public long? ModelId { get; set; }
    public int? ProfileId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The standardised centroid, as JSON.</summary>
    public string Centroid { get; set; } = "{}";
    /// <summary>How members think, feel and do, as JSON.</summary>
    public string Traits { get; set; } = "{}";
    public int MemberCount { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class PersonaConfiguration : IEntityTypeConfiguration<Persona>
{
    public void Configure(EntityTypeBuilder<Persona> b)
    {
        b.HasIndex(p => new { p.ModelId, p.Key }).IsUnique();
        b.Property(p => p.Centroid).HasColumnType("jsonb");
        b.Property(p => p.Traits).HasColumnType("jsonb");
        b.HasOne<TrainedModel>().WithMany().HasForeignKey(p => p.ModelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(p => p.ProfileId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A trained ML.NET model, versioned and stored in the database so every process can load it.</summary>
public sealed class TrainedModel
{
    public long Id { get; set; }
    /// <summary>hcp_classifier, personas or ranker.</summary>
    public required string Kind { get; set; }
    public int? ProfileId { get; set; }
    public int Version { get; set; }
    public required byte[] Content { get; set; }
    /// <summary>Evaluation figures, as JSON.</summary>
    public string Metrics { get; set; } = "{}";
    public bool IsActive { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class TrainedModelConfiguration : IEntityTypeConfiguration<TrainedModel>
{
    public void Configure(EntityTypeBuilder<TrainedModel> b)
    {
        b.HasIndex(m => new { m.Kind, m.ProfileId, m.Version }).IsUnique().AreNullsDistinct(false);
        b.Property(m => m.Metrics).HasColumnType("jsonb");
        b.HasOne<ScoringProfile>().WithMany().HasForeignKey(m => m.ProfileId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>How one could engage a ranked person (docs/engagement.md), derived after the run from their own posts in its window.</summary>
public sealed class PersonEngagement
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public required string Channel { get; set; }
    public required string ChannelReason { get; set; }
    public required string BestTimes { get; set; }
    /// <summary>The two hours of <see cref="BestTimes"/> in UTC.</summary>
    public int[] BestHoursUtc { get; set; } = [];
    public required string TimesReason { get; set; }
    public string[] TopFormats { get; set; } = [];
    public required string FormatsReason { get; set; }
    public string[] Collaborations { get; set; } = [];
    public string[] CollaborationReasons { get; set; } = [];
}

internal sealed class PersonEngagementConfiguration : IEntityTypeConfiguration<PersonEngagement>
{
    public void Configure(EntityTypeBuilder<PersonEngagement> b)
    {
        b.ToTable("person_engagement");
        b.HasKey(e => new { e.RunId, e.PersonId });
        b.HasIndex(e => e.PersonId);
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(e => e.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// A patient influencer's result in a run of a patient profile (docs/patients.md): score, rank, tier,
/// the six patient signals, their raw measures and contributions, the conditions they talk about and
/// the evidence behind each question. A patient run's rows live here, never in person_scores.
/// </summary>
public sealed class PatientScore
{
    public long RunId { get; set; }
    public long PersonId { get; set; }
    public double Score { get; set; }
    public int Rank { get; set; }
    public required string Tier { get; set; }
    public string? Country { get; set; }
    /// <summary>The conditions they talk about most (lexicon names), most posts first: worded "talks about …", never "has".</summary>
    public string[] Conditions { get; set; } = [];
    public double Reach { get; set; }
    public double Trust { get; set; }
    public double ConditionRelevance { get; set; }
    public double Consistency { get; set; }
    public double Support { get; set; }
    public double InformationQuality { get; set; }
    /// <summary>The raw measures, in the patient questions' order.</summary>
    public double[] Raw { get; set; } = [];
    /// <summary>Score points each question contributed, in the patient questions' order.</summary>
    public double[] Contributions { get; set; } = [];
    /// <summary>The figures and posts behind each question, as JSON.</summary>
    public string Evidence { get; set; } = "{}";
    /// <summary>Names and handles, folded, for the page's search.</summary>
    public string? SearchText { get; set; }
}

internal sealed class PatientScoreConfiguration : IEntityTypeConfiguration<PatientScore>
{
    public void Configure(EntityTypeBuilder<PatientScore> b)
    {
        b.HasKey(s => new { s.RunId, s.PersonId });
        b.HasIndex(s => new { s.RunId, s.Rank });
        b.HasIndex(s => s.PersonId);
        b.Property(s => s.Tier).HasMaxLength(8);
        b.Property(s => s.Country).HasMaxLength(2);
        b.Property(s => s.Evidence).HasColumnType("jsonb");
        b.HasOne<ScoringRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
