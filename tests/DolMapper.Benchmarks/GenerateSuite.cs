using System.Diagnostics;
using System.IO.Compression;
using System.Globalization;
using System.Text.Json;
using DolMapper.Web.Demo;

namespace DolMapper.Benchmarks;

/// <summary>
/// generate: the demo world at the scale to a .jsonl.gz, as <c>demo seed --out</c> does. Baseline:
/// as many plain posts with random values written the straightforward way (JsonSerializer per
/// line, same gzip level); the ratio is our posts/s over the baseline's.
/// </summary>
public static class GenerateSuite
{
    public const double TargetPostsPerSecond = 200_000;

    public static DemoWorldOptions WorldOptions(Scale scale, ulong seed = 1) => new() { Persons = scale.Persons, Posts = scale.Posts, Seed = seed };

    public static string WorldFile(BenchmarkContext context) => context.File($"world-{context.Scale.Name}.jsonl.gz");

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var scale = context.Scale;
        var file = WorldFile(context);
        var stopwatch = Stopwatch.StartNew();
        var summary = await DemoWorldWriter.WriteFileAsync(WorldOptions(scale), file, context.File($"world-{scale.Name}.truth.jsonl.gz"));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);

        var baselineSeconds = await PlainJsonBaselineAsync(context.File("baseline.jsonl.gz"), summary.Posts);
        var rate = summary.Posts / seconds;
        return
        [
            new Result("generate", scale, "demo posts/s", rate, "posts/s", "random posts via JsonSerializer + gzip", summary.Posts / baselineSeconds,
                baselineSeconds / seconds, "≥ 200,000 posts/s", rate >= TargetPostsPerSecond,
                $"{summary.Lines:N0} lines, {summary.Bytes / 1e6:N0} MB uncompressed in {seconds:0.0} s; the baseline wrote as many plain random posts in {baselineSeconds:0.0} s; peak working set {peak:N0} MiB"),
        ];
    }

    private sealed record PlainPost(string type, string platform, string id, string account_id, DateTime created_at, string text, string lang, string[] hashtags, int likes, int replies, int reposts, int quotes);

    /// <summary>
    /// The straightforward way to write the same number of posts: random values, one
    /// <see cref="JsonSerializer"/> call per line, into the same gzip stream. Returns seconds.
    /// </summary>
    private static async Task<double> PlainJsonBaselineAsync(string path, long posts)
    {
        var random = new Random(1);
        var words = new[] { "New", "data", "on", "HER2", "heart", "failure", "trial", "results", "today", "patients", "#bcsm", "#CardioTwitter", "modest", "benefit", "real" };
        var stopwatch = Stopwatch.StartNew();
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var output = new BufferedStream(gzip, 1 << 16))
        {
            var start = new DateTime(2025, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            for (long i = 0; i < posts; i++)
            {
                var text = string.Join(' ', Enumerable.Range(0, random.Next(6, 16)).Select(_ => words[random.Next(words.Length)]));
                var post = new PlainPost("post", "x", (1_900_000_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture), random.Next(1, 1_000_000).ToString(CultureInfo.InvariantCulture),
                    start.AddSeconds(random.Next(0, 31_536_000)), text, "en", ["bcsm"], random.Next(0, 100), random.Next(0, 10), random.Next(0, 20), random.Next(0, 3));
                await JsonSerializer.SerializeAsync(output, post);
                output.WriteByte((byte)'\n');
            }
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(path);
        return seconds;
    }
}
