using System.Text.Json;

namespace DolMapper.Web.Features.Admin.Audit;

/// <summary>
/// An audit entry's details as a reader takes them in (docs/admin.md, "Audit log"): what changed as
/// before → after rows (from <c>before</c>/<c>after</c> objects, or a <c>changes</c> list of
/// field, before, after), and every other detail as a name and a value — never raw JSON.
/// </summary>
public sealed record AuditDetails(IReadOnlyList<(string Field, string Before, string After)> Changes, IReadOnlyList<(string Name, string Value)> Facts)
{
    private const int MaxValue = 300;

    public static AuditDetails Read(string? json)
    {
        var changes = new List<(string, string, string)>();
        var facts = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return new AuditDetails(changes, facts);
        }
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return new AuditDetails(changes, [("details", Short(json))]);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new AuditDetails(changes, [("details", Words(root))]);
        }
        if (root.TryGetProperty("before", out var before) && root.TryGetProperty("after", out var after))
        {
            var b = Flatten(before, "");
            var a = Flatten(after, "");
            foreach (var key in b.Keys.Concat(a.Keys).Distinct())
            {
                var was = b.GetValueOrDefault(key, "—");
                var now = a.GetValueOrDefault(key, "—");
                if (was != now)
                {
                    changes.Add((key, was, now));
                }
            }
        }
        if (root.TryGetProperty("changes", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var change in list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
            {
                changes.Add((Text(change, "field"), Text(change, "before"), Text(change, "after")));
            }
        }
        foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("before" or "after" or "changes") && p.Value.ValueKind != JsonValueKind.Null))
        {
            facts.Add((property.Name.Replace('_', ' '), Words(property.Value)));
        }
        return new AuditDetails(changes, facts);
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? Words(value) : "—";

    /// <summary>A value in words: strings as they are, lists joined by commas, objects as "name: value" pairs.</summary>
    private static string Words(JsonElement value) => Short(value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : "(empty)",
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join(", ", value.EnumerateArray().Select(Words)),
        JsonValueKind.Object => string.Join("; ", value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => $"{p.Name.Replace('_', ' ')}: {Words(p.Value)}")),
        _ => value.GetRawText(),
    });

    private static Dictionary<string, string> Flatten(JsonElement value, string prefix)
    {
        var values = new Dictionary<string, string>();
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in value.EnumerateObject())
            {
                foreach (var (k, v) in Flatten(p.Value, prefix + (prefix.Length > 0 ? " · " : "") + p.Name.Replace('_', ' ')))
                {
                    values[k] = v;
                }
            }
        }
        else
        {
            values[prefix.Length == 0 ? "value" : prefix] = Words(value);
        }
        return values;
    }

    private static string Short(string text) => text.Length <= MaxValue ? text : text[..MaxValue] + "…";
}
