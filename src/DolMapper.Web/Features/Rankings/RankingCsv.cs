using DolMapper.Web.Data.Entities;
using System.Globalization;
using DolMapper.Scoring;
using DolMapper.Web.Infrastructure;
using Npgsql;

namespace DolMapper.Web.Features.Rankings;

/// <summary>Which rows of the latest complete run to export.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="Top">At most this many rows (best first); null for all.</param>
/// <param name="PersonIds">Only these persons (a shortlist); null for all.</param>
/// <param name="Filter">The Rankings page's filters and order (its profile and page are ignored); null for the whole ranking.</param>
/// <param name="ShortlistId">A shortlist's export: its notes, who added each person and when, as the last columns.</param>
public sealed record RankingExportRequest(string Profile, int? Top = null, IReadOnlyCollection<long>? PersonIds = null, RankingFilter? Filter = null, int? ShortlistId = null);

/// <summary>What an export wrote.</summary>
public sealed record RankingExportResult(long RunId, int ProfileVersion, DateTime RunAt, int Rows);

/// <summary>
/// The CSV of docs/formats.md ("CSV export columns"), streamed from the latest complete run with flat memory:
/// RFC 4180 via CsvHelper, numbers as numbers (invariant culture), text cells that a spreadsheet
/// would run as a formula (= + - @ tab CR first) prefixed with an apostrophe, opted-out persons
/// left out and the ranks closed up over them (<see cref="RankingSelection"/>: the rank the
/// Rankings page shows). The one writer behind the <c>export</c> verb and the UI.
/// </summary>
/// <remarks>Rows are read through the dashboard's read source (a replica when one is configured); the audit entry is written to the primary.</remarks>
public sealed class RankingCsv(
    [FromKeyedServices(Data.DolMapperDataSource.Reads)] NpgsqlDataSource reads, NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<DolMapperOptions> options)
{
    public static IReadOnlyList<string> Header { get; } =
    [
        "rank", "person_id", "name", "handles", "profession", "specialty", "country", "score", "tier", "persona",
        .. Questions.All.SelectMany(k => new[] { k, k + "_raw" }),
        "relationship_kind", "profile", "profile_version", "run_at", "npi",
        "suggested_channel", "best_times", "top_formats", "suggested_collaboration", "profile_url",
    ];

    /// <summary>A shortlist's export adds these after <see cref="Header"/>.</summary>
    public static IReadOnlyList<string> ShortlistColumns { get; } = ["shortlist_note", "added_by", "added_at"];

    /// <summary>
    /// Rounded to what a reader uses: a raw measure to four significant digits (a PageRank value
    /// of 0.000123456 stays 0.0001235, 12.3456 posts a week 12.35).
    /// </summary>
    internal static string RawNumber(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return Number(value, "0");
        }
        var digits = 3 - (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var rounded = digits >= 0
            ? Math.Round(value, Math.Min(digits, 15), MidpointRounding.AwayFromZero)
            : Math.Round(value / Math.Pow(10, -digits), MidpointRounding.AwayFromZero) * Math.Pow(10, -digits);
        return Number(rounded, "0.###############");
    }

    /// <summary>The latest complete run of <paramref name="profile"/>, or null when there is none.</summary>
    public async Task<(long RunId, int Version, DateTime CompletedAt)?> LatestRunAsync(string profile, CancellationToken cancellationToken)
    {
        await using var command = reads.CreateCommand($"""
            SELECT r.id, v.version, r.completed_at
            FROM scoring_runs r JOIN scoring_profiles p ON p.id = r.profile_id JOIN scoring_profile_versions v ON v.id = r.profile_version_id
            WHERE p.name = @name AND r.status = '{RunStatuses.Complete}'
            ORDER BY r.completed_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("name", profile);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetInt32(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc))
            : null;
    }

    /// <summary>Writes the export to <paramref name="output"/>; null when the profile has no complete run.</summary>
    public async Task<RankingExportResult?> WriteAsync(RankingExportRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var run = await LatestRunAsync(request.Profile, cancellationToken);
        if (run is null)
        {
            return null;
        }
        var (runId, version, runAt) = run.Value;
        var signals = string.Join(", ", Questions.All.Select(k => $"s.{k}, s.{k}_raw"));
        var selection = new RankingSelection(runId, request.Filter ?? new RankingFilter(), request.PersonIds);
        var header = request.ShortlistId is null ? Header : [.. Header, .. ShortlistColumns];
        // A link back to each person's page: absolute when the public address is configured, else the path.
        var baseUrl = options.Value.PublicBaseUrl?.TrimEnd('/') ?? "";
        var profileQuery = "?profile=" + Uri.EscapeDataString(request.Profile);
        await using var command = reads.CreateCommand($"""
            {RankingSelection.With}
            SELECT {RankingSelection.DisplayRank} AS rank, p.public_id AS person_id, p.display_name AS name, {RankingSelection.Handles} AS handles,
                   s.profession, s.specialty, s.country, s.score, s.tier, pa.name AS persona,
                   {signals},
                   s.relationship_kind, p.npi,
                   en.channel AS suggested_channel, en.best_times, array_to_string(en.top_formats, ' ') AS top_formats, array_to_string(en.collaborations, ' ') AS suggested_collaboration,
                   -- Read last, in the header's order (the reader is sequential).
                   s.person_id AS internal_id, se.note AS shortlist_note, se.added_by, se.added_at
            FROM person_scores s
            JOIN persons p ON p.id = s.person_id
            LEFT JOIN person_engagement en ON en.run_id = s.run_id AND en.person_id = s.person_id
            LEFT JOIN shortlist_entries se ON se.shortlist_id = @shortlist AND se.person_id = s.person_id
            LEFT JOIN persona_assignments pm ON pm.run_id = s.run_id AND pm.person_id = s.person_id LEFT JOIN personas pa ON pa.id = pm.persona_id
            WHERE {selection.Where}
            ORDER BY {selection.OrderBy}
            LIMIT @top
            """);
        selection.Bind(command);
        command.Parameters.Add(new NpgsqlParameter("top", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = request.Top is { } top ? top : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("shortlist", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)request.ShortlistId ?? DBNull.Value });
        command.CommandTimeout = 0;

        // Neutralising is done per text cell below, so numbers stay numbers.
        await using var csv = Downloads.CsvWriter(output);
        foreach (var column in header)
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken);

        var rows = 0;
        var runAtText = runAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        // Each header column is read by its name (ordinals resolved once); the run's own columns are the same on every row.
        var ordinal = header.ToDictionary(name => name, name => name switch
        {
            "profile" or "profile_version" or "run_at" => -1,
            "profile_url" => reader.GetOrdinal("internal_id"),
            _ => reader.GetOrdinal(name),
        });
        string? TextAt(string name) => reader.IsDBNull(ordinal[name]) ? null : reader.GetString(ordinal[name]);
        while (await reader.ReadAsync(cancellationToken))
        {
            foreach (var name in header)
            {
                switch (name)
                {
                    case "profile_url":
                        csv.WriteField(Downloads.CsvText($"{baseUrl}/Profiles/{reader.GetInt64(ordinal[name]).ToString(CultureInfo.InvariantCulture)}{profileQuery}"));
                        break;
                    case "added_at":
                        csv.WriteField(reader.IsDBNull(ordinal[name]) ? "" : DateTime.SpecifyKind(reader.GetDateTime(ordinal[name]), DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                        break;
                    case "rank":
                        csv.WriteField(reader.GetInt32(ordinal[name]).ToString(CultureInfo.InvariantCulture));
                        break;
                    case "score":
                        csv.WriteField(Number(reader.GetDouble(ordinal[name]), "0.0"));
                        break;
                    case "profile":
                        csv.WriteField(Downloads.CsvText(request.Profile));
                        break;
                    case "profile_version":
                        csv.WriteField(version.ToString(CultureInfo.InvariantCulture));
                        break;
                    case "run_at":
                        csv.WriteField(runAtText);
                        break;
                    case var key when Questions.IsKey(key):
                        csv.WriteField(Number(100 * reader.GetDouble(ordinal[name]), "0.0"));
                        break;
                    case var raw when raw.EndsWith("_raw", StringComparison.Ordinal):
                        csv.WriteField(RawNumber(reader.GetDouble(ordinal[name])));
                        break;
                    default:
                        csv.WriteField(Downloads.CsvText(TextAt(name)));
                        break;
                }
            }
            await csv.EndRecordAsync(cancellationToken);
            rows++;
        }
        await csv.FlushAsync(cancellationToken);
        return new RankingExportResult(runId, version, runAt, rows);
    }

    /// <summary>Records an export in the audit log (<c>export.csv</c>): who, which profile, run and rows, and what was asked.</summary>
    public async Task AuditAsync(string? userId, string userName, string profile, RankingExportResult result, object request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Data.AuditLog.WriteAsync(connection, null, userName, "export.csv", profile,
            new { run = result.RunId, version = result.ProfileVersion, rows = result.Rows, request }, cancellationToken, userId);
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
