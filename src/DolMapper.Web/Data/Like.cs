namespace DolMapper.Web.Data;

/// <summary>Text searched with SQL LIKE: the backslash, '%' and '_' a user or a list typed match themselves (PostgreSQL's default escape is the backslash).</summary>
public static class Like
{
    /// <summary><paramref name="text"/> with its LIKE wildcards escaped.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>A LIKE pattern that finds <paramref name="text"/> anywhere.</summary>
    public static string Containing(string text) => "%" + Escape(text) + "%";
}
