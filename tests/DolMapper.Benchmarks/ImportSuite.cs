using System.Diagnostics;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Demo;
using DolMapper.Web.Ingestion.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DolMapper.Benchmarks;

/// <summary>
/// import: a new slice of posts (a second world a tenth of the scale) imported end to end (parse,
/// COPY, upsert, interactions) into a database that already holds the whole world at the scale,
/// with every index, by one, two and three writer sessions at once. Baseline in the same run, on
/// the same database: the write floor, bare binary COPY of plain post rows into <c>posts</c> by two
/// sessions at once (target: the best import at least 40% of it); informative, EF Core AddRange +
/// SaveChanges in batches of 1,000 of plain post rows.
/// </summary>
public static class ImportSuite
{
    /// <summary>End to end at least this share of what two sessions of bare binary COPY put into <c>posts</c>.</summary>
    public const double TargetShareOfFloor = 0.4;
    private static readonly int[] SessionCounts = [1, 2, 3];
    private const int EfBatch = 1_000;

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkContext context)
    {
        var scale = context.Scale;
        var results = new List<Result>();
        var baseDatabase = await EnsureWorldDatabaseAsync(context, results);
        var runDatabase = $"bench_{scale.Name}_run";

        var delta = context.File($"delta-{scale.Name}.jsonl.gz");
        var deltaOptions = new DemoWorldOptions { Persons = scale.Persons / 10, Posts = scale.Posts / 10, Seed = 2 };
        if (!File.Exists(delta))
        {
            await DemoWorldWriter.WriteFileAsync(deltaOptions, delta, truthPath: null);
        }

        // Each import goes into a fresh copy of the loaded world, so runs are comparable: one writer
        // session, then two and three at once (split by author), the floors once after the first.
        var imports = new List<(int Sessions, double Rate, ImportReport Report)>();
        long existing = 0;
        (long Posts, double Seconds, List<(int Sessions, double Rate)> Floors) baselines = (0, 0, []);
        foreach (var sessions in SessionCounts)
        {
            await context.CopyDatabaseAsync(baseDatabase, runDatabase);
            existing = Convert.ToInt64(await context.ScalarAsync("SELECT count(*) FROM posts", runDatabase), System.Globalization.CultureInfo.InvariantCulture);
            await using var app = await context.OpenAppAsync(runDatabase);
            var report = await app.Services.GetRequiredService<FileImporter>().ImportFilesAsync([delta], new ImportOptions(true, "benchmark", WriterSessions: sessions));
            var posts = report.Counts.PostsNew + report.Counts.PostsUpdated + report.Counts.PostsUnchanged + report.Counts.PostsTombstoned;
            imports.Add((sessions, posts / report.Elapsed.TotalSeconds, report));
            if (sessions == 1)
            {
                baselines = await BaselinesAsync(app, context.ConnectionString(runDatabase), scale);
            }
        }

        var (efPosts, efSeconds, floors) = baselines;
        var efRate = efPosts / efSeconds;
        var twoSessionFloor = floors.Single(f => f.Sessions == 2).Rate;
        var best = imports.MaxBy(i => i.Rate);
        results.Add(new Result("import", scale, $"posts/s end to end into {existing:N0} posts (best: {best.Sessions} writer session{(best.Sessions > 1 ? "s" : "")})", best.Rate, "posts/s",
            "binary COPY write floor, 2 sessions", twoSessionFloor, best.Rate / twoSessionFloor, $"≥ {TargetShareOfFloor:P0} of the two-session floor",
            best.Rate / twoSessionFloor >= TargetShareOfFloor,
            $"{best.Report.Lines:N0} lines ({best.Report.Counts.PostsNew:N0} new posts, {best.Report.Counts.AccountsNew:N0} accounts, {best.Report.Counts.Interactions:N0} interactions) in {best.Report.Elapsed.TotalSeconds:0.0} s on {Environment.ProcessorCount} cores (the database on the same machine)"));
        foreach (var (sessions, rate, report) in imports)
        {
            results.Add(new Result("import", scale, $"end to end with {sessions} writer session{(sessions > 1 ? "s" : "")}", rate, "posts/s",
                $"EF Core AddRange+SaveChanges ×{EfBatch:N0}", efRate, rate / efRate, "(informative)", null,
                $"{report.Lines:N0} lines in {report.Elapsed.TotalSeconds:0.0} s; {rate / twoSessionFloor:P0} of the two-session floor; EF: {efPosts:N0} posts in {efSeconds:0.0} s"));
        }
        // What the table itself accepts: the least any import of these posts must pay.
        foreach (var (sessions, floorRate) in floors)
        {
            results.Add(new Result("import", scale, $"write floor: binary COPY of plain post rows into posts, {sessions} session{(sessions > 1 ? "s" : "")} at once", floorRate, "posts/s",
                "—", null, null, "(informative: no parsing, no de-duplication, no interactions)", null,
                $"the same {efPosts:N0} posts as the EF baseline, straight into the table with its indexes"));
        }
        return results;
    }

    /// <summary>
    /// The database "bench_SCALE" holding the whole world at the scale, loaded once through the
    /// importer and kept for later runs (and for the other suites).
    /// </summary>
    public static async Task<string> EnsureWorldDatabaseAsync(BenchmarkContext context, List<Result> results)
    {
        var scale = context.Scale;
        var baseDatabase = $"bench_{scale.Name}";
        var world = GenerateSuite.WorldFile(context);
        if (!File.Exists(world))
        {
            Console.Error.WriteLine($"Generating {world} first");
            await DemoWorldWriter.WriteFileAsync(GenerateSuite.WorldOptions(scale), world, truthPath: null);
        }
        if (await context.ScalarAsync($"SELECT 1 FROM pg_database WHERE datname = '{baseDatabase}'") is null
            || await context.ScalarAsync("SELECT to_regclass('bench_ready')::text", baseDatabase) is null
            || !await SchemaIsCurrentAsync(context, baseDatabase))
        {
            Console.Error.WriteLine($"Loading the {scale.Name} world into {baseDatabase} (once; kept for later runs)");
            await context.ExecuteAsync($"DROP DATABASE IF EXISTS {baseDatabase} WITH (FORCE)");
            // The check above may have left pooled connections to the dropped database: none may be reused.
            Npgsql.NpgsqlConnection.ClearAllPools();
            await context.ExecuteAsync($"CREATE DATABASE {baseDatabase}");
            await using var app = await context.OpenAppAsync(baseDatabase);
            var load = await app.Services.GetRequiredService<FileImporter>().ImportFilesAsync([world], new ImportOptions(true, "benchmark"));
            await context.ExecuteAsync("VACUUM ANALYZE", baseDatabase);
            await context.ExecuteAsync("CREATE TABLE bench_ready (loaded_at timestamptz NOT NULL DEFAULT now(), posts bigint)", baseDatabase);
            await context.ExecuteAsync($"INSERT INTO bench_ready (posts) VALUES ({load.Counts.PostsNew})", baseDatabase);
            results.Add(new Result("import", scale, "initial load into an empty database", load.Counts.PostsNew / load.Elapsed.TotalSeconds, "posts/s",
                "—", null, null, "(informative)", null, $"{load.Lines:N0} lines in {load.Elapsed.TotalSeconds:0.0} s"));
        }

        return baseDatabase;
    }

    /// <summary>
    /// Plain posts of a third world, inserted with EF Core the ordinary way, accounts prepared
    /// beforehand (not timed); then the same posts written again (under other ids) with binary COPY
    /// straight into <c>posts</c> by one and by two sessions at once: the table's write floor.
    /// </summary>
    private static async Task<(long Posts, double Seconds, List<(int Sessions, double Rate)> Floors)> BaselinesAsync(
        DolMapper.Web.Infrastructure.DolMapperApp app, string connectionString, Scale scale)
    {
        var options = new DemoWorldOptions { Persons = Math.Max(100, scale.Persons / 100), Posts = Math.Min(100_000, scale.Posts / 10), Seed = 3 };
        var world = DemoWorld.Build(options);
        using var buffer = new MemoryStream();
        await DemoWorldWriter.WriteAsync(world, buffer, compress: false);
        buffer.Position = 0;
        var posts = new List<PostRecord>();
        await foreach (var line in JsonLinesReader.ReadAsync(buffer))
        {
            if (line.Record is PostRecord { Deleted: false } post)
            {
                posts.Add(post);
            }
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DolMapperDbContext>();
        var now = DateTime.UtcNow;
        foreach (var account in world.Accounts)
        {
            var person = new Person { PublicId = $"ef-{account.Platform}:{account.Id}", CreatedAt = now, UpdatedAt = now };
            db.Add(new Account { Platform = account.Platform, ExternalId = "ef-" + account.Id, Person = person, Handle = account.Handle, FirstSeenAt = now, UpdatedAt = now });
        }
        await db.SaveChangesAsync();
        var ids = await db.Accounts.Where(a => a.ExternalId.StartsWith("ef-")).ToDictionaryAsync(a => (a.Platform, a.ExternalId.Substring(3)), a => a.Id);
        db.ChangeTracker.Clear();

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < posts.Count; i += EfBatch)
        {
            db.Posts.AddRange(posts.Skip(i).Take(EfBatch).Select(p => new Post
            {
                AccountId = ids[(p.Platform, p.AccountId!)],
                Platform = p.Platform,
                ExternalId = "ef-" + p.Id,
                CreatedAt = p.CreatedAt!.Value,
                Text = p.Text,
                Lang = p.Lang,
                ReplyToPostExternalId = p.ReplyTo?.PostId,
                ReplyToAccountExternalId = p.ReplyTo?.AccountId,
                QuoteOfPostExternalId = p.QuoteOf?.PostId,
                QuoteOfAccountExternalId = p.QuoteOf?.AccountId,
                RepostOfPostExternalId = p.RepostOf?.PostId,
                RepostOfAccountExternalId = p.RepostOf?.AccountId,
                MentionExternalIds = [.. p.Mentions ?? []],
                Hashtags = [.. p.Hashtags ?? []],
                Urls = [.. p.Urls ?? []],
                Likes = p.Likes ?? 0,
                Replies = p.Replies ?? 0,
                Reposts = p.Reposts ?? 0,
                Quotes = p.Quotes ?? 0,
                ObservedAt = now,
                FirstSeenAt = now,
                UpdatedAt = now,
            }));
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        var efSeconds = stopwatch.Elapsed.TotalSeconds;

        var floors = new List<(int, double)>();
        foreach (var sessions in new[] { 1, 2 })
        {
            stopwatch.Restart();
            await Task.WhenAll(Enumerable.Range(0, sessions).Select(session => Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var writer = await connection.BeginBinaryImportAsync("""
                    COPY posts (account_id, platform, external_id, created_at, text, lang, reply_to_post_external_id, reply_to_account_external_id,
                                quote_of_post_external_id, quote_of_account_external_id, repost_of_post_external_id, repost_of_account_external_id,
                                mention_external_ids, hashtags, urls, likes, replies, reposts, quotes, observed_at, first_seen_at, updated_at) FROM STDIN (FORMAT BINARY)
                    """);
                for (var i = session; i < posts.Count; i += sessions)
                {
                    var p = posts[i];
                    writer.StartRow();
                    writer.Write(ids[(p.Platform, p.AccountId!)], NpgsqlTypes.NpgsqlDbType.Bigint);
                    writer.Write(p.Platform, NpgsqlTypes.NpgsqlDbType.Varchar);
                    writer.Write($"cp{sessions}-{p.Id}", NpgsqlTypes.NpgsqlDbType.Text);
                    writer.Write(p.CreatedAt!.Value, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    WriteText(writer, p.Text);
                    WriteText(writer, p.Lang);
                    WriteText(writer, p.ReplyTo?.PostId);
                    WriteText(writer, p.ReplyTo?.AccountId);
                    WriteText(writer, p.QuoteOf?.PostId);
                    WriteText(writer, p.QuoteOf?.AccountId);
                    WriteText(writer, p.RepostOf?.PostId);
                    WriteText(writer, p.RepostOf?.AccountId);
                    writer.Write(p.Mentions?.ToArray() ?? [], NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text);
                    writer.Write(p.Hashtags?.ToArray() ?? [], NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text);
                    writer.Write(p.Urls?.ToArray() ?? [], NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text);
                    writer.Write(p.Likes ?? 0, NpgsqlTypes.NpgsqlDbType.Integer);
                    writer.Write(p.Replies ?? 0, NpgsqlTypes.NpgsqlDbType.Integer);
                    writer.Write(p.Reposts ?? 0, NpgsqlTypes.NpgsqlDbType.Integer);
                    writer.Write(p.Quotes ?? 0, NpgsqlTypes.NpgsqlDbType.Integer);
                    writer.Write(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    writer.Write(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    writer.Write(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                }
                await writer.CompleteAsync();
            })));
            floors.Add((sessions, posts.Count / stopwatch.Elapsed.TotalSeconds));
        }
        return (posts.Count, efSeconds, floors);
    }

    private static void WriteText(NpgsqlBinaryImporter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.Write(value, NpgsqlTypes.NpgsqlDbType.Text);
        }
    }

    /// <summary>
    /// Whether a kept world database was made by this build's migrations: one made before a schema
    /// change (or before the migrations were squashed) is loaded again rather than refused at start-up.
    /// </summary>
    private static async Task<bool> SchemaIsCurrentAsync(BenchmarkContext context, string database)
    {
        if (await context.ScalarAsync("SELECT to_regclass('__ef_migrations_history')::text", database) is null)
        {
            return false;
        }
        var applied = await context.ScalarAsync("SELECT string_agg(migration_id, ',' ORDER BY migration_id) FROM __ef_migrations_history", database) as string;
        var known = string.Join(",", typeof(DolMapper.Web.Data.DolMapperDbContext).Assembly.GetTypes()
            .Select(t => t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false).OfType<Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute>().FirstOrDefault()?.Id)
            .OfType<string>().Order(StringComparer.Ordinal));
        return applied == known;
    }
}
