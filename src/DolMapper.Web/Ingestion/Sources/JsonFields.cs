using System.Globalization;
using System.Text.Json;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>
/// Typed reads of API payload fields with messages that name the field, so a malformed item is
/// quarantined with a reason rather than crashing a pass. Absent and JSON null both read as null.
/// </summary>
internal static class JsonFields
{
    public static string Required(JsonElement element, string name) =>
        Optional(element, name) ?? throw new InvalidOperationException($"'{name}' is missing");

    public static string? Optional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"'{name}' should be a string, not {value.ValueKind}"),
        } : null;

    public static DateTime? Time(JsonElement element, string name) =>
        Optional(element, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime : null;

    public static long? Count(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number => value.GetInt64(),
                JsonValueKind.Null => null,
                _ => throw new FormatException($"'{name}' should be a number, not {value.ValueKind}"),
            }
            : null;

    public static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];
}
