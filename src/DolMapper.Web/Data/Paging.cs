namespace DolMapper.Web.Data;

/// <summary>Where a page of rows starts. A page number comes from the address bar, so any int must give a valid OFFSET.</summary>
public static class Paging
{
    /// <summary>The rows before page <paramref name="page"/> (1-based; anything below 1 is page 1), as a long so a huge page number cannot overflow.</summary>
    public static long Offset(int page, int pageSize) => ((long)Math.Max(1, page) - 1) * pageSize;
}
