using System.Globalization;
using DolMapper.Scoring.Insights;
using DolMapper.Web.Data;
using DolMapper.Web.Features.Rankings;
using DolMapper.Web.Infrastructure;
using Npgsql;

namespace DolMapper.Web.Features.Insights;

/// <summary>One item of a profile's trends as lists show it.</summary>
public sealed record TrendRow(int Rank, string Kind, string Item, string Status, double TrendScore, int PostsRecent, double PostsBaseline,
    int HcpAuthorsRecent, int PublicAuthorsRecent, int PostsWindow, int HcpPostsWindow, int HcpAuthorsWindow, long EngagementWindow);

/// <summary>An HCP who drives an item, with their posts on it.</summary>
public sealed record TrendDriver(long PersonId, string Name, string? Specialty, string? Country, int Posts);

/// <summary>A post that shows an item.</summary>
public sealed record TrendExample(long PostId, string Author, string? Handle, DateTime CreatedAt, string? Text, string? Url, long Engagement)
{
    /// <summary>The post as the import format names it: platform:id.</summary>
    public string ImportId { get; init; } = "";
}

/// <summary>A theme of concerns and unmet needs with its example posts.</summary>
public sealed record ConcernRow(string Theme, int Posts, int HcpAuthors, IReadOnlyList<TrendExample> Examples);

/// <summary>One item opened: its row, its weeks (HCP and public posts), its drivers and example posts.</summary>
public sealed record TrendDetail(TrendRow Row, IReadOnlyList<(DateOnly WeekStart, int Hcp, int Public)> Weeks, IReadOnlyList<TrendDriver> Drivers, IReadOnlyList<TrendExample> Examples);

/// <summary>A product over the run's window as the products table shows it.</summary>
public sealed record ProductRow(int Rank, string Product, IReadOnlyList<string> Competitors, DateOnly? LaunchDate, int Mentions, int HcpAuthors, int Positive, int Negative, int Neutral)
{
    /// <summary>Its share of all the window's mentions of its set (itself and its competitors, or the whole list).</summary>
    public double? ShareOfVoice { get; init; }
}

/// <summary>An example post with the tone it was read as.</summary>
public sealed record ToneExamplePost(string Tone, TrendExample Post);

/// <summary>One product opened: its row, its set's weeks, the HCPs who mention it most and a post of each tone.</summary>
public sealed record ProductDetail(ProductRow Row, IReadOnlyList<ProductWeek> Weeks, IReadOnlyList<TrendDriver> Drivers, IReadOnlyList<ToneExamplePost> Examples);

/// <summary>
/// Reads a profile's topic trends as its latest complete run stored them (docs/insights.md): pages
/// and exports read these aggregates, never the posts themselves (an opened item's example posts
/// are looked up by id). Opted-out and erased persons are left out of drivers and examples.
/// </summary>
public sealed class InsightsQuery([FromKeyedServices(Data.DolMapperDataSource.Reads)] NpgsqlDataSource dataSource, RankingQuery rankings)
{
    /// <summary>The CSV columns of <c>insights trends</c> (docs/insights.md).</summary>
    public static readonly IReadOnlyList<string> TrendsHeader = ["rank", "kind", "item", "posts_window", "posts_baseline", "hcp_authors", "trend_score", "status"];

    /// <summary>The profile's latest complete run, or null (no such profile, or no run yet).</summary>
    public Task<RankingRun?> LatestRunAsync(string profile, CancellationToken cancellationToken) => rankings.LatestRunAsync(profile, cancellationToken);

    /// <summary>Why a profile has no run to read: it has no complete run yet, or there is no such profile.</summary>
    public async Task<string> NoRunMessageAsync(string profile, CancellationToken cancellationToken) =>
        await ProfileExistsAsync(profile, cancellationToken) ? $"'{profile}' has no complete scoring run yet." : $"There is no profile called '{profile}'.";

    /// <summary>Whether the profile exists at all (a name with no run is not the same as an unknown name).</summary>
    public async Task<bool> ProfileExistsAsync(string profile, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM scoring_profiles WHERE name = @name)");
        command.Parameters.AddWithValue("name", profile);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The run's trends in rank order (or the most posted first), optionally of one kind and status, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<TrendRow>> TrendsAsync(long runId, string? kind, string? status, int? limit, CancellationToken cancellationToken, bool byVolume = false)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT rank, kind, item, status, trend_score, posts_recent, posts_baseline, hcp_authors_recent, public_authors_recent,
                   posts_window, hcp_posts_window, hcp_authors_window, engagement_window
            FROM topic_trends
            WHERE run_id = @run AND (@kind::text IS NULL OR kind = @kind) AND (@status::text IS NULL OR status = @status)
            ORDER BY CASE WHEN @byVolume THEN -posts_window ELSE 0 END, rank LIMIT @limit
            """);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)kind ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)limit ?? DBNull.Value });
        command.Parameters.AddWithValue("byVolume", byVolume);
        var rows = new List<TrendRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Row(reader));
        }
        return rows;
    }

    private static TrendRow Row(NpgsqlDataReader reader) => new(
        reader.Get<int>("rank"), reader.Get<string>("kind")!, reader.Get<string>("item")!, reader.Get<string>("status")!, reader.Get<double>("trend_score"),
        reader.Get<int>("posts_recent"), reader.Get<double>("posts_baseline"), reader.Get<int>("hcp_authors_recent"), reader.Get<int>("public_authors_recent"),
        reader.Get<int>("posts_window"), reader.Get<int>("hcp_posts_window"), reader.Get<int>("hcp_authors_window"), reader.Get<long>("engagement_window"));

    /// <summary>One item of the run opened, or null when the run did not keep it.</summary>
    public async Task<TrendDetail?> ItemAsync(long runId, string kind, string item, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        TrendRow row;
        long[] drivers, examples, exampleAccounts;
        int[] driverPosts;
        await using (var command = new NpgsqlCommand("""
            SELECT rank, kind, item, status, trend_score, posts_recent, posts_baseline, hcp_authors_recent, public_authors_recent,
                   posts_window, hcp_posts_window, hcp_authors_window, engagement_window, driver_person_ids, driver_posts, example_post_ids, example_account_ids
            FROM topic_trends WHERE run_id = @run AND kind = @kind AND item = @item
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            command.Parameters.AddWithValue("kind", kind);
            command.Parameters.AddWithValue("item", item);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            row = Row(reader);
            drivers = reader.Get<long[]>("driver_person_ids") ?? [];
            driverPosts = reader.Get<int[]>("driver_posts") ?? [];
            examples = reader.Get<long[]>("example_post_ids") ?? [];
            exampleAccounts = reader.Get<long[]>("example_account_ids") ?? [];
        }

        var weeks = new List<(DateOnly, int, int)>();
        await using (var command = new NpgsqlCommand("""
            SELECT date_trunc('week', day)::date AS week, sum(hcp_posts)::int AS hcp, sum(posts - hcp_posts)::int AS public
            FROM topic_trend_days WHERE run_id = @run AND kind = @kind AND item = @item GROUP BY 1 ORDER BY 1
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            command.Parameters.AddWithValue("kind", kind);
            command.Parameters.AddWithValue("item", item);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                weeks.Add((reader.Get<DateOnly>("week"), reader.Get<int>("hcp"), reader.Get<int>("public")));
            }
        }

        var people = await DriversAsync(connection, drivers, driverPosts, cancellationToken);

        var posts = await ExamplesAsync(connection, exampleAccounts, examples, cancellationToken);
        return new TrendDetail(row, weeks, people, posts);
    }

    /// <summary>The HCPs who drive an item or mention a product, in the order kept, with their counts; those who opted out are left out.</summary>
    private static async Task<List<TrendDriver>> DriversAsync(NpgsqlConnection connection, long[] ids, int[] counts, CancellationToken cancellationToken)
    {
        var people = new List<TrendDriver>();
        await using var command = new NpgsqlCommand($"""
            SELECT p.id, coalesce(p.display_name, '(no name)') AS name, p.specialty, p.country, d.count
            FROM unnest(@ids, @counts) WITH ORDINALITY AS d(person_id, count, n)
            JOIN persons p ON p.id = d.person_id
            WHERE p.id NOT IN ({OptOutSql.OptedOutPersons})
            ORDER BY d.n
            """, connection);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("counts", counts);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            people.Add(new TrendDriver(reader.GetInt64(0), reader.GetString(1), reader.Get<string>("specialty"), reader.Get<string>("country"), reader.GetInt32(4)));
        }
        return people;
    }

    /// <summary>
    /// Example posts by key (account, id) — found by the posts' primary key, where the id alone
    /// would scan every post — in the order given, leaving out deleted posts and persons who opted out.
    /// </summary>
    private static async Task<List<TrendExample>> ExamplesAsync(NpgsqlConnection connection, long[] accounts, long[] ids, CancellationToken cancellationToken)
    {
        var posts = new List<TrendExample>();
        await using var command = new NpgsqlCommand($"""
            SELECT x.id, coalesce(p.display_name, a.handle, '(no name)') AS author, a.handle, x.created_at, x.text, x.platform, x.external_id,
                   x.likes + x.reposts + x.quotes AS engagement
            FROM unnest(@accounts, @ids) WITH ORDINALITY AS e(account_id, post_id, n)
            JOIN posts x ON x.account_id = e.account_id AND x.id = e.post_id AND x.deleted_at IS NULL
            JOIN accounts a ON a.id = x.account_id
            JOIN persons p ON p.id = a.person_id
            WHERE p.id NOT IN ({OptOutSql.OptedOutPersons})
            ORDER BY e.n
            """, connection);
        command.Parameters.AddWithValue("accounts", accounts);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var handle = reader.Get<string>("handle");
            posts.Add(new TrendExample(reader.Get<long>("id"), reader.Get<string>("author")!, handle, reader.GetUtc("created_at")!.Value, reader.Get<string>("text"),
                Profiles.PostLinks.Url(reader.Get<string>("platform")!, reader.Get<string>("external_id")!, handle), reader.Get<long>("engagement"))
            {
                ImportId = reader.Get<string>("platform") + ":" + reader.Get<string>("external_id"),
            });
        }
        return posts;
    }

    /// <summary>The CSV columns of <c>insights concerns</c> (docs/insights.md).</summary>
    public static readonly IReadOnlyList<string> ConcernsHeader = ["theme", "posts", "hcp_authors", "example_post_ids"];

    /// <summary>The run's concern themes, the most posts first (at most <paramref name="limit"/>), each with its example posts (all looked up in one query).</summary>
    public async Task<IReadOnlyList<ConcernRow>> ConcernsAsync(long runId, CancellationToken cancellationToken, int? limit = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var themes = new List<(string Theme, int Posts, int Authors, long[] Examples, long[] Accounts)>();
        await using (var command = new NpgsqlCommand("SELECT theme, posts, hcp_authors, example_post_ids, example_account_ids FROM topic_concern_themes WHERE run_id = @run ORDER BY rank LIMIT @limit", connection))
        {
            command.Parameters.AddWithValue("run", runId);
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)limit ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                themes.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.Get<long[]>("example_post_ids") ?? [], reader.Get<long[]>("example_account_ids") ?? []));
            }
        }
        var examples = (await ExamplesAsync(connection, [.. themes.SelectMany(t => t.Accounts)], [.. themes.SelectMany(t => t.Examples)], cancellationToken)).ToDictionary(e => e.PostId);
        return [.. themes.Select(t => new ConcernRow(t.Theme, t.Posts, t.Authors, [.. t.Examples.Where(examples.ContainsKey).Select(id => examples[id])]))];
    }

    /// <summary>Writes the run's concern themes as CSV (the columns of <see cref="ConcernsHeader"/>; example posts as platform:id, space-separated); returns the rows written.</summary>
    public async Task<int> WriteConcernsCsvAsync(long runId, TextWriter output, CancellationToken cancellationToken) =>
        await WriteCsvAsync(output, ConcernsHeader, await ConcernsAsync(runId, cancellationToken), c =>
        [
            Downloads.CsvText(c.Theme), Number(c.Posts), Number(c.HcpAuthors), Downloads.CsvText(string.Join(' ', c.Examples.Select(e => e.ImportId))),
        ], cancellationToken);

    /// <summary>Writes the run's trends as CSV (the columns of <see cref="TrendsHeader"/>); returns the rows written.</summary>
    public async Task<int> WriteTrendsCsvAsync(long runId, TextWriter output, CancellationToken cancellationToken) =>
        await WriteCsvAsync(output, TrendsHeader, await TrendsAsync(runId, null, null, null, cancellationToken), t =>
        [
            Number(t.Rank), t.Kind, Downloads.CsvText(t.Item), Number(t.PostsRecent), t.PostsBaseline.ToString("0.##", CultureInfo.InvariantCulture),
            Number(t.HcpAuthorsRecent), t.TrendScore.ToString("0.##", CultureInfo.InvariantCulture), t.Status,
        ], cancellationToken);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<int> WriteCsvAsync<T>(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<T> rows, Func<T, string[]> fields, CancellationToken cancellationToken)
    {
        await using var csv = Downloads.CsvWriter(output);
        foreach (var record in rows.Select(fields).Prepend([.. header]))
        {
            foreach (var field in record)
            {
                csv.WriteField(field);
            }
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>The CSV columns of <c>insights products</c> (docs/insights.md).</summary>
    public static readonly IReadOnlyList<string> ProductsHeader = ["product", "week", "hcp_mentions", "share_of_voice", "positive", "negative", "neutral"];

    /// <summary>The run's products, the most mentioned first, each with its share of its set's mentions over the window.</summary>
    public async Task<IReadOnlyList<ProductRow>> ProductsAsync(long runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT rank, product, competitors, launch_date, mentions, hcp_authors, positive, negative, neutral
            FROM product_summaries WHERE run_id = @run ORDER BY rank
            """);
        command.Parameters.AddWithValue("run", runId);
        var rows = new List<ProductRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ProductRowOf(reader));
            }
        }
        var mentions = rows.ToDictionary(r => r.Product, r => r.Mentions, StringComparer.OrdinalIgnoreCase);
        return [.. rows.Select(r =>
        {
            var set = r.Competitors.Count > 0 ? r.Competitors.Append(r.Product) : mentions.Keys;
            var all = set.Sum(p => mentions.GetValueOrDefault(p));
            return r with { ShareOfVoice = all == 0 ? null : (double)r.Mentions / all };
        })];
    }

    private static ProductRow ProductRowOf(NpgsqlDataReader reader) => new(
        reader.Get<int>("rank"), reader.Get<string>("product")!, reader.Get<string[]>("competitors") ?? [], reader.Get<DateOnly?>("launch_date"),
        reader.Get<int>("mentions"), reader.Get<int>("hcp_authors"), reader.Get<int>("positive"), reader.Get<int>("negative"), reader.Get<int>("neutral"));

    /// <summary>The run's product weeks (of <paramref name="products"/> only, when given), by product then week.</summary>
    public async Task<IReadOnlyList<ProductWeek>> ProductWeeksAsync(long runId, IReadOnlyList<string>? products, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT w.product, w.week, w.hcp_mentions, w.hcp_authors, w.share_of_voice, w.positive, w.negative, w.neutral
            FROM product_weeks w JOIN product_summaries s ON s.run_id = w.run_id AND s.product = w.product
            WHERE w.run_id = @run AND (@products::text[] IS NULL OR w.product = ANY(@products))
            ORDER BY s.rank, w.week
            """);
        command.Parameters.AddWithValue("run", runId);
        command.Parameters.Add(new NpgsqlParameter("products", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)products?.ToArray() ?? DBNull.Value });
        var rows = new List<ProductWeek>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ProductWeek(reader.GetString(0), reader.Get<DateOnly>("week"), reader.GetInt32(2), reader.GetInt32(3), reader.Get<double?>("share_of_voice"),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
        }
        return rows;
    }

    /// <summary>One product of the run opened (its set's weeks, drivers, a post of each tone), or null when the run did not count it.</summary>
    public async Task<ProductDetail?> ProductAsync(long runId, string product, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        ProductRow row;
        long[] drivers, examples, exampleAccounts;
        int[] driverMentions;
        string[] tones;
        await using (var command = new NpgsqlCommand("""
            SELECT rank, product, competitors, launch_date, mentions, hcp_authors, positive, negative, neutral,
                   driver_person_ids, driver_mentions, example_post_ids, example_account_ids, example_tones
            FROM product_summaries WHERE run_id = @run AND product = @product
            """, connection))
        {
            command.Parameters.AddWithValue("run", runId);
            command.Parameters.AddWithValue("product", product);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            row = ProductRowOf(reader);
            drivers = reader.Get<long[]>("driver_person_ids") ?? [];
            driverMentions = reader.Get<int[]>("driver_mentions") ?? [];
            examples = reader.Get<long[]>("example_post_ids") ?? [];
            exampleAccounts = reader.Get<long[]>("example_account_ids") ?? [];
            tones = reader.Get<string[]>("example_tones") ?? [];
        }
        var people = await DriversAsync(connection, drivers, driverMentions, cancellationToken);
        var posts = (await ExamplesAsync(connection, exampleAccounts, examples, cancellationToken)).ToDictionary(e => e.PostId);
        var toned = examples.Select((id, i) => (id, Tone: i < tones.Length ? tones[i] : Tone.Neutral)).Where(e => posts.ContainsKey(e.id)).Select(e => new ToneExamplePost(e.Tone, posts[e.id])).ToList();
        await connection.CloseAsync();
        var weeks = await ProductWeeksAsync(runId, [row.Product, .. row.Competitors], cancellationToken);
        return new ProductDetail(row, weeks, people, toned);
    }

    /// <summary>Writes the run's product weeks as CSV (the columns of <see cref="ProductsHeader"/>); returns the rows written.</summary>
    public async Task<int> WriteProductsCsvAsync(long runId, TextWriter output, CancellationToken cancellationToken) =>
        await WriteCsvAsync(output, ProductsHeader, await ProductWeeksAsync(runId, null, cancellationToken), w =>
        [
            Downloads.CsvText(w.Product), w.Week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Number(w.HcpMentions),
            w.ShareOfVoice is { } share ? share.ToString("0.###", CultureInfo.InvariantCulture) : "", Number(w.Positive), Number(w.Negative), Number(w.Neutral),
        ], cancellationToken);

    /// <summary>Whether <paramref name="kind"/> is one of the item kinds.</summary>
    public static bool IsKind(string? kind) => kind is not null && TermExtractor.Kinds.Contains(kind);
}
