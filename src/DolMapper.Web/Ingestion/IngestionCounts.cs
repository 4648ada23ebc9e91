namespace DolMapper.Web.Ingestion;

/// <summary>
/// What a write did, summed over batches. "Unchanged" rows were already stored with the same values
/// (or a newer observation); "superseded" lines lost to a newer line for the same key in the input.
/// </summary>
public sealed class IngestionCounts
{
    public long AccountsNew { get; set; }
    public long AccountsUpdated { get; set; }
    public long AccountsUnchanged { get; set; }
    /// <summary>Accounts known only because a post referred to them (no profile seen yet).</summary>
    public long StubAccounts { get; set; }
    public long PostsNew { get; set; }
    public long PostsUpdated { get; set; }
    public long PostsUnchanged { get; set; }
    /// <summary>Deletion lines applied (the post purged, or a tombstone kept for a post not seen yet).</summary>
    public long Deletions { get; set; }
    /// <summary>Post lines dropped because the post was deleted at the source.</summary>
    public long PostsTombstoned { get; set; }
    public long RelationshipsNew { get; set; }
    public long RelationshipsUpdated { get; set; }
    public long RelationshipsUnchanged { get; set; }
    /// <summary>Account and post lines not stored because the person opted out.</summary>
    public long OptedOut { get; set; }
    public long Superseded { get; set; }
    public long Interactions { get; set; }

    public long New => AccountsNew + PostsNew + RelationshipsNew;
    public long Updated => AccountsUpdated + PostsUpdated + RelationshipsUpdated;

    public void Add(IngestionCounts other)
    {
        AccountsNew += other.AccountsNew;
        AccountsUpdated += other.AccountsUpdated;
        AccountsUnchanged += other.AccountsUnchanged;
        StubAccounts += other.StubAccounts;
        PostsNew += other.PostsNew;
        PostsUpdated += other.PostsUpdated;
        PostsUnchanged += other.PostsUnchanged;
        Deletions += other.Deletions;
        PostsTombstoned += other.PostsTombstoned;
        RelationshipsNew += other.RelationshipsNew;
        RelationshipsUpdated += other.RelationshipsUpdated;
        RelationshipsUnchanged += other.RelationshipsUnchanged;
        OptedOut += other.OptedOut;
        Superseded += other.Superseded;
        Interactions += other.Interactions;
    }
}
