using DolMapper.Scoring.Insights;
using DolMapper.Web.Infrastructure.Jobs;
using System.Diagnostics;
using System.Text.Json;
using DolMapper.Scoring;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace DolMapper.Web.Scoring;

/// <summary>What a scoring run did.</summary>
public sealed record ScoringRunReport(long? RunId, string Profile, int Version, bool Complete, int Persons, DateTime? Snapshot, TimeSpan Elapsed, string Message);

/// <summary>
/// One scoring run of a profile's latest version (docs/scoring.md): keep the HCP classification
/// current, flag bot-like accounts, aggregate the window in SQL, compute the ten signals and
/// PageRank in memory, and write the scores with COPY. The run row says "running" until the scores
/// and the "complete" status commit together, so readers of the latest complete run never see half
/// a run; a failure marks the run failed with the reason and leaves the previous one in place.
/// Holds the profile's cross-process lock, so the job and the <c>score</c> verb never overlap.
/// </summary>
public sealed class ScoringRunner(
    NpgsqlDataSource dataSource, CrossProcessLock locks, HcpClassificationService classification, ScoringProfiles profiles, ILogger<ScoringRunner> logger)
{
    /// <summary>How peer trust is read in a topic; the default is the topic graph. Tests set the other to compare (docs/scoring.md).</summary>
    internal TopicPeerTrust TopicPeerTrust { get; set; } = TopicPeerTrust.TopicGraph;

    /// <summary>Whether a topic-scoped run keeps its topic's trends (docs/insights.md); the benchmark turns it off to measure what keeping them costs.</summary>
    internal bool KeepTrends { get; set; } = true;

    public async Task<IReadOnlyList<ScoringRunReport>> RunAsync(string? profileName, string triggeredBy, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredProfile> targets;
        if (profileName is not null)
        {
            var one = await profiles.LatestAsync(profileName, cancellationToken);
            targets = one is null ? throw new StartupException($"no scoring profile named '{profileName}'.") : [one];
        }
        else
        {
            targets = await profiles.LatestAsync(activeOnly: true, cancellationToken);
        }
        var reports = new List<ScoringRunReport>();
        foreach (var profile in targets)
        {
            reports.Add(await RunAsync(profile, triggeredBy, progress, cancellationToken));
        }
        return reports;
    }

    public async Task<ScoringRunReport> RunAsync(StoredProfile profile, string triggeredBy, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var definition = profile.Definition;
        var problems = definition.Validate();
        if (problems.Count > 0)
        {
            return new ScoringRunReport(null, definition.Name, profile.Version, false, 0, null, clock.Elapsed, "the profile is not valid: " + string.Join(" ", problems));
        }
        progress?.Report($"{definition.Name}: waiting for the scoring lock");
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Scoring(definition.Name), cancellationToken: cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ScoringInputLoader.PrepareSessionAsync(connection, cancellationToken);
        var timings = new Dictionary<string, double>();
        void Mark(string step, Stopwatch watch)
        {
            timings[step] = Math.Round(watch.Elapsed.TotalSeconds, 3);
            watch.Restart();
        }

        var step = Stopwatch.StartNew();
        progress?.Report($"{definition.Name}: classifying persons");
        var classified = await classification.ClassifyAsync(cancellationToken);
        Mark("classify", step);

        var snapshot = await ScoringInputLoader.SnapshotAsync(connection, cancellationToken);
        var runId = await StartRunAsync(connection, profile, snapshot ?? DateTime.UtcNow, triggeredBy, cancellationToken);
        // While this connection is open the run is known to be worked on; after a crash, recovery marks it failed.
        await RunLiveness.HoldAsync(connection, RunLiveness.Scoring, runId, cancellationToken);
        var stages = new RunStages(connection, runId, definition.Name, definition.IsPatient ? 1 : 5, progress);
        try
        {
            if (snapshot is null)
            {
                throw new ScoringRunException("no posts in the database yet: import or ingest some first.");
            }
            if (definition.IsPatient)
            {
                return await RunPatientsAsync(connection, runId, profile, snapshot.Value, timings, clock, stages, cancellationToken);
            }
            var inputs = new ScoringInputs
            {
                Snapshot = snapshot.Value,
                WindowDays = definition.WindowDays,
                From = snapshot.Value.AddDays(-definition.WindowDays),
            };
            // Three streams on three connections: the per-account aggregation of the window's posts
            // in PostgreSQL and the scholarly links overlap with reading persons, accounts and
            // interactions into memory. Then bot-like accounts (from those counts and engagement),
            // the topic expansion (bots left out), and one scan for relevance (which needs the
            // topic) and congress hashtags (which need the window's tags).
            await stages.EnterAsync(1, "aggregating the window's posts and reading the network", cancellationToken);
            var profileTags = definition.Hashtags.ToArray();
            var aggregation = Task.Run(async () =>
            {
                await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
                await ScoringInputLoader.PrepareSessionAsync(c, cancellationToken);
                await ScoringInputLoader.LoadPostAggregatesAsync(c, inputs, profileTags, cancellationToken);
            }, cancellationToken);
            var links = Task.Run(async () =>
            {
                await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
                await ScoringInputLoader.LoadScholarlyAsync(c, inputs, cancellationToken);
            }, cancellationToken);
            try
            {
                await ScoringInputLoader.LoadPersonsAndAccountsAsync(connection, inputs, cancellationToken);
                Mark("persons", step);
                await ScoringInputLoader.LoadInteractionsAsync(connection, inputs, cancellationToken);
                Mark("interactions", step);
                await ScoringInputLoader.LoadRelationshipsAsync(connection, inputs, cancellationToken);
                var candidates = Enumerable.Range(0, inputs.PersonIds.Length)
                    .Where(p => inputs.Profession[p] is "physician" or "researcher" && !inputs.OptedOut[p]).ToList();
                await ScoringInputLoader.LoadPublicationsAsync(connection, inputs, candidates, cancellationToken);
                Mark("relationships_publications", step);
            }
            finally
            {
                // Never leave the other two streams running behind a failed run (their own
                // failure, if any, surfaces just below or is the lesser one).
                await Task.WhenAll(aggregation, links).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            await Task.WhenAll(aggregation, links);
            Mark("posts", step);

            await stages.EnterAsync(2, "flagging bot-like accounts", cancellationToken);
            inputs.BotAccounts = await ScoringInputLoader.FlagBotsAsync(connection, inputs, cancellationToken);
            Mark("bots", step);

            await stages.EnterAsync(3, "expanding the topic", cancellationToken);
            long windowPosts = 0, withProfileTag = 0;
            foreach (var ap in inputs.Posts)
            {
                if (inputs.AccountIndex.TryGetValue(ap.AccountId, out var a) && inputs.AccountBot[a])
                {
                    continue;
                }
                windowPosts += ap.Posts;
                withProfileTag += ap.ProfileTagged;
            }
            if (windowPosts == 0)
            {
                throw new ScoringRunException($"no posts in the window of {definition.WindowDays} days ending {snapshot:yyyy-MM-dd HH:mm} UTC.");
            }
            var tagCounts = await ScoringInputLoader.TagCountsAsync(connection, inputs.From, inputs.Snapshot, profileTags, cancellationToken);
            inputs.WindowPosts = windowPosts;
            inputs.PostsWithProfileTag = withProfileTag;
            inputs.Expansion = TopicExpansion.Expand(profileTags, tagCounts, windowPosts, withProfileTag);
            inputs.TopicTags = [.. profileTags, .. inputs.Expansion.Select(e => e.Tag)];
            var congressTags = tagCounts.Select(t => t.Tag).Where(ScoringVocabulary.IsCongressHashtag).ToArray();
            Mark("topic", step);

            await stages.EnterAsync(3, "reading the topic and congress hashtags", cancellationToken);
            // Relevance is a signal of the population only: over everything, only the texts of the
            // HCPs at the profile's confidence and the silent profiles the behaviour model may add
            // (SignalComputation) are searched for keywords; the topic's graph needs every post's.
            var mayBeScored = new List<long>();
            foreach (var ap in inputs.Posts)
            {
                if (inputs.AccountIndex.TryGetValue(ap.AccountId, out var a) && !inputs.AccountBot[a] && inputs.AccountPerson[a] is var p and >= 0
                    && !inputs.OptedOut[p] && (inputs.IsHcp(p, definition.MinHcpConfidence) || inputs.Uninformative[p]))
                {
                    mayBeScored.Add(ap.AccountId);
                }
            }
            // The topic's trends (docs/insights.md) from the topic's own posts, read while the scan is at hand.
            var trends = definition.TopicScoped && KeepTrends ? new TopicTrends(inputs.Snapshot, definition.WindowDays, ConcernClassifier.Default.IsConcern) : null;
            // The profile's products (docs/insights.md): in a topic-scoped run their mentions are
            // counted in the topic's posts, read here with the trends; otherwise by a scan of their own.
            var products = KeepTrends ? await ProductLists.ForProfileAsync(connection, profile.ProfileId, cancellationToken) : [];
            var mentions = products.Count > 0 && trends is not null ? new ProductMentions(products, inputs.From, inputs.Snapshot) : null;
            void ReadTopicPost(long postId, long accountId, DateTime createdAt, string? text, string[]? hashtags, string[]? urls, long engagement)
            {
                if (inputs.AccountIndex.TryGetValue(accountId, out var a) && !inputs.AccountBot[a] && inputs.AccountPerson[a] is var p and >= 0 && !inputs.OptedOut[p])
                {
                    var hcp = inputs.IsHcp(p, definition.MinHcpConfidence);
                    trends!.Add(new TrendPost(postId, inputs.PersonIds[p], hcp, createdAt, text, hashtags, urls, engagement, accountId));
                    if (hcp && createdAt > inputs.From && createdAt <= inputs.Snapshot)
                    {
                        mentions?.Add(new ProductPost(postId, accountId, inputs.PersonIds[p], createdAt, text, engagement));
                    }
                }
            }
            await ScoringInputLoader.LoadTopicAsync(connection, inputs, definition.Keywords, definition.TopicScoped, [.. mayBeScored], congressTags, cancellationToken,
                trends is null ? null : ReadTopicPost);
            if (definition.TopicScoped)
            {
                ScoringInputLoader.CountTopicPublications(inputs, definition.Keywords);
            }
            Mark("topic_congresses", step);

            await stages.EnterAsync(4, "computing signals and PageRank", cancellationToken);
            var computed = SignalComputation.Compute(inputs, definition, TopicPeerTrust);
            Mark("signals", step);
            if (computed.Population.Length == 0)
            {
                throw new ScoringRunException(
                    $"nobody to score: no person classified as an HCP with confidence ≥ {definition.MinHcpConfidence} posted in the window ending {snapshot:yyyy-MM-dd}.");
            }

            await stages.EnterAsync(5, $"writing {computed.Population.Length:N0} scores", cancellationToken);
            var details = new Dictionary<string, object?>
            {
                ["window"] = new { from = inputs.From, to = inputs.Snapshot, days = definition.WindowDays },
                ["posts_in_window"] = windowPosts,
                ["posts_with_profile_hashtag"] = withProfileTag,
                ["topic_hashtags"] = profileTags,
                ["topic_expansion"] = inputs.Expansion.Select(e => new { tag = e.Tag, with_profile_hashtag = e.WithProfileTag, posts = e.Posts, lift = Math.Round(e.Lift, 2) }),
                ["keywords"] = definition.Keywords,
                ["bot_like_accounts"] = inputs.BotAccounts,
                ["classification"] = new { model_version = classified.ModelVersion, classified = classified.Classified },
                ["opted_out_persons"] = inputs.OptedOut.Count(o => o),
            };
            foreach (var (key, value) in computed.Details)
            {
                details[key] = value;
            }
            if (trends is not null)
            {
                var items = trends.Build();
                var concerns = trends.BuildConcerns();
                await WriteTrendsAsync(connection, runId, items, concerns, cancellationToken);
                details["trends"] = new { posts = trends.Posts, items = items.Count, rising = items.Count(i => i.Status == TrendStatus.Rising), emerging = items.Count(i => i.Status == TrendStatus.Emerging), concern_themes = concerns.Count };
                Mark("trends", step);
            }
            if (products.Count > 0)
            {
                await stages.EnterAsync(5, "counting product mentions", cancellationToken);
                mentions ??= await CountProductMentionsAsync(connection, inputs, definition, products, cancellationToken);
                var (weeks, summaries, persons) = mentions.Build();
                await WriteProductsAsync(connection, runId, weeks, summaries, persons, cancellationToken);
                details["products"] = new { products = products.Count, mentions = mentions.Mentions };
                Mark("products", step);
            }
            await WriteAsync(connection, runId, inputs, computed, details, timings, step, clock, cancellationToken);
            await AnalyzeNotRankedAsync(connection, computed.NotRanked.Count);
            var message = $"{definition.Name} v{profile.Version}: scored {computed.Population.Length:N0} persons over {windowPosts:N0} posts (window ending {snapshot:yyyy-MM-dd}) in {clock.Elapsed.TotalSeconds:0.0} s; run {runId}.";
            logger.LogInformation("Scoring run complete: {Message}", message);
            return new ScoringRunReport(runId, definition.Name, profile.Version, true, computed.Population.Length, snapshot, clock.Elapsed, message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e is ScoringRunException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await FailRunAsync(runId, reason);
            logger.LogWarning(e is ScoringRunException ? null : e, "Scoring run {RunId} of {Profile} failed: {Reason}", runId, definition.Name, reason);
            return new ScoringRunReport(runId, definition.Name, profile.Version, false, 0, snapshot, clock.Elapsed,
                $"{definition.Name} v{profile.Version}: the run failed: {reason} The previous complete run is still the one shown.");
        }
        catch (OperationCanceledException)
        {
            await FailRunAsync(runId, "cancelled");
            throw;
        }
        finally
        {
            await RunLiveness.ReleaseAsync(connection, RunLiveness.Scoring, runId);
        }
    }

    /// <summary>
    /// A patient profile's run (<see cref="PatientScoringRun"/>): its rows and the "complete" status
    /// commit together, and someone who opted out meanwhile is not published with it.
    /// </summary>
    private async Task<ScoringRunReport> RunPatientsAsync(NpgsqlConnection connection, long runId, StoredProfile profile, DateTime snapshot,
        Dictionary<string, double> timings, Stopwatch clock, RunStages stages, CancellationToken cancellationToken)
    {
        var definition = profile.Definition;
        await stages.EnterAsync(1, "reading patient influencers' posts and who engages them", cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (count, details) = await PatientScoringRun.ScoreAsync(connection, runId, definition, snapshot, cancellationToken);
        await using (var optedOut = new NpgsqlCommand($"DELETE FROM patient_scores WHERE run_id = {runId} AND person_id IN ({Data.OptOutSql.OptedOutPersons})", connection, transaction))
        {
            await optedOut.ExecuteNonQueryAsync(cancellationToken);
        }
        timings["total"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
        details["seconds"] = timings;
        await using (var complete = new NpgsqlCommand($"""
            UPDATE scoring_runs SET status = '{RunStatuses.Complete}', completed_at = now(), person_count = @count, details = @details::jsonb WHERE id = @id
            """, connection, transaction))
        {
            complete.Parameters.AddWithValue("id", runId);
            complete.Parameters.AddWithValue("count", count);
            complete.Parameters.AddWithValue("details", JsonSerializer.Serialize(details));
            await complete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        var message = $"{definition.Name} v{profile.Version}: ranked {count:N0} patient influencers (window ending {snapshot:yyyy-MM-dd}) in {clock.Elapsed.TotalSeconds:0.0} s; run {runId}.";
        logger.LogInformation("Scoring run complete: {Message}", message);
        return new ScoringRunReport(runId, definition.Name, profile.Version, true, count, snapshot, clock.Elapsed, message);
    }

    /// <summary>The run's topic trends, their days and its concern themes (binary COPY); pages read them once the run is complete.</summary>
    private static async Task WriteTrendsAsync(NpgsqlConnection connection, long runId, IReadOnlyList<TrendItem> items, IReadOnlyList<ConcernTheme> concerns, CancellationToken cancellationToken)
    {
        using (var copy = await connection.BeginBinaryImportAsync("COPY topic_concern_themes (run_id, theme, rank, posts, hcp_authors, example_post_ids, example_account_ids) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var rank = 0;
            foreach (var theme in concerns)
            {
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(theme.Theme, NpgsqlDbType.Text);
                copy.Write(++rank, NpgsqlDbType.Integer);
                copy.Write(theme.Posts, NpgsqlDbType.Integer);
                copy.Write(theme.HcpAuthors, NpgsqlDbType.Integer);
                copy.Write(theme.ExamplePosts.Select(e => e.PostId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(theme.ExamplePosts.Select(e => e.AccountId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        using (var copy = await connection.BeginBinaryImportAsync("COPY person_concern_themes (run_id, person_id, theme, posts) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var theme in concerns)
            {
                foreach (var (person, posts) in theme.Voices)
                {
                    copy.StartRow();
                    copy.Write(runId, NpgsqlDbType.Bigint);
                    copy.Write(person, NpgsqlDbType.Bigint);
                    copy.Write(theme.Theme, NpgsqlDbType.Text);
                    copy.Write(posts, NpgsqlDbType.Integer);
                }
            }
            await copy.CompleteAsync(cancellationToken);
        }
        using (var copy = await connection.BeginBinaryImportAsync(
            "COPY topic_trends (run_id, kind, item, status, rank, trend_score, posts_recent, posts_baseline, hcp_authors_recent, public_authors_recent, " +
            "posts_window, hcp_posts_window, hcp_authors_window, engagement_window, driver_person_ids, driver_posts, example_post_ids, example_account_ids) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var rank = 0;
            foreach (var item in items)
            {
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(item.Kind, NpgsqlDbType.Varchar);
                copy.Write(item.Item, NpgsqlDbType.Text);
                copy.Write(item.Status, NpgsqlDbType.Varchar);
                copy.Write(++rank, NpgsqlDbType.Integer);
                copy.Write(item.TrendScore, NpgsqlDbType.Double);
                copy.Write(item.PostsRecent, NpgsqlDbType.Integer);
                copy.Write(item.PostsBaseline, NpgsqlDbType.Double);
                copy.Write(item.HcpAuthorsRecent, NpgsqlDbType.Integer);
                copy.Write(item.PublicAuthorsRecent, NpgsqlDbType.Integer);
                copy.Write(item.PostsWindow, NpgsqlDbType.Integer);
                copy.Write(item.HcpPostsWindow, NpgsqlDbType.Integer);
                copy.Write(item.HcpAuthorsWindow, NpgsqlDbType.Integer);
                copy.Write(item.EngagementWindow, NpgsqlDbType.Bigint);
                copy.Write(item.Drivers.Select(d => d.PersonId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(item.Drivers.Select(d => d.Posts).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
                copy.Write(item.ExamplePosts.Select(e => e.PostId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(item.ExamplePosts.Select(e => e.AccountId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        using (var copy = await connection.BeginBinaryImportAsync("COPY topic_trend_days (run_id, kind, item, day, posts, hcp_posts, engagement) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var item in items)
            {
                foreach (var day in item.Days)
                {
                    copy.StartRow();
                    copy.Write(runId, NpgsqlDbType.Bigint);
                    copy.Write(item.Kind, NpgsqlDbType.Varchar);
                    copy.Write(item.Item, NpgsqlDbType.Text);
                    copy.Write(day.Day, NpgsqlDbType.Date);
                    copy.Write(day.Posts, NpgsqlDbType.Integer);
                    copy.Write(day.HcpPosts, NpgsqlDbType.Integer);
                    copy.Write(day.Engagement, NpgsqlDbType.Bigint);
                }
            }
            await copy.CompleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// For a profile read over everything (no topic scan to ride on): reads the window's HCP posts
    /// that name a product of the profile (HCPs at the profile's confidence, reposts left out:
    /// amplifying is not mentioning), a cheap LIKE on the names first, then the whole-word match and
    /// the tone in <see cref="ProductMentions"/>.
    /// </summary>
    private static async Task<ProductMentions> CountProductMentionsAsync(NpgsqlConnection connection, ScoringInputs inputs, ProfileDefinition definition,
        IReadOnlyList<ProductDefinition> products, CancellationToken cancellationToken)
    {
        var mentions = new ProductMentions(products, inputs.From, inputs.Snapshot);
        var accounts = new List<long>();
        foreach (var ap in inputs.Posts)
        {
            if (inputs.AccountIndex.TryGetValue(ap.AccountId, out var a) && !inputs.AccountBot[a] && inputs.AccountPerson[a] is var p and >= 0
                && !inputs.OptedOut[p] && inputs.IsHcp(p, definition.MinHcpConfidence))
            {
                accounts.Add(ap.AccountId);
            }
        }
        await using var command = new NpgsqlCommand("""
            SELECT p.id, p.account_id, p.created_at, p.text, p.likes + p.reposts + p.quotes
            FROM posts p
            WHERE p.account_id = ANY(@accounts) AND p.created_at > @from AND p.created_at <= @to AND p.deleted_at IS NULL
              AND p.repost_of_post_external_id IS NULL AND lower(p.text) LIKE ANY(@likes)
            """, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("accounts", accounts.ToArray());
        command.Parameters.AddWithValue("from", inputs.From);
        command.Parameters.AddWithValue("to", inputs.Snapshot);
        command.Parameters.AddWithValue("likes", mentions.Names.Select(n => Data.Like.Containing(n)).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var account = reader.GetInt64(1);
            var person = inputs.PersonIds[inputs.AccountPerson[inputs.AccountIndex[account]]];
            mentions.Add(new ProductPost(reader.GetInt64(0), account, person, reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
        }
        return mentions;
    }

    /// <summary>The run's product weeks, summaries and per-person mentions (binary COPY).</summary>
    private static async Task WriteProductsAsync(NpgsqlConnection connection, long runId, IReadOnlyList<DolMapper.Scoring.Insights.ProductWeek> weeks,
        IReadOnlyList<DolMapper.Scoring.Insights.ProductSummary> summaries, IReadOnlyList<PersonProductMentions> persons, CancellationToken cancellationToken)
    {
        using (var copy = await connection.BeginBinaryImportAsync(
            "COPY product_summaries (run_id, product, rank, competitors, launch_date, mentions, hcp_authors, positive, negative, neutral, " +
            "driver_person_ids, driver_mentions, example_post_ids, example_account_ids, example_tones) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            var rank = 0;
            foreach (var s in summaries.OrderByDescending(s => s.Mentions).ThenBy(s => s.Product, StringComparer.Ordinal))
            {
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(s.Product, NpgsqlDbType.Text);
                copy.Write(++rank, NpgsqlDbType.Integer);
                copy.Write(s.Competitors.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                if (s.LaunchDate is { } launch) copy.Write(launch, NpgsqlDbType.Date); else copy.WriteNull();
                copy.Write(s.Mentions, NpgsqlDbType.Integer);
                copy.Write(s.HcpAuthors, NpgsqlDbType.Integer);
                copy.Write(s.Positive, NpgsqlDbType.Integer);
                copy.Write(s.Negative, NpgsqlDbType.Integer);
                copy.Write(s.Neutral, NpgsqlDbType.Integer);
                copy.Write(s.Drivers.Select(d => d.PersonId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(s.Drivers.Select(d => d.Mentions).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
                copy.Write(s.Examples.Select(e => e.PostId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(s.Examples.Select(e => e.AccountId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(s.Examples.Select(e => e.Tone).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        using (var copy = await connection.BeginBinaryImportAsync(
            "COPY product_weeks (run_id, product, week, hcp_mentions, hcp_authors, share_of_voice, positive, negative, neutral) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var w in weeks)
            {
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(w.Product, NpgsqlDbType.Text);
                copy.Write(w.Week, NpgsqlDbType.Date);
                copy.Write(w.HcpMentions, NpgsqlDbType.Integer);
                copy.Write(w.HcpAuthors, NpgsqlDbType.Integer);
                if (w.ShareOfVoice is { } share) copy.Write(share, NpgsqlDbType.Double); else copy.WriteNull();
                copy.Write(w.Positive, NpgsqlDbType.Integer);
                copy.Write(w.Negative, NpgsqlDbType.Integer);
                copy.Write(w.Neutral, NpgsqlDbType.Integer);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        using (var copy = await connection.BeginBinaryImportAsync(
            "COPY person_product_mentions (run_id, person_id, product, mentions, positive, negative, neutral) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var m in persons)
            {
                copy.StartRow();
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(m.PersonId, NpgsqlDbType.Bigint);
                copy.Write(m.Product, NpgsqlDbType.Text);
                copy.Write(m.Mentions, NpgsqlDbType.Integer);
                copy.Write(m.Positive, NpgsqlDbType.Integer);
                copy.Write(m.Negative, NpgsqlDbType.Integer);
                copy.Write(m.Neutral, NpgsqlDbType.Integer);
            }
            await copy.CompleteAsync(cancellationToken);
        }
    }

    private static async Task<long> StartRunAsync(NpgsqlConnection connection, StoredProfile profile, DateTime snapshot, string triggeredBy, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO scoring_runs (profile_id, profile_version_id, status, started_at, data_snapshot_at, person_count, triggered_by)
            VALUES (@profile, @version, '{RunStatuses.Running}', now(), @snapshot, 0, @by) RETURNING id
            """, connection);
        command.Parameters.AddWithValue("profile", profile.ProfileId);
        command.Parameters.AddWithValue("version", profile.VersionId);
        command.Parameters.AddWithValue("snapshot", snapshot);
        command.Parameters.AddWithValue("by", triggeredBy);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task FailRunAsync(long runId, string reason)
    {
        // A fresh connection: the run's own may be in a broken state.
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"UPDATE scoring_runs SET status = '{RunStatuses.Failed}', completed_at = now(), error = @error WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", runId);
        command.Parameters.AddWithValue("error", reason);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task WriteAsync(
        NpgsqlConnection connection, long runId, ScoringInputs inputs, ComputedRun computed, Dictionary<string, object?> details,
        Dictionary<string, double> timings, Stopwatch step, Stopwatch clock, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", Questions.All) + ", " + string.Join(", ", Questions.All.Select(q => q + "_raw"));
        // person_scores is partitioned by run (the initial migration): the run's
        // rows go into a table of their own, committed but invisible (it is no partition yet), so
        // that its indexes can be built on two connections at once while a third writes the
        // evidence; attaching it then finds its indexes ready, and the run turns complete in the
        // same transaction. A failure before that drops the table and the evidence again.
        var partition = $"person_scores_run_{runId}";
        try
        {
            // The table is made (and later indexed, attached or dropped) by functions that run with
            // the schema owner's rights: the application's own role owns nothing (docs/security.md).
            await using (var create = new NpgsqlCommand("SELECT dolmapper_run_scores_create(@run)", connection))
            {
                create.Parameters.AddWithValue("run", runId);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            using (var copy = await connection.BeginBinaryImportAsync(
                $"COPY {partition} (run_id, person_id, score, rank, tier, profession, specialty, country, {columns}, contributions, relationship_kind, search_text) FROM STDIN (FORMAT BINARY)",
                cancellationToken))
            {
                // Synchronous writes: the importer buffers, and an await per field costs more than the data.
                var result = computed.Result;
                var search = ScoringInputLoader.SearchTexts(inputs, computed.Population);
                for (var i = 0; i < computed.Population.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var p = computed.Population[i];
                    copy.StartRow();
                    copy.Write(runId, NpgsqlDbType.Bigint);
                    copy.Write(inputs.PersonIds[p], NpgsqlDbType.Bigint);
                    copy.Write(result.Scores[i], NpgsqlDbType.Double);
                    copy.Write(result.Ranks[i], NpgsqlDbType.Integer);
                    copy.Write(result.Tiers[i], NpgsqlDbType.Text);
                    WriteNullable(copy, computed.Profession(p));
                    WriteNullable(copy, inputs.Specialty[p]);
                    WriteNullable(copy, inputs.Country[p]);
                    for (var q = 0; q < Questions.Count; q++)
                    {
                        copy.Write(result.Signals[q][i], NpgsqlDbType.Double);
                    }
                    for (var q = 0; q < Questions.Count; q++)
                    {
                        copy.Write(computed.Table.Raw[q][i], NpgsqlDbType.Double);
                    }
                    copy.Write(result.Contributions[i], NpgsqlDbType.Array | NpgsqlDbType.Double);
                    WriteNullable(copy, inputs.Relationships.TryGetValue(p, out var relationship) ? relationship.Kind : null);
                    WriteNullable(copy, search[i]);
                }
                copy.Complete();
            }
            var scoresWritten = step.Elapsed.TotalSeconds;

            // The partitioned table's indexes, built on the run's table as attaching would build them,
            // on two connections at once (dolmapper_run_scores_index shares the statements out).
            var builders = Enumerable.Range(0, 2).Select(b => Task.Run(async () =>
            {
                await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
                await using (var memory = new NpgsqlCommand("SET maintenance_work_mem = '256MB'", c))
                {
                    await memory.ExecuteNonQueryAsync(cancellationToken);
                }
                await using var command = new NpgsqlCommand("SELECT dolmapper_run_scores_index(@run, @part, 2)", c) { CommandTimeout = 0 };
                command.Parameters.AddWithValue("run", runId);
                command.Parameters.AddWithValue("part", b);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }, cancellationToken)).ToList();
            // The evidence apart (person_score_evidence): rankings read the narrow rows above.
            var evidence = Task.Run(async () =>
            {
                await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
                using var copy = await c.BeginBinaryImportAsync("COPY person_score_evidence (run_id, person_id, evidence) FROM STDIN (FORMAT BINARY)", cancellationToken);
                for (var i = 0; i < computed.Population.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    copy.StartRow();
                    copy.Write(runId, NpgsqlDbType.Bigint);
                    copy.Write(inputs.PersonIds[computed.Population[i]], NpgsqlDbType.Bigint);
                    copy.Write(computed.Evidence(i), NpgsqlDbType.Jsonb);
                }
                copy.Complete();
            }, cancellationToken);
            try
            {
                await Task.WhenAll([.. builders, evidence]);
            }
            finally
            {
                await Task.WhenAll([.. builders, evidence]).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            var built = step.Elapsed.TotalSeconds;

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The HCPs the relevance floor or the market left out, with the reason (the rankings' "not ranked here").
            using (var notRanked = await connection.BeginBinaryImportAsync("COPY person_not_ranked (run_id, person_id, reason, search_text) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                var search = ScoringInputLoader.SearchTexts(inputs, [.. computed.NotRanked.Select(n => n.Person)]);
                for (var i = 0; i < computed.NotRanked.Count; i++)
                {
                    var person = computed.NotRanked[i];
                    notRanked.StartRow();
                    notRanked.Write(runId, NpgsqlDbType.Bigint);
                    notRanked.Write(inputs.PersonIds[person.Person], NpgsqlDbType.Bigint);
                    notRanked.Write(person.Reason, NpgsqlDbType.Text);
                    WriteNullable(notRanked, search[i]);
                }
                notRanked.Complete();
            }
            // Someone who opted out (or was erased) while the run computed is not published with it.
            await using (var optedOut = new NpgsqlCommand($"""
                DELETE FROM {partition} WHERE person_id IN ({Data.OptOutSql.OptedOutPersons});
                DELETE FROM person_score_evidence WHERE run_id = {runId} AND person_id IN ({Data.OptOutSql.OptedOutPersons});
                DELETE FROM person_not_ranked WHERE run_id = {runId} AND person_id IN ({Data.OptOutSql.OptedOutPersons});
                """, connection, transaction))
            {
                await optedOut.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var attach = new NpgsqlCommand("SELECT dolmapper_run_scores_attach(@run)", connection, transaction))
            {
                attach.Parameters.AddWithValue("run", runId);
                attach.CommandTimeout = 0;
                await attach.ExecuteNonQueryAsync(cancellationToken);
            }
            timings["write"] = Math.Round(step.Elapsed.TotalSeconds, 3);
            // Where the write's time goes: the scores' COPY; indexes and evidence (at once); attaching (keys checked).
            timings["write_scores"] = Math.Round(scoresWritten, 3);
            timings["write_indexes_evidence"] = Math.Round(built - scoresWritten, 3);
            timings["write_attach"] = Math.Round(step.Elapsed.TotalSeconds - built, 3);
            timings["total"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            details["seconds"] = timings;
            await using (var complete = new NpgsqlCommand($"""
                UPDATE scoring_runs SET status = '{RunStatuses.Complete}', completed_at = now(), person_count = @count, details = @details::jsonb WHERE id = @id
                """, connection, transaction))
            {
                complete.Parameters.AddWithValue("id", runId);
                complete.Parameters.AddWithValue("count", computed.Population.Length);
                complete.Parameters.AddWithValue("details", JsonSerializer.Serialize(details));
                await complete.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            // Nothing of a run that did not complete stays behind (its status says why; see FailRunAsync).
            await using var c = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await using var clean = new NpgsqlCommand($"""
                DELETE FROM person_score_evidence WHERE run_id = {runId};
                SELECT dolmapper_run_scores_drop({runId});
                """, c);
            await clean.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// A run's "not ranked here" rows are new to the planner until autovacuum gets to them: it took a
    /// run's 18,000 rows for 60, and a name search on the rankings page read them through the wrong
    /// index. Counted once the run is complete; a failure here leaves the run complete and is logged.
    /// </summary>
    private async Task AnalyzeNotRankedAsync(NpgsqlConnection connection, int rows)
    {
        if (rows == 0)
        {
            return;
        }
        try
        {
            await using var analyze = new NpgsqlCommand("SELECT dolmapper_analyze(ARRAY['person_not_ranked'])", connection) { CommandTimeout = 0 };
            await analyze.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            logger.LogWarning(e, "Could not analyze person_not_ranked after a run; searches of who is not ranked may be slow until autovacuum does.");
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }
}

/// <summary>A run that cannot complete for a reason the user should read (not a bug).</summary>
public sealed class ScoringRunException(string message) : Exception(message);
