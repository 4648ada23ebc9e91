using System.Text.Json;
using DolMapper.Scoring;

namespace DolMapper.Web.Tests.Features;

/// <summary>
/// A small scored world for the admin pages: 40 HCPs on X whose topic share, volume, followers,
/// scholarly links and conversations differ, so different weights order them differently.
/// </summary>
internal static class AdminWorld
{
    public const int Persons = 40;

    public static readonly ProfileDefinition Awareness = new()
    {
        Name = "Admin test - awareness",
        Hashtags = ["bcsm"],
        // A general-awareness profile: every one of the 40 is ranked, whatever their share of topic posts.
        Scope = ProfileDefinition.AllScope,
        Weights = new Dictionary<string, double>
        {
            ["relevance"] = 0.5, ["hcp_following"] = 0.25, ["peer_trust"] = 0.25, ["activity"] = 1, ["public_influence"] = 1,
            ["presence"] = 0.25, ["relationship"] = 0, ["science"] = 0, ["geography"] = 0, ["community"] = 0,
        },
    };

    /// <summary>The awareness profile turned into scientific exchange: science and peer trust up, public reach down.</summary>
    public static IReadOnlyDictionary<string, double> ScientificWeights { get; } = new Dictionary<string, double>
    {
        ["relevance"] = 1, ["hcp_following"] = 0.5, ["peer_trust"] = 1, ["activity"] = 0.25, ["public_influence"] = -0.5,
        ["presence"] = 0, ["relationship"] = 0, ["science"] = 1, ["geography"] = 0, ["community"] = 0,
    };

    public static string Name(int i) => $"Dr. Person{i:00} Tester, MD";

    public static string Handle(int i) => $"doc{i:00}";

    public static IEnumerable<string> Lines()
    {
        var random = new Random(7);
        var start = new DateTime(2026, 6, 1, 8, 0, 0, DateTimeKind.Utc);
        for (var a = 1; a <= Persons; a++)
        {
            yield return JsonSerializer.Serialize(new
            {
                type = "account", platform = "x", id = $"{a}", handle = Handle(a), name = Name(a),
                bio = "Medical oncologist. Breast cancer care and trials.", country = a % 3 == 0 ? "GB" : "US",
                followers = (long)Math.Round(Math.Exp(4 + random.NextDouble() * 6)),
            });
            var posts = 3 + random.Next(40);
            var scholarly = random.NextDouble();
            var relevant = 0.2 + random.NextDouble() * 0.8;
            for (var i = 0; i < posts; i++)
            {
                var onTopic = random.NextDouble() < relevant;
                var science = random.NextDouble() < scholarly;
                var target = 1 + random.Next(Persons);
                var reply = target != a && random.NextDouble() < 0.4;
                yield return JsonSerializer.Serialize(new
                {
                    type = "post", platform = "x", id = $"{a * 1000 + i}", account_id = $"{a}",
                    created_at = start.AddDays(i * 3 + random.Next(3)).AddHours(random.Next(10)).ToString("O"),
                    text = onTopic ? "Thoughts on #bcsm today" : "Clinic day",
                    hashtags = onTopic ? new[] { "bcsm" } : Array.Empty<string>(),
                    urls = science ? new[] { $"https://doi.org/10.1000/{a}.{i}" } : Array.Empty<string>(),
                    likes = random.Next(200), reposts = random.Next(30),
                    reply_to = reply ? new { post_id = $"{target * 1000}", account_id = $"{target}" } : null,
                    mentions = reply ? new[] { $"{target}" } : Array.Empty<string>(),
                });
            }
        }
    }
}
