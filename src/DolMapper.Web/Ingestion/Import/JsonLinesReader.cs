using System.Buffers;
using ICSharpCode.SharpZipLib;
using ICSharpCode.SharpZipLib.GZip;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace DolMapper.Web.Ingestion.Import;

/// <summary>A line of an import: a valid record, or a rejection with its reason.</summary>
public readonly record struct ImportLine(ImportRecord? Record, RejectedLine? Rejected);

/// <summary>
/// Streams a JSON Lines file (plain or gzip, recognised by its content, not its name) line by line
/// in bounded memory: a line is never held beyond <see cref="MaxLineBytes"/>, so one huge or
/// endless line is rejected without reading it whole. Blank lines are skipped; every other line
/// yields a record or a rejection carrying its 1-based line number.
/// </summary>
public static class JsonLinesReader
{
    /// <summary>Longer lines are rejected (the longest real post or profile is a few kilobytes).</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>How much of a rejected line is kept in quarantine.</summary>
    public const int MaxRawChars = 64 * 1024;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Opens a file for reading, decompressing it when it starts with the gzip signature.</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return IsGzip(file) ? Gunzip(file) : file;
    }

    /// <summary>
    /// Wraps a stream of a file as stored (which need not be seekable) so it reads decompressed,
    /// when it starts with the gzip signature.
    /// </summary>
    public static async Task<Stream> DecompressIfGzipAsync(Stream raw, CancellationToken cancellationToken = default)
    {
        var head = new byte[2];
        var read = await raw.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, cancellationToken);
        Stream whole = new PrefixedStream(head.AsMemory(0, read), raw);
        return read == 2 && head[0] == 0x1f && head[1] == 0x8b ? Gunzip(whole) : whole;
    }

    /// <summary>
    /// Decompresses gzip (every member of a concatenated file), checking each member's length and
    /// CRC. System.IO.Compression's GZipStream ends quietly where a truncated file ends, so half a
    /// file would import as complete; this one throws, and <see cref="ReadAsync"/> turns that into
    /// <see cref="TruncatedInputException"/>.
    /// </summary>
    private static Stream Gunzip(Stream compressed) => new GZipInputStream(compressed) { IsStreamOwner = true };

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    public static async IAsyncEnumerable<ImportLine> ReadAsync(
        Stream stream, int maxLineBytes = MaxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16, leaveOpen: true));
        long lineNumber = 0;
        var skippingLongLine = false;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(cancellationToken);
                }
                catch (Exception e) when (e is SharpZipBaseException or EndOfStreamException or InvalidDataException)
                {
                    throw new TruncatedInputException(lineNumber, e);
                }
                var buffer = result.Buffer;
                var lines = new List<ImportLine>();

                while (TryTakeLine(ref buffer, out var line))
                {
                    if (skippingLongLine)
                    {
                        // The end of a line already rejected as too long.
                        skippingLongLine = false;
                        continue;
                    }
                    lineNumber++;
                    // A whole long line can arrive in one read, newline included: the limit holds for it too.
                    if (line.Length > maxLineBytes)
                    {
                        lines.Add(TooLong(lineNumber, maxLineBytes, line));
                    }
                    else if (Handle(line, lineNumber) is { } handled)
                    {
                        lines.Add(handled);
                    }
                }

                if (buffer.Length > maxLineBytes && !skippingLongLine)
                {
                    lineNumber++;
                    skippingLongLine = true;
                    lines.Add(TooLong(lineNumber, maxLineBytes, buffer));
                }
                if (skippingLongLine)
                {
                    buffer = buffer.Slice(buffer.End);
                }

                if (result.IsCompleted && !buffer.IsEmpty)
                {
                    // A last line without a newline.
                    lineNumber++;
                    if (Handle(buffer, lineNumber) is { } last)
                    {
                        lines.Add(last);
                    }
                    buffer = buffer.Slice(buffer.End);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);

                foreach (var item in lines)
                {
                    yield return item;
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static ImportLine? Handle(ReadOnlySequence<byte> sequence, long lineNumber)
    {
        ReadOnlySpan<byte> line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
        if (lineNumber == 1 && line.StartsWith(Utf8Bom))
        {
            line = line[Utf8Bom.Length..];
        }
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.Trim(" \t"u8).IsEmpty)
        {
            return null;
        }
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            return Reject(lineNumber, "the line is not valid UTF-8", line);
        }
        try
        {
            return new ImportLine(ImportLineParser.Parse(line, lineNumber), null);
        }
        catch (ImportLineException e)
        {
            return Reject(lineNumber, e.Message, line);
        }
    }

    private static ImportLine TooLong(long lineNumber, int maxLineBytes, ReadOnlySequence<byte> line) =>
        Reject(lineNumber, $"the line is longer than {maxLineBytes:N0} bytes", line.Slice(0, Math.Min(line.Length, 1024)));

    private static ImportLine Reject(long lineNumber, string reason, ReadOnlySequence<byte> raw) =>
        Reject(lineNumber, reason, raw.IsSingleSegment ? raw.FirstSpan : raw.ToArray());

    private static ImportLine Reject(long lineNumber, string reason, ReadOnlySpan<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw.Length > MaxRawChars * 4 ? raw[..(MaxRawChars * 4)] : raw);
        if (text.Length > MaxRawChars)
        {
            text = text[..MaxRawChars];
        }
        return new ImportLine(null, new RejectedLine(lineNumber, reason, text));
    }
}

/// <summary>
/// A compressed input ended before its end: the lines before <see cref="LastLine"/> (the last one
/// read whole) were read; everything after it is missing.
/// </summary>
public sealed class TruncatedInputException(long lastLine, Exception inner)
    : IOException($"the compressed data ends unexpectedly after line {lastLine:N0} ({inner.Message}); the file is cut short or damaged", inner)
{
    public long LastLine { get; } = lastLine;
}
