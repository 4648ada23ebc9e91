namespace DolMapper.Web.Features.Overview;

/// <summary>How long ago something happened, in the words a reader scans: "just now", "12 min ago", "3 h ago", "4 days ago".</summary>
public static class Freshness
{
    public static string Ago(DateTime utc, DateTime? now = null)
    {
        var elapsed = (now ?? DateTime.UtcNow) - utc;
        return elapsed.TotalMinutes switch
        {
            < 1 => "just now",
            < 90 => $"{(int)elapsed.TotalMinutes} min ago",
            < 48 * 60 => $"{(int)elapsed.TotalHours} h ago",
            _ => $"{(int)elapsed.TotalDays} days ago",
        };
    }
}
