using System.Globalization;
using System.Text;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>Something to import: a name for reports and a way to open its bytes (compressed or not).</summary>
public sealed record ImportSource(string Name, Func<CancellationToken, Task<Stream>> OpenAsync, long? Length)
{
    public static ImportSource FromFile(string path) =>
        new(path, _ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous)),
            new FileInfo(path).Length);
}

/// <summary>Who imports and how.</summary>
/// <param name="AllowRelationships">True for an Admin (and the command line): relationship lines are applied; otherwise rejected.</param>
/// <param name="TriggeredBy">The user or "cli", recorded on the run.</param>
/// <param name="RunId">An ingestion run created beforehand (an upload's), or null to create one.</param>
/// <param name="WriterSessions">Sessions writing at once (<see cref="ImportLanes"/>); 0: the <c>DolMapper:Import:WriterSessions</c> setting.</param>
public sealed record ImportOptions(
    bool AllowRelationships,
    string TriggeredBy,
    int BatchSize = ImportOptions.DefaultBatchSize,
    IProgress<ImportProgress>? Progress = null,
    long? RunId = null,
    int WriterSessions = 0)
{
    public const int DefaultBatchSize = 20_000;
}

/// <summary>How far an import has got: bytes read of all inputs (as stored, so compressed for .gz) and lines so far.</summary>
public sealed record ImportProgress(string Source, int SourceIndex, int SourceCount, long BytesRead, long? BytesTotal, long Lines, long Rejected);

/// <summary>A rejected line as the report shows it.</summary>
public sealed record ImportRejection(string Source, long? LineNumber, string Reason);

/// <summary>What an import did: every line is either imported or rejected with its reason.</summary>
public sealed class ImportReport
{
    /// <summary>How many rejections the report lists; all of them are in quarantine.</summary>
    public const int MaxListedRejections = 100;

    public long RunId { get; init; }
    public string TriggeredBy { get; init; } = "";
    public required IReadOnlyList<string> Sources { get; init; }
    public long Lines { get; set; }
    public long Rejected { get; set; }
    public long Imported => Lines - Rejected;
    public List<string> EmptySources { get; } = [];
    public IngestionCounts Counts { get; } = new();
    public List<ImportRejection> FirstRejections { get; } = [];
    /// <summary>How many rejected lines quarantine kept (within the retention allowance).</summary>
    public long Quarantined { get; set; }
    public TimeSpan Elapsed { get; set; }
    /// <summary>The most database sessions that wrote one batch at once (<see cref="ImportLanes"/>).</summary>
    public int WriterSessions { get; set; } = 1;

    /// <summary>True when every line of every input went in.</summary>
    public bool Clean => Rejected == 0 && EmptySources.Count == 0;

    public string Summary =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Lines:N0} lines: {Imported:N0} imported, {Rejected:N0} rejected; {Counts.New:N0} new, {Counts.Updated:N0} updated");

    /// <summary>The report as the command line prints it.</summary>
    public string ToText()
    {
        var c = Counts;
        var seconds = Math.Max(Elapsed.TotalSeconds, 0.001);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Imported {string.Join(", ", Sources)} in {Elapsed.TotalSeconds:0.0} s ({Lines / seconds:N0} lines/s{(WriterSessions > 1 ? $"; {WriterSessions} writer sessions" : "")}; run {RunId})");
        text.AppendLine(CultureInfo.InvariantCulture, $"  lines          {Lines,12:N0} read, {Imported:N0} imported, {Rejected:N0} rejected");
        text.AppendLine(CultureInfo.InvariantCulture, $"  accounts       {c.AccountsNew,12:N0} new, {c.AccountsUpdated:N0} updated, {c.AccountsUnchanged:N0} unchanged; {c.StubAccounts:N0} known only from posts so far");
        text.AppendLine(CultureInfo.InvariantCulture, $"  posts          {c.PostsNew,12:N0} new, {c.PostsUpdated:N0} updated, {c.PostsUnchanged:N0} unchanged; {c.Interactions:N0} interactions");
        text.AppendLine(CultureInfo.InvariantCulture, $"  deletions      {c.Deletions,12:N0} applied, {c.PostsTombstoned:N0} deleted posts not stored");
        text.AppendLine(CultureInfo.InvariantCulture, $"  relationships  {c.RelationshipsNew,12:N0} new, {c.RelationshipsUpdated:N0} updated, {c.RelationshipsUnchanged:N0} unchanged");
        text.AppendLine(CultureInfo.InvariantCulture, $"  opted out      {c.OptedOut,12:N0} lines not stored");
        text.AppendLine(CultureInfo.InvariantCulture, $"  superseded     {c.Superseded,12:N0} lines replaced by a newer line for the same key");
        foreach (var empty in EmptySources)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{empty}: the file is empty; nothing to import.");
        }
        if (Rejected > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Rejected lines ({(Rejected > FirstRejections.Count ? $"the first {FirstRejections.Count:N0} of {Rejected:N0}" : $"{Rejected:N0}")}; {(Quarantined >= Rejected ? "all are" : $"the first {Quarantined:N0} are")} kept in quarantine with run {RunId}):");
            foreach (var r in FirstRejections)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {r.Source}:{r.LineNumber}: {r.Reason}");
            }
        }
        return text.ToString();
    }
}
