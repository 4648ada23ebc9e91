using System.Globalization;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>What one ingestion pass did (docs/cli.md, ingest: fetched / new / updated / duplicates / rejected).</summary>
public sealed class IngestReport
{
    public long RunId { get; init; }
    public required string Source { get; init; }
    public required string Query { get; init; }
    public long Fetched { get; set; }
    public int Pages { get; set; }
    public long Rejected { get; set; }
    public IngestionCounts Counts { get; } = new();
    /// <summary>Set when the pass stopped before the end (a rate limit too far away); the cursor was kept.</summary>
    public string? Stopped { get; set; }

    public long Duplicates => Counts.AccountsUnchanged + Counts.PostsUnchanged + Counts.Superseded;

    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"{Source} '{Query}': {Fetched:N0} fetched in {Pages:N0} page(s), {Counts.New:N0} new, {Counts.Updated:N0} updated, {Duplicates:N0} duplicates, {Rejected:N0} rejected (run {RunId})")
        + (Stopped is null ? "" : Environment.NewLine + Stopped);
}
