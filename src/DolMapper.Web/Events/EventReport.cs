using System.Globalization;
using DolMapper.Web.Infrastructure;

namespace DolMapper.Web.Events;

/// <summary>
/// The event report (docs/events.md, "Report"): every participant of the event's latest complete
/// reading, ranked by engagement received during the window, as CSV with the contract's columns.
/// </summary>
public static class EventReport
{
    /// <summary>The columns, in order (a contract: others build on them).</summary>
    public static readonly IReadOnlyList<string> Header =
    [
        "rank", "person_id", "name", "handles", "profession", "specialty", "country", "posts_during", "engagement_during", "reach_during",
        "hcp_audience_share", "posts_before", "new_voice", "dol_score", "profile",
    ];

    /// <summary>Writes <paramref name="rows"/>; returns how many.</summary>
    public static async Task<int> WriteCsvAsync(IAsyncEnumerable<EventRow> rows, TextWriter output, CancellationToken cancellationToken)
    {
        var count = 0;
        await using var csv = Downloads.CsvWriter(output);
        foreach (var column in Header)
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken);
        await foreach (var r in rows.WithCancellation(cancellationToken))
        {
            count++;
            csv.WriteField(r.Rank);
            csv.WriteField(Downloads.CsvText(r.PublicId));
            csv.WriteField(Downloads.CsvText(r.Name));
            csv.WriteField(Downloads.CsvText(r.Handles));
            csv.WriteField(Downloads.CsvText(r.Profession));
            csv.WriteField(Downloads.CsvText(r.Specialty));
            csv.WriteField(Downloads.CsvText(r.Country));
            csv.WriteField(r.PostsDuring);
            csv.WriteField(r.EngagementDuring);
            csv.WriteField(r.ReachDuring);
            csv.WriteField(r.HcpAudienceShare is { } share ? share.ToString("0.###", CultureInfo.InvariantCulture) : "");
            csv.WriteField(r.TopicPostsBefore);
            csv.WriteField(r.NewVoice ? "true" : "false");
            csv.WriteField(r.DolScore is { } score ? score.ToString("0.0", CultureInfo.InvariantCulture) : "");
            csv.WriteField(Downloads.CsvText(r.ScoreProfile));
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync();
        return count;
    }
}
