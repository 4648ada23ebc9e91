using System.Globalization;
using System.Net;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>A platform said "too many requests" and when to come back.</summary>
public sealed class RateLimitedException(string platform, DateTimeOffset resetAt)
    : Exception($"{platform} rate limit reached; it resets at {resetAt:yyyy-MM-dd HH:mm:ss} UTC")
{
    public string Platform { get; } = platform;
    public DateTimeOffset ResetAt { get; } = resetAt;
}

/// <summary>Reads each platform's own rate-limit headers (issue 4; the platforms' API documentation).</summary>
public static class RateLimits
{
    /// <summary>
    /// When a 429 says the limit resets: X <c>x-rate-limit-reset</c> and Bluesky <c>ratelimit-reset</c>
    /// (epoch seconds), Mastodon <c>X-RateLimit-Reset</c> (an ISO 8601 time), or <c>Retry-After</c>
    /// (seconds or an HTTP date) from anyone; a minute from now when none says.
    /// </summary>
    public static DateTimeOffset ResetAt(HttpResponseMessage response, DateTimeOffset now)
    {
        foreach (var name in new[] { "x-rate-limit-reset", "ratelimit-reset" })
        {
            if (Header(response, name) is { } epoch && long.TryParse(epoch, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }
        if (Header(response, "X-RateLimit-Reset") is { } iso
            && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return now + delta;
            }
            if (retryAfter.Date is { } date)
            {
                return date;
            }
        }
        return now.AddMinutes(1);
    }

    public static bool IsRateLimited(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.TooManyRequests;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
