namespace DolMapper.Web.Data.Entities;

/// <summary>Closed vocabularies stored as text and guarded by check constraints.</summary>
public static class Platforms
{
    public const string X = "x";
    public const string Bluesky = "bluesky";
    public const string Mastodon = "mastodon";
    public static readonly IReadOnlyList<string> All =
        [X, Bluesky, Mastodon, "facebook", "tiktok", "youtube", "linkedin", "other"];
}

public static class InteractionKinds
{
    public const string Reply = "reply";
    public const string Quote = "quote";
    public const string Repost = "repost";
    public const string Mention = "mention";
    public static readonly IReadOnlyList<string> All = [Reply, Quote, Repost, Mention];
}

public static class RelationshipKinds
{
    public static readonly IReadOnlyList<string> All =
        ["advisory_board", "speaker", "investigator", "consultant", "employee", "none"];
}

/// <summary>What a configured source reads: a post platform, PubMed, or files.</summary>
public static class SourceKinds
{
    public const string X = Platforms.X;
    public const string Bluesky = Platforms.Bluesky;
    public const string Mastodon = Platforms.Mastodon;
    public const string PubMed = "pubmed";
    public const string File = "file";
    public static readonly IReadOnlyList<string> All = [X, Bluesky, Mastodon, PubMed, File];
    /// <summary>The kinds a pass reads from a platform's API (each has a keyed <c>ISourcePass</c>).</summary>
    public static readonly IReadOnlyList<string> Ingest = [X, Bluesky, Mastodon, PubMed];
}

/// <summary>What an <c>ingestion_runs</c> row records: a file import, a source's pass, or a reconciliation.</summary>
public static class IngestionKinds
{
    public const string Import = "import";
    public const string Ingest = "ingest";
    public const string Reconcile = "reconcile";
}

public static class RunStatuses
{
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Failed = "failed";
    public static readonly IReadOnlyList<string> All = [Running, Complete, Failed];
}

/// <summary>The kinds of model kept, versioned, in <c>trained_models</c>.</summary>
public static class ModelKinds
{
    public const string HcpClassifier = "hcp_classifier";
    public const string Personas = "personas";
    public const string Ranker = "ranker";
    public static readonly IReadOnlyList<string> All = [HcpClassifier, Personas, Ranker];
}

public static class FeedbackVerdicts
{
    public static readonly IReadOnlyList<string> All = ["good_fit", "maybe", "not_a_fit"];
}

internal static class Check
{
    /// <summary>SQL for "column is one of these values".</summary>
    public static string In(string column, IEnumerable<string> values) =>
        $"{column} IN ({string.Join(", ", values.Select(v => $"'{v}'"))})";
}
