using System.IO.Compression;
using System.Text;
using DolMapper.Web.Ingestion.Import;

namespace DolMapper.Web.Tests.Ingestion;

public class JsonLinesReaderTests
{
    private const string Account = """{"type":"account","platform":"x","id":"1001","handle":"@drjanedoe","name":"Jane Doe, MD","bio":"Breast oncologist. Views my own.","location":"Boston, MA","country":"us","followers":15230,"following":812,"posts_count":9123,"created_at":"2012-03-01T00:00:00Z","url":"https://example.org/jd","verified":false,"person":"p-77"}""";
    private const string Post = """{"type":"post","platform":"x","id":"5001","account_id":"1001","created_at":"2026-10-02T14:03:00Z","text":"New phase 3 data in #breastcancer https://doi.org/10.1000/xyz","lang":"en","reply_to":{"post_id":"4999","account_id":"1002"},"quote_of":null,"repost_of":null,"mentions":["1002"],"hashtags":["#BreastCancer"],"urls":["https://doi.org/10.1000/xyz"],"likes":40,"replies":3,"reposts":12,"quotes":1,"deleted":false}""";
    private const string Relationship = """{"type":"relationship","platform":"x","account_id":"1001","kind":"advisory_board","since":"2024-05-01"}""";

    private static async Task<List<ImportLine>> ReadAsync(byte[] content, int maxLineBytes = JsonLinesReader.MaxLineBytes)
    {
        var lines = new List<ImportLine>();
        await foreach (var line in JsonLinesReader.ReadAsync(new MemoryStream(content), maxLineBytes))
        {
            lines.Add(line);
        }
        return lines;
    }

    private static Task<List<ImportLine>> ReadAsync(string content) => ReadAsync(Encoding.UTF8.GetBytes(content));

    [Fact]
    public async Task The_contract_examples_parse_into_records()
    {
        var lines = await ReadAsync(string.Join('\n', Account, Post, Relationship) + "\n");

        Assert.All(lines, l => Assert.Null(l.Rejected));
        var account = Assert.IsType<AccountRecord>(lines[0].Record);
        Assert.Equal(("x", "1001", "drjanedoe", "US", 15230L, "p-77"), (account.Platform, account.Id, account.Handle, account.Country, account.Followers, account.Person));
        Assert.Equal(new DateTime(2012, 3, 1, 0, 0, 0, DateTimeKind.Utc), account.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, account.CreatedAt!.Value.Kind);

        var post = Assert.IsType<PostRecord>(lines[1].Record);
        Assert.Equal(new PostReference("4999", "1002"), post.ReplyTo);
        Assert.Null(post.QuoteOf);
        Assert.Equal(["breastcancer"], post.Hashtags);
        Assert.Equal(["1002"], post.Mentions);
        Assert.Equal((40, 3, 12, 1), (post.Likes!.Value, post.Replies!.Value, post.Reposts!.Value, post.Quotes!.Value));
        Assert.Equal(2, post.LineNumber);

        var relationship = Assert.IsType<RelationshipRecord>(lines[2].Record);
        Assert.Equal(new DateOnly(2024, 5, 1), relationship.Since);
    }

    [Theory]
    [InlineData("""{"type":"post","platform":"x","id":""", "not valid JSON")]
    [InlineData("""[1,2,3]""", "must be a JSON object, not an array")]
    [InlineData("""{"platform":"x","id":"1"}""", "missing required field 'type'")]
    [InlineData("""{"type":"tweet","platform":"x","id":"1"}""", "unknown type 'tweet'")]
    [InlineData("""{"type":"account","platform":"x"}""", "missing required field 'id'")]
    [InlineData("""{"type":"account","platform":"myspace","id":"1"}""", "field 'platform' is 'myspace'")]
    [InlineData("""{"type":"account","platform":"x","id":1001}""", "field 'id' must be a string, not a number")]
    [InlineData("""{"type":"account","platform":"x","id":"1","followers":"many"}""", "field 'followers' must be a whole number, not a string")]
    [InlineData("""{"type":"account","platform":"x","id":"1","followers":-5}""", "cannot be negative")]
    [InlineData("""{"type":"account","platform":"x","id":"1","country":"USA"}""", "ISO 3166-1 alpha-2")]
    [InlineData("""{"type":"post","platform":"x","id":"1","account_id":"2"}""", "missing required field 'created_at'")]
    [InlineData("""{"type":"post","platform":"x","id":"1","account_id":"2","created_at":"yesterday"}""", "expected an ISO 8601 time")]
    [InlineData("""{"type":"post","platform":"x","id":"1","account_id":"2","created_at":"2026-01-01T00:00:00Z","hashtags":"oncology"}""", "field 'hashtags' must be an array of strings")]
    [InlineData("""{"type":"post","platform":"x","id":"1","account_id":"2","created_at":"2026-01-01T00:00:00Z","reply_to":"4999"}""", "field 'reply_to' must be an object")]
    [InlineData("""{"type":"relationship","platform":"x","account_id":"1","kind":"friend"}""", "field 'kind' is 'friend'")]
    [InlineData("""{"type":"relationship","kind":"speaker"}""", "must name platform and account_id, or person, or npi")]
    public async Task A_bad_line_is_rejected_with_its_number_and_reason_and_the_rest_is_read(string bad, string reason)
    {
        var lines = await ReadAsync(string.Join('\n', Account, bad, Post));

        Assert.IsType<AccountRecord>(lines[0].Record);
        var rejected = Assert.IsType<RejectedLine>(lines[1].Rejected);
        Assert.Equal(2, rejected.LineNumber);
        Assert.Contains(reason, rejected.Reason);
        Assert.Equal(bad, rejected.Raw);
        var post = Assert.IsType<PostRecord>(lines[2].Record);
        Assert.Equal(3, post.LineNumber);
    }

    [Fact]
    public async Task A_deletion_needs_only_platform_and_id()
    {
        var lines = await ReadAsync("""{"type":"post","platform":"bluesky","id":"at://did:plc:abc/app.bsky.feed.post/3k","deleted":true}""");
        var post = Assert.IsType<PostRecord>(Assert.Single(lines).Record);
        Assert.True(post.Deleted);
        Assert.Null(post.AccountId);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_null_counts_as_absent()
    {
        var lines = await ReadAsync("""{"type":"account","platform":"mastodon","id":"jane@med.social","handle":null,"followers":null,"future_field":{"x":[1,2]}}""");
        var account = Assert.IsType<AccountRecord>(Assert.Single(lines).Record);
        Assert.Null(account.Handle);
        Assert.Null(account.Followers);
    }

    [Fact]
    public async Task Blank_lines_crlf_a_bom_and_a_missing_final_newline_are_all_fine()
    {
        var content = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Account + "\r\n\r\n   \n" + Post)).ToArray();
        var lines = await ReadAsync(content);
        Assert.Equal(2, lines.Count);
        Assert.Equal(1, lines[0].Record!.LineNumber);
        Assert.Equal(4, lines[1].Record!.LineNumber);
    }

    [Fact]
    public async Task Invalid_utf8_is_rejected_with_its_line_number()
    {
        var bad = Encoding.UTF8.GetBytes("""{"type":"account","platform":"x","id":"1","name":"Caf""").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var content = Encoding.UTF8.GetBytes(Account + "\n").Concat(bad).Concat(Encoding.UTF8.GetBytes("\n" + Post + "\n")).ToArray();

        var lines = await ReadAsync(content);

        Assert.Equal(3, lines.Count);
        Assert.Equal((2L, "the line is not valid UTF-8"), (lines[1].Rejected!.LineNumber, lines[1].Rejected!.Reason));
        Assert.Equal(3, lines[2].Record!.LineNumber);
    }

    [Fact]
    public async Task A_10_MB_line_is_rejected_without_losing_the_lines_around_it()
    {
        var huge = """{"type":"post","platform":"x","id":"9","account_id":"1","created_at":"2026-01-01T00:00:00Z","text":""" + "\"" + new string('a', 10 * 1024 * 1024) + "\"}";
        var lines = await ReadAsync(string.Join('\n', Account, huge, Post, Relationship));

        Assert.Equal(4, lines.Count);
        Assert.Contains("longer than", lines[1].Rejected!.Reason);
        Assert.Equal(2, lines[1].Rejected!.LineNumber);
        Assert.True(lines[1].Rejected!.Raw.Length <= JsonLinesReader.MaxRawChars);
        Assert.Equal(3, lines[2].Record!.LineNumber);
        Assert.Equal(4, lines[3].Record!.LineNumber);
    }

    [Fact]
    public async Task An_empty_file_has_no_lines()
    {
        Assert.Empty(await ReadAsync(""));
    }

    [Fact]
    public async Task Gzip_is_recognised_by_its_content()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dm-import-{Guid.NewGuid():N}.data");
        try
        {
            await using (var file = File.Create(path))
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes(Account + "\n" + Post + "\n"));
            }

            var records = new List<ImportRecord>();
            await using (var stream = JsonLinesReader.Open(path))
            {
                await foreach (var line in JsonLinesReader.ReadAsync(stream))
                {
                    records.Add(line.Record!);
                }
            }
            Assert.Equal([typeof(AccountRecord), typeof(PostRecord)], records.Select(r => r.GetType()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_line_just_over_the_limit_is_rejected_even_when_its_newline_arrives_in_the_same_read()
    {
        // The whole file fits in one read of the pipe, so the long line's newline is buffered with it.
        const int limit = 200;
        var longPost = Post.Replace("New phase 3 data", new string('x', limit), StringComparison.Ordinal);
        var exactly = "{\"type\":\"account\",\"platform\":\"x\",\"id\":\"7\",\"bio\":\"";
        exactly += new string('b', limit - exactly.Length - 2) + "\"}";
        Assert.Equal(limit, Encoding.UTF8.GetByteCount(exactly));

        var lines = await ReadAsync(Encoding.UTF8.GetBytes(string.Join('\n', exactly, longPost, Relationship) + "\n"), limit);

        Assert.Equal(3, lines.Count);
        Assert.IsType<AccountRecord>(lines[0].Record);
        Assert.Equal(2, lines[1].Rejected!.LineNumber);
        Assert.Contains("longer than 200 bytes", lines[1].Rejected!.Reason);
        Assert.Equal(3, lines[2].Record!.LineNumber);
    }

    private static byte[] Gzip(string content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(content));
        }
        return memory.ToArray();
    }

    private static string ManyLines(int count) =>
        string.Concat(Enumerable.Range(1, count).Select(i => Account.Replace("\"1001\"", $"\"{i}\"", StringComparison.Ordinal) + "\n"));

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public async Task A_truncated_gzip_stream_fails_naming_the_last_line_read_whole(double keep)
    {
        var whole = Gzip(ManyLines(5_000));
        var cut = whole.AsSpan(0, (int)(whole.Length * keep)).ToArray();

        var read = new List<ImportLine>();
        var stream = await JsonLinesReader.DecompressIfGzipAsync(new MemoryStream(cut));
        var error = await Assert.ThrowsAsync<TruncatedInputException>(async () =>
        {
            await foreach (var line in JsonLinesReader.ReadAsync(stream))
            {
                read.Add(line);
            }
        });

        Assert.True(read.Count < 5_000 || keep > 0.99, $"{read.Count} lines read");
        Assert.Equal(read.Count, error.LastLine);
        Assert.All(read, l => Assert.Null(l.Rejected));
        Assert.Contains($"after line {read.Count:N0}", error.Message);
    }

    [Fact]
    public async Task Concatenated_gzip_members_are_read_to_the_end()
    {
        var content = Gzip(ManyLines(100)).Concat(Gzip(ManyLines(50))).ToArray();

        var lines = await ReadAsync(await ReadAllDecompressedAsync(content));

        Assert.Equal(150, lines.Count);
    }

    private static async Task<byte[]> ReadAllDecompressedAsync(byte[] compressed)
    {
        await using var stream = await JsonLinesReader.DecompressIfGzipAsync(new MemoryStream(compressed));
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
