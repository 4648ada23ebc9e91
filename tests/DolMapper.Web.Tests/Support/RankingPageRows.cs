using System.Text.RegularExpressions;

namespace DolMapper.Web.Tests.Support;

/// <summary>The persons of a rankings page's rows, in order (their ids, from each row's selection checkbox).</summary>
public static partial class RankingPageRows
{
    public static async Task<List<string>> ReadAsync(HttpClient client, string page) =>
        [.. RowPattern().Matches(await client.GetStringAsync(page)).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<tr data-testid=\"row\">\\n<td><input class=\"form-check-input\" type=\"checkbox\" name=\"ids\" value=\"([^\"]+)\"")]
    private static partial Regex RowPattern();
}
