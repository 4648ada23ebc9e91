namespace DolMapper.Web.Ingestion.Sources;

/// <summary>
/// Stops a paginated pass whose server does not page: a page link or cursor it already gave, or a
/// page holding nothing this pass has not already read. Without it, a server that ignores
/// <c>min_id</c> or repeats a <c>next_token</c> keeps a pass asking for ever.
/// </summary>
public sealed class PageGuard(string source)
{
    private readonly HashSet<string> _cursors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _items = new(StringComparer.Ordinal);

    /// <summary>Why the pass stopped early, or null while it may go on.</summary>
    public string? Stopped { get; private set; }

    /// <summary>The cursor the pass started from (a stored one, so a server that hands it back is caught).</summary>
    public void Start(string? cursor)
    {
        if (cursor is not null)
        {
            _cursors.Add(cursor);
        }
    }

    /// <summary>
    /// Takes in a page's item keys and its link to the next page; false when the pass should not
    /// follow that link (<see cref="Stopped"/> says why).
    /// </summary>
    public bool MayFollow(string? next, IEnumerable<string> items)
    {
        var count = 0;
        var fresh = 0;
        foreach (var item in items)
        {
            count++;
            if (_items.Add(item))
            {
                fresh++;
            }
        }
        if (count > 0 && fresh == 0)
        {
            Stopped = $"Stopped early: the {source} server sent a page that holds only items this pass had already read, so it is not paging forward. " +
                "What was read is stored and the cursor is kept; check the source's base URL (it may not be a real " + source + " server) before running again.";
            return false;
        }
        if (next is not null && !_cursors.Add(next))
        {
            Stopped = $"Stopped early: the {source} server gave a page link or cursor it had already given ({Shorten(next)}), so it is not paging forward. " +
                "What was read is stored and the cursor is kept; check the source's base URL (it may not be a real " + source + " server) before running again.";
            return false;
        }
        return true;
    }

    private static string Shorten(string value) => value.Length <= 120 ? value : value[..117] + "...";
}
