using System.IO.Compression;
using System.Text;
using DolMapper.Web.Ingestion;
using DolMapper.Web.Ingestion.Import;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>A migrated test database with the real importer on it, and ways to look at what it holds.</summary>
public sealed class ImportDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _directory = TestPaths.NewTempDirectory("import");

    private ImportDatabase(string connectionString, string appConnectionString, QuarantineLimits? quarantineLimits)
    {
        ConnectionString = connectionString;
        // Built as the app builds its own.
        _dataSource = DolMapper.Web.Data.DolMapperDataSource.Create(appConnectionString);
        Importer = new FileImporter(_dataSource, new IngestionWriter(_dataSource), NullLogger<FileImporter>.Instance, quarantineLimits);
    }

    public string ConnectionString { get; }
    public FileImporter Importer { get; }
    public NpgsqlDataSource DataSource => _dataSource;

    /// <param name="appConnection">Changes the importer's connection string (e.g. a short command timeout, one pooled connection).</param>
    public static async Task<ImportDatabase> CreateAsync(PostgresFixture postgres, Action<NpgsqlConnectionStringBuilder>? appConnection = null, QuarantineLimits? quarantineLimits = null)
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var app = new NpgsqlConnectionStringBuilder(connectionString);
        appConnection?.Invoke(app);
        return new ImportDatabase(connectionString, app.ConnectionString, quarantineLimits);
    }

    /// <summary>The importer and the look-ups on a database that exists already.</summary>
    public static Task<ImportDatabase> AttachAsync(string connectionString) =>
        Task.FromResult(new ImportDatabase(connectionString, connectionString, null));

    /// <summary>Writes <paramref name="lines"/> to a file (gzip when the name ends in .gz).</summary>
    public string WriteFile(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_directory, name);
        var content = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(content);
        }
        else
        {
            File.WriteAllBytes(path, content);
        }
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public Task<ImportReport> ImportAsync(IEnumerable<string> lines, bool admin = true, int batchSize = ImportOptions.DefaultBatchSize) =>
        ImportFileAsync(WriteFile($"import-{Guid.NewGuid():N}.jsonl", lines), admin, batchSize);

    public Task<ImportReport> ImportFileAsync(string path, bool admin = true, int batchSize = ImportOptions.DefaultBatchSize) =>
        Importer.ImportFilesAsync([path], new ImportOptions(admin, admin ? "test-admin" : "test-analyst", batchSize));

    public Task<long> CountAsync(string sql) => Sql.CountAsync(ConnectionString, sql);

    public Task<object?> ScalarAsync(string sql) => Sql.ScalarAsync(ConnectionString, sql);

    public Task<List<string>> RowsAsync(string sql) => Sql.ColumnAsync(ConnectionString, sql);

    /// <summary>
    /// Everything the import wrote, as sorted text, without the database's own ids and clocks: two
    /// databases that received the same data in any order give the same snapshot.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        parts.AddRange(await RowsAsync("""
            SELECT concat_ws('|', 'account', a.platform, a.external_id, p.public_id, a.handle, a.name, a.bio, a.location, a.country,
                a.followers, a.following, a.posts_count, a.created_on_platform_at, a.url, a.verified, a.npi, a.is_stub)
            FROM accounts a JOIN persons p ON p.id = a.person_id ORDER BY 1
            """));
        parts.AddRange(await RowsAsync("""
            SELECT concat_ws('|', 'person', public_id, display_name, country, npi) FROM persons ORDER BY 1
            """));
        parts.AddRange(await RowsAsync("""
            SELECT concat_ws('|', 'post', p.platform, p.external_id, a.external_id, p.created_at, p.text, p.lang,
                p.reply_to_post_external_id, p.reply_to_account_external_id, p.quote_of_post_external_id,
                p.quote_of_account_external_id, p.repost_of_post_external_id, p.repost_of_account_external_id,
                p.mention_external_ids::text, p.hashtags::text, p.urls::text, p.likes, p.replies, p.reposts, p.quotes)
            FROM posts p JOIN accounts a ON a.id = p.account_id ORDER BY 1
            """));
        parts.AddRange(await RowsAsync("""
            SELECT concat_ws('|', 'interaction', s.platform, s.external_id, p.external_id, i.kind, t.external_id, i.occurred_at)
            FROM interactions i JOIN accounts s ON s.id = i.source_account_id JOIN accounts t ON t.id = i.target_account_id
            JOIN posts p ON p.account_id = i.source_account_id AND p.id = i.post_id ORDER BY 1
            """));
        parts.AddRange(await RowsAsync("SELECT concat_ws('|', 'tombstone', platform, external_id) FROM post_tombstones ORDER BY 1"));
        parts.AddRange(await RowsAsync("""
            SELECT concat_ws('|', 'relationship', r.platform, r.account_external_id, r.person_key, r.npi, r.kind, r.since, p.public_id)
            FROM crm_relationships r LEFT JOIN persons p ON p.id = r.person_id ORDER BY 1
            """));
        return string.Join('\n', parts);
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        TestPaths.DeleteQuietly(_directory);
    }
}
