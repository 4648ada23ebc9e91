namespace DolMapper.Web.Features.Profiles;

/// <summary>Where a stored post can be read on its platform.</summary>
public static class PostLinks
{
    /// <summary>
    /// X: x.com/handle/status/id; Bluesky: the at:// URI's DID and record key on bsky.app;
    /// Mastodon: the status URI (an https address on its instance). Null when no address is known.
    /// </summary>
    public static string? Url(string platform, string externalId, string? handle)
    {
        switch (platform)
        {
            case "x" when externalId.All(char.IsAsciiDigit):
                return $"https://x.com/{Uri.EscapeDataString(string.IsNullOrEmpty(handle) ? "i" : handle.TrimStart('@'))}/status/{externalId}";
            case "bluesky" when externalId.StartsWith("at://", StringComparison.Ordinal):
                var parts = externalId["at://".Length..].Split('/');
                return parts.Length == 3 && parts[1] == "app.bsky.feed.post"
                    ? $"https://bsky.app/profile/{Uri.EscapeDataString(parts[0])}/post/{Uri.EscapeDataString(parts[2])}"
                    : null;
            default:
                return Uri.TryCreate(externalId, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri.ToString() : null;
        }
    }
}
