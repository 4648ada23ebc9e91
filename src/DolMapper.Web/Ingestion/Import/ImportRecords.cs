namespace DolMapper.Web.Ingestion.Import;

/// <summary>One valid line of a JSON Lines import (docs/formats.md, "Import format"), with where it came from.</summary>
public abstract record ImportRecord
{
    public long LineNumber { get; init; }
}

/// <summary>A reference from a post to another post and its author; either may be missing.</summary>
public sealed record PostReference(string? PostId, string? AccountId);

public sealed record AccountRecord : ImportRecord
{
    public required string Platform { get; init; }
    public required string Id { get; init; }
    public string? Handle { get; init; }
    public string? Name { get; init; }
    public string? Bio { get; init; }
    public string? Location { get; init; }
    public string? Country { get; init; }
    public long? Followers { get; init; }
    public long? Following { get; init; }
    public long? PostsCount { get; init; }
    public DateTime? CreatedAt { get; init; }
    public string? Url { get; init; }
    public bool? Verified { get; init; }
    public string? Person { get; init; }
    public string? Npi { get; init; }
    public DateTime? ObservedAt { get; init; }
}

public sealed record PostRecord : ImportRecord
{
    public required string Platform { get; init; }
    public required string Id { get; init; }
    /// <summary>Absent only on a deletion line.</summary>
    public string? AccountId { get; init; }
    public DateTime? CreatedAt { get; init; }
    public string? Text { get; init; }
    public string? Lang { get; init; }
    public PostReference? ReplyTo { get; init; }
    public PostReference? QuoteOf { get; init; }
    public PostReference? RepostOf { get; init; }
    /// <summary>Null when the line does not say (the stored list is kept); empty when it says "none".</summary>
    public IReadOnlyList<string>? Mentions { get; init; }
    /// <summary>Lower case, without '#'; null when the line does not say.</summary>
    public IReadOnlyList<string>? Hashtags { get; init; }
    /// <summary>Null when the line does not say.</summary>
    public IReadOnlyList<string>? Urls { get; init; }
    public int? Likes { get; init; }
    public int? Replies { get; init; }
    public int? Reposts { get; init; }
    public int? Quotes { get; init; }
    public bool Deleted { get; init; }
    public DateTime? ObservedAt { get; init; }
}

public sealed record RelationshipRecord : ImportRecord
{
    public string? Platform { get; init; }
    public string? AccountId { get; init; }
    public string? Person { get; init; }
    public string? Npi { get; init; }
    public required string Kind { get; init; }
    public DateOnly? Since { get; init; }

    /// <summary>The line again in the import format (for quarantine, so an Admin can import it later).</summary>
    public string ToJson()
    {
        var fields = new Dictionary<string, string?>
        {
            ["type"] = "relationship",
            ["platform"] = Platform,
            ["account_id"] = AccountId,
            ["person"] = Person,
            ["npi"] = Npi,
            ["kind"] = Kind,
            ["since"] = Since?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        return System.Text.Json.JsonSerializer.Serialize(fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value));
    }
}

/// <summary>A line that was not imported, with its number, the reason and (capped) what it said.</summary>
public sealed record RejectedLine(long LineNumber, string Reason, string Raw);
