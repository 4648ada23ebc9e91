using System.Globalization;
using System.Text;

namespace DolMapper.Benchmarks;

public static class Report
{
    public const string ResultsHeading = "## Results";

    public static string Table(IReadOnlyList<Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| suite | scale | measure | value | baseline (same run) | ratio | target | met |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Suite} | {r.Scale.Name} | {r.Measure} | {Format(r.Value)} {r.Unit} | {r.Baseline}{(r.BaselineValue is { } b ? $": {Format(b)} {r.Unit}" : "")} | {(r.Ratio is { } x ? $"{x:0.0}×" : "—")} | {r.Target} | {(r.Met is null ? "—" : r.Met.Value ? "yes" : "**no**")} |");
        }
        foreach (var r in results.Where(r => r.Note is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Suite}, {r.Measure}: {r.Note}");
        }
        return text.ToString();
    }

    private static string Format(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Appends a dated section under "## Results" (newest last), so the file keeps its history.</summary>
    public static async Task AppendAsync(string file, IReadOnlyList<Result> results, DateTime at)
    {
        var existing = File.Exists(file) ? await File.ReadAllTextAsync(file) : "# Benchmarks\n";
        if (!existing.Contains(ResultsHeading, StringComparison.Ordinal))
        {
            existing = existing.TrimEnd() + "\n\n" + ResultsHeading + "\n";
        }
        var section = new StringBuilder();
        section.AppendLine();
        section.AppendLine(CultureInfo.InvariantCulture, $"### {at:yyyy-MM-dd HH:mm} UTC · {string.Join(", ", results.Select(r => r.Suite).Distinct())} · {results.FirstOrDefault()?.Scale.Name}");
        section.AppendLine();
        section.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}");
        section.AppendLine();
        section.Append(Table(results));
        await File.WriteAllTextAsync(file, existing.TrimEnd() + "\n" + section);
    }
}
