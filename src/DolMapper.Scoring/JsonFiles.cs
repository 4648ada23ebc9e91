using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DolMapper.Scoring;

/// <summary>
/// How DolMapper's own JSON files (product lists, events) are read and written: snake_case names as
/// declared, an unknown field refused (a misspelt field must not be silently ignored), comments and
/// trailing commas allowed, nulls left out, non-ASCII written as itself.
/// </summary>
public static class JsonFiles
{
    /// <summary>Indented, for files people read.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>On one line, for what is stored.</summary>
    public static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    /// <summary>A file's text as one object or an array of them (a null item where the array has a null); throws <see cref="JsonException"/> when it is neither.</summary>
    public static List<T?>? ReadOneOrMany<T>(string json) where T : class =>
        json.TrimStart().StartsWith('[')
            ? JsonSerializer.Deserialize<List<T?>>(json, Indented)
            : [JsonSerializer.Deserialize<T>(json, Indented)];
}
