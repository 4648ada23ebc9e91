using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace DolMapper.Scoring.Insights;

/// <summary>One product of a profile's list (docs/insights.md, "Products"): its names, its competitors and its launch.</summary>
public sealed record ProductDefinition
{
    /// <summary>The brand name, unique in the list (case-insensitive); what pages and exports call it.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";
    /// <summary>The generic (international non-proprietary) name, matched like a synonym.</summary>
    [JsonPropertyName("generic_name")]
    public string? GenericName { get; init; }
    /// <summary>Other names and misspellings HCPs write.</summary>
    [JsonPropertyName("synonyms")]
    public IReadOnlyList<string> Synonyms { get; init; } = [];
    /// <summary>The products of the same list it competes with (by name): its share of voice is counted within them.</summary>
    [JsonPropertyName("competitors")]
    public IReadOnlyList<string> Competitors { get; init; } = [];
    /// <summary>When it launched (or will): the launch view centres on this week.</summary>
    [JsonPropertyName("launch_date")]
    public DateOnly? LaunchDate { get; init; }

    /// <summary>Every name a mention may use: the brand name, the generic name and the synonyms.</summary>
    [JsonIgnore]
    public IEnumerable<string> Names => new[] { Name, GenericName }.Concat(Synonyms).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim());
}

/// <summary>A profile's product list as its JSON: <c>{"profile": "…", "products": [ … ]}</c>.</summary>
public sealed record ProductList
{
    /// <summary>The scoring profile the list belongs to.</summary>
    [JsonPropertyName("profile")]
    public string Profile { get; init; } = "";
    /// <summary>The products, competitors included.</summary>
    [JsonPropertyName("products")]
    public IReadOnlyList<ProductDefinition> Products { get; init; } = [];

    private static JsonSerializerOptions Options => JsonFiles.Indented;

    /// <summary>Reads a file's text: one list object or an array of them; every problem is returned as a sentence, nothing is half-read.</summary>
    public static IReadOnlyList<ProductList> ParseMany(string json, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        List<ProductList?>? lists;
        try
        {
            lists = JsonFiles.ReadOneOrMany<ProductList>(json);
        }
        catch (JsonException e)
        {
            errors.Add($"Not a product list: {e.Message}");
            return [];
        }
        if (lists is null || lists.Count == 0 || lists.Any(l => l is null))
        {
            errors.Add("Not a product list: expected {\"profile\": …, \"products\": […]} or an array of them.");
            return [];
        }
        for (var i = 0; i < lists.Count; i++)
        {
            var label = lists.Count == 1 ? "" : $"List {i + 1}: ";
            errors.AddRange(lists[i]!.Validate().Select(p => label + p));
        }
        foreach (var twice in lists.GroupBy(l => l!.Profile.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"The profile '{twice.Key}' has more than one list in the file.");
        }
        return errors.Count == 0 ? [.. lists.Select(l => l!.Normalised())] : [];
    }

    /// <summary>Every reason the list cannot be stored, each a sentence for the user (empty when it can).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Profile))
        {
            problems.Add("'profile' is missing: name the scoring profile the products belong to.");
        }
        var products = Products ?? [];
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < products.Count; i++)
        {
            var product = products[i];
            var at = $"products[{i}]";
            if (product is null)
            {
                problems.Add($"{at} is empty.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(product.Name))
            {
                problems.Add($"{at} has no name.");
                continue;
            }
            at = $"products[{i}] ('{product.Name.Trim()}')";
            if (product.Name.Trim().Length > 100)
            {
                problems.Add($"{at}: the name is longer than 100 characters.");
            }
            if (product.GenericName is { } generic && string.IsNullOrWhiteSpace(generic))
            {
                problems.Add($"{at}: generic_name is empty; leave it out instead.");
            }
            for (var k = 0; k < (product.Synonyms ?? []).Count; k++)
            {
                if (string.IsNullOrWhiteSpace(product.Synonyms![k]))
                {
                    problems.Add($"{at}: synonyms[{k}] is empty: an empty synonym would match nothing or everything.");
                }
            }
        }
        // Every name a mention may use belongs to one product: a name shared by two could not say whose mention it is.
        for (var i = 0; i < products.Count; i++)
        {
            if (products[i] is not { } product || string.IsNullOrWhiteSpace(product.Name))
            {
                continue;
            }
            foreach (var name in product.Names.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (names.TryGetValue(name, out var owner))
                {
                    problems.Add(string.Equals(owner, product.Name.Trim(), StringComparison.OrdinalIgnoreCase)
                        ? $"The name '{product.Name.Trim()}' is in the list twice: each product once."
                        : $"'{name}' names both '{owner}' and '{product.Name.Trim()}': each name may belong to one product.");
                }
                else
                {
                    names[name] = product.Name.Trim();
                }
            }
        }
        var brands = new HashSet<string>(products.Where(p => p is not null && !string.IsNullOrWhiteSpace(p.Name)).Select(p => p.Name.Trim()), StringComparer.OrdinalIgnoreCase);
        foreach (var product in products.Where(p => p is not null && !string.IsNullOrWhiteSpace(p.Name)))
        {
            foreach (var competitor in product.Competitors ?? [])
            {
                if (string.IsNullOrWhiteSpace(competitor) || !brands.Contains(competitor.Trim()))
                {
                    problems.Add($"'{product.Name.Trim()}' competes with '{competitor}', which is not in the list: add it as a product first.");
                }
                else if (string.Equals(competitor.Trim(), product.Name.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"'{product.Name.Trim()}' is listed as its own competitor.");
                }
            }
        }
        return problems;
    }

    /// <summary>The list with names trimmed, competitors spelled as their products are and without repeats.</summary>
    public ProductList Normalised()
    {
        var brands = Products.ToDictionary(p => p.Name.Trim(), p => p.Name.Trim(), StringComparer.OrdinalIgnoreCase);
        return this with
        {
            Profile = Profile.Trim(),
            Products = [.. Products.Select(p => p with
            {
                Name = p.Name.Trim(),
                GenericName = p.GenericName?.Trim(),
                Synonyms = [.. (p.Synonyms ?? []).Select(s => s.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)],
                Competitors = [.. (p.Competitors ?? []).Select(c => brands[c.Trim()]).Distinct(StringComparer.OrdinalIgnoreCase)],
            })],
        };
    }

    /// <summary>This list as the file format (one object).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The lists as the file format (an array of them).</summary>
    public static string ToJson(IEnumerable<ProductList> lists) => JsonSerializer.Serialize(lists.ToList(), Options);
}

/// <summary>Finds which products a post names: each name as a whole word (or words), case-insensitive.</summary>
public sealed class ProductMatcher
{
    private readonly IReadOnlyList<ProductDefinition> _products;
    private readonly Regex[] _patterns;

    /// <param name="products">A valid list (<see cref="ProductList.Validate"/>).</param>
    public ProductMatcher(IReadOnlyList<ProductDefinition> products)
    {
        _products = products;
        _patterns = [.. products.Select(p => new Regex(
            @"(?<![\p{L}\p{N}])(?:" + string.Join("|", p.Names.OrderByDescending(n => n.Length).Select(Regex.Escape)) + @")(?![\p{L}\p{N}])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled))];
    }

    /// <summary>The text's lower-cased names of every product, for a cheap LIKE filter before the exact match.</summary>
    public IReadOnlyList<string> Names => [.. _products.SelectMany(p => p.Names).Select(n => n.ToLower(CultureInfo.InvariantCulture)).Distinct()];

    /// <summary>The indexes (in the list) of the products <paramref name="text"/> names.</summary>
    public IEnumerable<int> Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (_patterns[i].IsMatch(text))
            {
                yield return i;
            }
        }
    }

    /// <summary>The text with every name of product <paramref name="index"/> replaced by the tone classifier's placeholder.</summary>
    public string Mask(string text, int index) => _patterns[index].Replace(text, ToneClassifier.Placeholder);
}
