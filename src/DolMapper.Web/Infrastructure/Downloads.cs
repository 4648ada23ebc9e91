using System.Globalization;
using System.Text;
using CsvHelper;

namespace DolMapper.Web.Infrastructure;

/// <summary>What every file the product hands out shares: safe file names and CSV cells that cannot run as formulas.</summary>
public static class Downloads
{
    /// <summary>A file-name-safe form of a name: lower-case letters and digits, one dash between words; <paramref name="fallback"/> when nothing is left.</summary>
    public static string Slug(string value, string fallback = "export")
    {
        var builder = new StringBuilder();
        foreach (var c in value.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        return builder.ToString().Trim('-') is { Length: > 0 } slug ? slug : fallback;
    }

    /// <summary>
    /// A CSV writer as every export writes: RFC 4180 with CRLF, numbers in the invariant culture,
    /// no neutralising of its own (text cells go through <see cref="CsvText"/>, so numbers stay numbers).
    /// </summary>
    public static CsvWriter CsvWriter(TextWriter output) =>
        CsvHelper.CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.None, NewLine = "\r\n", FormatProvider = CultureInfo.InvariantCulture }, true);

    /// <summary>Starts <paramref name="response"/> as a CSV download named <paramref name="fileName"/>, never cached.</summary>
    public static void StartCsv(HttpResponse response, string fileName)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>
    /// A CSV text cell that cannot run as a formula: = + - @ tab or CR first gets a leading
    /// apostrophe, and so does a cell whose first character after leading white space and line
    /// breaks is one of = + - @ (spreadsheets skip a leading line feed or space and run "\n=cmd" all
    /// the same).
    /// </summary>
    public static string CsvText(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var first = value.AsSpan().TrimStart(" \t\r\n\v\f");
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' || (!first.IsEmpty && first[0] is '=' or '+' or '-' or '@')
            ? "'" + value
            : value;
    }
}
