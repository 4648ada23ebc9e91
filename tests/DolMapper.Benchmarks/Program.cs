using System.Globalization;
using DolMapper.Benchmarks;

// dotnet run -c Release --project tests/DolMapper.Benchmarks -- SUITE --scale small|medium|large [--data DIR] [--no-append]
var suites = new Dictionary<string, Func<BenchmarkContext, Task<IReadOnlyList<Result>>>>(StringComparer.OrdinalIgnoreCase)
{
    ["generate"] = GenerateSuite.RunAsync,
    ["import"] = ImportSuite.RunAsync,
    ["score"] = ScoreSuite.RunAsync,
    ["pagerank"] = PageRankSuite.RunAsync,
    ["web"] = WebSuite.RunAsync,
    ["insights"] = InsightsSuite.RunAsync,
    ["events"] = EventsSuite.RunAsync,
    ["export"] = ExportSuite.RunAsync,
    ["personas"] = PersonaSuite.RunAsync,
    ["workers"] = WorkersSuite.RunAsync,
    ["partitions"] = PartitionsSuite.RunAsync,
};

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine($"usage: DolMapper.Benchmarks SUITE|all --scale small|medium|large [--data DIR] [--no-append]\nsuites: {string.Join(", ", suites.Keys)}");
    return args.Length == 0 ? 2 : 0;
}

var suiteName = args[0];
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var scale = Scale.Parse(Option("--scale", "small"));
if (scale is null)
{
    Console.Error.WriteLine("--scale must be small, medium or large");
    return 2;
}
if (suiteName != "all" && !suites.ContainsKey(suiteName))
{
    Console.Error.WriteLine($"unknown suite '{suiteName}'; known: {string.Join(", ", suites.Keys)}, all");
    return 2;
}

var repository = BenchmarkContext.FindRepositoryRoot();
var data = Path.GetFullPath(Option("--data", Path.Combine(repository, "artifacts", "benchmarks")));
await using var context = await BenchmarkContext.CreateAsync(scale, data, repository);

var results = new List<Result>();
foreach (var (name, run) in suites.Where(s => suiteName == "all" || s.Key.Equals(suiteName, StringComparison.OrdinalIgnoreCase)))
{
    Console.Error.WriteLine($"== {name} at {scale.Name} scale ({scale.Persons:N0} persons, {scale.Posts:N0} posts)");
    results.AddRange(await run(context));
}

var table = Report.Table(results);
Console.WriteLine(table);
if (!args.Contains("--no-append"))
{
    var file = Path.Combine(repository, "docs", "benchmarks.md");
    await Report.AppendAsync(file, results, DateTime.UtcNow);
    Console.Error.WriteLine($"Appended to {file}");
}
return results.All(r => r.Met != false) ? 0 : 1;
