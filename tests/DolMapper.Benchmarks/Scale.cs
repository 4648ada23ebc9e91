namespace DolMapper.Benchmarks;

/// <summary>The sizes of the benchmark worlds (issue: small = 1M posts / 50k persons, medium = 5M / 250k, large = 10M / 500k).</summary>
public sealed record Scale(string Name, int Persons, long Posts)
{
    public static readonly Scale Small = new("small", 50_000, 1_000_000);
    public static readonly Scale Medium = new("medium", 250_000, 5_000_000);
    public static readonly Scale Large = new("large", 500_000, 10_000_000);
    public static readonly IReadOnlyList<Scale> All = [Small, Medium, Large];

    public static Scale? Parse(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One measured figure with its baseline from the same run.</summary>
public sealed record Result(string Suite, Scale Scale, string Measure, double Value, string Unit, string Baseline, double? BaselineValue, double? Ratio, string Target, bool? Met, string? Note = null);
