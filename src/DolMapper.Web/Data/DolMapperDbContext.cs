using DolMapper.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Data;

public sealed class DolMapperDbContext(DbContextOptions<DolMapperDbContext> options)
    : IdentityDbContext<DolMapperUser>(options), IDataProtectionKeyContext
{
    public DbSet<Person> Persons => Set<Person>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<PostTombstone> PostTombstones => Set<PostTombstone>();
    public DbSet<Interaction> Interactions => Set<Interaction>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<SourceCursor> SourceCursors => Set<SourceCursor>();
    public DbSet<IngestionRun> IngestionRuns => Set<IngestionRun>();
    public DbSet<QuarantinedItem> Quarantine => Set<QuarantinedItem>();
    public DbSet<Upload> Uploads => Set<Upload>();
    public DbSet<UploadChunk> UploadChunks => Set<UploadChunk>();
    public DbSet<Publication> Publications => Set<Publication>();
    public DbSet<ScoringProfile> ScoringProfiles => Set<ScoringProfile>();
    public DbSet<ScoringProfileVersion> ScoringProfileVersions => Set<ScoringProfileVersion>();
    public DbSet<ScoringRun> ScoringRuns => Set<ScoringRun>();
    public DbSet<PersonScore> PersonScores => Set<PersonScore>();
    public DbSet<PersonScoreEvidence> PersonScoreEvidence => Set<PersonScoreEvidence>();
    public DbSet<PersonNotRanked> PersonsNotRanked => Set<PersonNotRanked>();
    public DbSet<TopicTrend> TopicTrends => Set<TopicTrend>();
    public DbSet<TopicTrendDay> TopicTrendDays => Set<TopicTrendDay>();
    public DbSet<TopicConcernTheme> TopicConcernThemes => Set<TopicConcernTheme>();
    public DbSet<PersonConcernTheme> PersonConcernThemes => Set<PersonConcernTheme>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductWeek> ProductWeeks => Set<ProductWeek>();
    public DbSet<ProductSummary> ProductSummaries => Set<ProductSummary>();
    public DbSet<PersonProductMention> PersonProductMentions => Set<PersonProductMention>();
    public DbSet<PersonaAssignment> PersonaAssignments => Set<PersonaAssignment>();
    public DbSet<PersonEngagement> PersonEngagement => Set<PersonEngagement>();
    public DbSet<PatientScore> PatientScores => Set<PatientScore>();
    public DbSet<AdverseEventItem> AdverseEvents => Set<AdverseEventItem>();
    public DbSet<AdverseEventScanState> AdverseEventScans => Set<AdverseEventScanState>();
    public DbSet<Persona> Personas => Set<Persona>();
    public DbSet<TrainedModel> TrainedModels => Set<TrainedModel>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<EventVersion> EventVersions => Set<EventVersion>();
    public DbSet<EventAnalysis> EventAnalyses => Set<EventAnalysis>();
    public DbSet<EventBucket> EventBuckets => Set<EventBucket>();
    public DbSet<EventPerson> EventPersons => Set<EventPerson>();
    public DbSet<Feedback> Feedback => Set<Feedback>();
    public DbSet<Shortlist> Shortlists => Set<Shortlist>();
    public DbSet<SavedView> SavedViews => Set<SavedView>();
    public DbSet<SavedViewMember> SavedViewMembers => Set<SavedViewMember>();
    public DbSet<ShortlistEntry> ShortlistEntries => Set<ShortlistEntry>();
    public DbSet<CrmRelationship> CrmRelationships => Set<CrmRelationship>();
    public DbSet<CrmUpload> CrmUploads => Set<CrmUpload>();
    public DbSet<PersonMerge> PersonMerges => Set<PersonMerge>();
    public DbSet<MergeDismissal> MergeDismissals => Set<MergeDismissal>();
    public DbSet<OptOut> OptOuts => Set<OptOut>();
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Trigram indexes answer the dashboard's name and handle search (ILIKE '%...%').
        builder.HasPostgresExtension("pg_trgm");
        // Identity names its tables in PascalCase explicitly; keep the whole schema snake_case.
        builder.Entity<DolMapperUser>().ToTable("users");
        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        builder.ApplyConfigurationsFromAssembly(typeof(DolMapperDbContext).Assembly);
    }
}
