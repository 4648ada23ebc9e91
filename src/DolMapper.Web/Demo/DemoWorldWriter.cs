using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace DolMapper.Web.Demo;

/// <summary>What a generation wrote.</summary>
public sealed record DemoWorldSummary(int Persons, int Accounts, long Posts, long Lines, long AccountLines, long Deletions, long Relationships, long Bytes);

/// <summary>
/// Streams a demo world as JSON Lines (docs/formats.md, "Import format"): every account once at the start of
/// the year, then the posts day by day with re-observed accounts (newer follower counts) and
/// deletions among them, then the CRM relationships. Memory is bounded by the number of accounts,
/// never by the number of posts; compression runs on a second thread.
/// </summary>
public sealed class DemoWorldWriter
{
    private const int ChunkBytes = 1 << 18;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly DemoWorld _world;
    private readonly Rng _rng;
    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkBytes + (64 << 10));
    private readonly Utf8JsonWriter _json;
    private readonly ChannelWriter<byte[]> _output;
    private readonly string?[] _lastPost;
    private readonly AliasTable _authors;
    private readonly AliasTable[] _areaAuthors;
    private readonly Dictionary<(string Platform, int Area), AliasTable> _peerTargets = [];
    private readonly Dictionary<(string Platform, int Area), AliasTable> _publicTargets = [];
    private readonly Dictionary<(string Platform, string Country, int Area), AliasTable> _localTargets = [];
    private readonly Dictionary<string, AliasTable> _communityTargets = [];
    private readonly Rng _trendRng;
    private readonly Rng _launchRng;
    private readonly Rng _eventRng;
    /// <summary>The planted events' own posts (<see cref="PlantedEvents"/>), in time order, and the next one to write.</summary>
    private readonly IReadOnlyList<PlantedEvents.PlantedPost> _plantedPosts;
    private readonly IReadOnlyList<PlantedPatients.PlantedPatientPost> _patientPosts;
    private int _nextPatientPost;
    private int _patientPostsWritten;
    private int _nextPlanted;
    /// <summary>Per person and area, the share of posts owed to the area so far (<see cref="PickArea"/>).</summary>
    private readonly double[] _areaCredit;
    /// <summary>Per person and habit (scholarly link, community hashtag), the habit owed so far (<see cref="Steady"/>).</summary>
    private readonly double[] _habitCredit;
    private const int ScholarlyHabit = 0, CommunityHabit = 1, Habits = 2;
    private readonly List<string> _mentions = new(4);
    private readonly List<string> _hashtags = new(6);
    private long _lines, _accountLines, _posts, _deletions, _relationships, _bytes, _postCounter;

    private DemoWorldWriter(DemoWorld world, ChannelWriter<byte[]> output)
    {
        _world = world;
        _rng = Rng.For(world.Options.Seed, "posts");
        _trendRng = Rng.For(world.Options.Seed, "trends");
        _launchRng = Rng.For(world.Options.Seed, "launch");
        _eventRng = Rng.For(world.Options.Seed, "events");
        _plantedPosts = PlantedEvents.Posts(world, Rng.For(world.Options.Seed, "event-posts"));
        _patientPosts = PlantedPatients.Posts(world);
        _json = new Utf8JsonWriter(_buffer, JsonOptions);
        _output = output;
        _lastPost = new string?[world.Accounts.Length];
        // Habits start at a random point of their cycle, so people do not all link a paper on the same day.
        var habitRng = Rng.For(world.Options.Seed, "habits");
        _areaCredit = new double[world.Persons.Length * WorldVocabulary.Areas.Length];
        for (var i = 0; i < _areaCredit.Length; i++)
        {
            _areaCredit[i] = habitRng.NextDouble() * 0.5;
        }
        _habitCredit = new double[world.Persons.Length * Habits];
        for (var i = 0; i < _habitCredit.Length; i++)
        {
            _habitCredit[i] = habitRng.NextDouble();
        }

        var accounts = world.Accounts;
        var persons = world.Persons;
        _authors = new AliasTable([.. accounts.Select(a => a.Index)], [.. accounts.Select(a => a.PostWeight)]);
        _areaAuthors = new AliasTable[WorldVocabulary.Areas.Length];
        for (var area = 0; area < _areaAuthors.Length; area++)
        {
            var members = accounts.Where(a => persons[a.Person].IsHcp && persons[a.Person].Affinity[area] > 0.2).ToList();
            _areaAuthors[area] = new AliasTable([.. members.Select(a => a.Index)], [.. members.Select(a => a.PostWeight * persons[a.Person].Affinity[area])]);
        }
        foreach (var platform in new[] { "x", "bluesky", "mastodon" })
        {
            var onPlatform = accounts.Where(a => a.Platform == platform && a.PeerPull > 0).ToList();
            for (var area = 0; area < WorldVocabulary.Areas.Length; area++)
            {
                var members = onPlatform.Where(a => persons[a.Person].Affinity[area] > 0.05).ToList();
                _peerTargets[(platform, area)] = new AliasTable([.. members.Select(a => a.Index)], [.. members.Select(a => a.PeerPull * persons[a.Person].Affinity[area])]);
                _publicTargets[(platform, area)] = new AliasTable([.. members.Select(a => a.Index)], [.. members.Select(a => a.PublicPull * persons[a.Person].Affinity[area])]);
            }
            // People nearby who talk about the post's area; the more local a person's voice, the more
            // their neighbours engage with them (locality shows in the audience, not only in whom one engages).
            foreach (var group in onPlatform.GroupBy(a => persons[a.Person].AudienceCountry))
            {
                for (var area = 0; area < WorldVocabulary.Areas.Length; area++)
                {
                    var members = group.Where(a => persons[a.Person].Affinity[area] > 0.05).ToList();
                    _localTargets[(platform, group.Key, area)] = new AliasTable([.. members.Select(a => a.Index)],
                        [.. members.Select(a => (a.PeerPull + a.PublicPull) * persons[a.Person].Affinity[area] * (0.2 + persons[a.Person].Traits.Locality))]);
                }
            }
            // Patient communities are patient advocates and organisations, not HCPs who care for them.
            var community = onPlatform.Where(a => persons[a.Person].Role is Role.PatientAdvocate or Role.Organisation).ToList();
            _communityTargets[platform] = new AliasTable([.. community.Select(a => a.Index)], [.. community.Select(a => a.PublicPull)]);
        }
    }

    /// <summary>
    /// Writes the world to <paramref name="path"/> (gzip when it ends in .gz) and its ground truth to
    /// <paramref name="truthPath"/>.
    /// </summary>
    public static async Task<DemoWorldSummary> WriteFileAsync(DemoWorldOptions options, string path, string? truthPath, CancellationToken cancellationToken = default)
    {
        var world = DemoWorld.Build(options);
        if (truthPath is not null)
        {
            await GroundTruth.WriteAsync(world, truthPath, cancellationToken);
        }
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return await WriteAsync(world, file, compress: path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase), cancellationToken);
    }

    /// <summary>Writes the world's JSON Lines to <paramref name="destination"/>.</summary>
    public static async Task<DemoWorldSummary> WriteAsync(DemoWorld world, Stream destination, bool compress, CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var writing = Task.Run(async () =>
        {
            // The header of a gzip stream written by .NET carries no time or name, so output is byte-identical.
            await using Stream sink = compress ? new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true) : new NonClosingStream(destination);
            await foreach (var chunk in channel.Reader.ReadAllAsync(cancellationToken))
            {
                await sink.WriteAsync(chunk, cancellationToken);
            }
        }, cancellationToken);

        DemoWorldSummary summary;
        try
        {
            var generator = new DemoWorldWriter(world, channel.Writer);
            summary = await Task.Run(() => generator.Generate(cancellationToken), cancellationToken);
            channel.Writer.Complete();
        }
        catch (Exception e)
        {
            channel.Writer.TryComplete(e);
            throw;
        }
        await writing;
        await destination.FlushAsync(cancellationToken);
        return summary;
    }

    private DemoWorldSummary Generate(CancellationToken cancellationToken)
    {
        var options = _world.Options;
        var start = options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        foreach (var account in _world.Accounts)
        {
            WriteAccount(account, start);
        }

        var dayWeights = new double[options.Days];
        var conferences = WorldVocabulary.Areas
            .SelectMany((area, index) => area.Conferences.Select(c => (Area: index, Conference: c, Day: c.Start.DayNumber - options.Start.DayNumber)))
            .ToList();
        for (var d = 0; d < options.Days; d++)
        {
            var weekday = options.Start.AddDays(d).DayOfWeek;
            dayWeights[d] = weekday is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.65 : 1.0;
            // The year-end lull.
            var date = options.Start.AddDays(d);
            if ((date.Month == 12 && date.Day >= 22) || (date.Month == 1 && date.Day <= 2))
            {
                dayWeights[d] *= 0.6;
            }
            foreach (var c in conferences)
            {
                if (d >= c.Day && d < c.Day + c.Conference.Days)
                {
                    dayWeights[d] += 0.12;
                }
            }
        }
        var totalWeight = dayWeights.Sum();
        var pendingDeletions = new Queue<(long Due, string Platform, string Id)>();
        var carry = 0.0;
        for (var d = 0; d < options.Days; d++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var exact = options.Posts * dayWeights[d] / totalWeight + carry;
            var count = (long)Math.Floor(exact);
            carry = exact - count;
            if (d == options.Days - 1)
            {
                // The last day makes the total come out right, the planted events' posts included.
                // The planted patient influencers' posts come on top of the total (docs/demo-world.md).
                count = Math.Max(0, options.Posts - (_posts - _patientPostsWritten) - PlantedStillDue());
            }
            var day = start.AddDays(d);
            var today = conferences.Where(c => d >= c.Day && d < c.Day + c.Conference.Days).ToList();
            var soon = conferences.Where(c => c.Day - d is > 0 and <= 10).ToList();
            for (var k = 0; k < count; k++)
            {
                var conference = today.Count > 0 && _rng.Chance(0.35) ? today[_rng.Next(today.Count)] : ((int Area, Conference Conference, int Day)?)null;
                var account = _world.Accounts[conference is { } c && _areaAuthors[c.Area].Count > 0 ? _areaAuthors[c.Area].Draw(_rng) : _authors.Draw(_rng)];
                WritePost(account, day, conference, soon);
                while (pendingDeletions.Count > 0 && pendingDeletions.Peek().Due <= _postCounter)
                {
                    var (_, platform, id) = pendingDeletions.Dequeue();
                    WriteDeletion(platform, id);
                }
                if (_rng.Chance(0.004))
                {
                    // A re-crawl: the same account seen later, with a newer follower count.
                    var seen = _world.Accounts[_rng.Next(_world.Accounts.Length)];
                    seen.Followers = (long)(seen.Followers * (1 + _rng.NextDouble() * 0.05)) + _rng.Next(0, 5);
                    WriteAccount(seen, day.AddHours(23).AddMinutes(59));
                }
                if (_rng.Chance(0.002) && _lastPost[account.Index] is { } toDelete)
                {
                    pendingDeletions.Enqueue((_postCounter + _rng.Next(50, 5000), account.Platform, toDelete));
                }
            }
            WritePlantedPosts(day.AddDays(1));
            WritePatientPosts(day.AddDays(1));
        }
        while (pendingDeletions.Count > 0)
        {
            var (_, platform, id) = pendingDeletions.Dequeue();
            WriteDeletion(platform, id);
        }
        WritePlantedPosts(start.AddDays(options.Days));
        WritePatientPosts(start.AddDays(options.Days));
        WriteRelationships();
        FlushChunk(force: true);
        return new DemoWorldSummary(_world.Persons.Length, _world.Accounts.Length, _posts, _lines, _accountLines, _deletions, _relationships, _bytes);
    }

    private void WriteAccount(DemoAccount a, DateTime observedAt)
    {
        var person = _world.Persons[a.Person];
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("type", "account");
        _json.WriteString("platform", a.Platform);
        _json.WriteString("id", a.Id);
        _json.WriteString("handle", a.Handle);
        _json.WriteString("name", a.Name);
        if (a.Bio.Length > 0)
        {
            _json.WriteString("bio", a.Bio);
        }
        if (a.Location is not null)
        {
            _json.WriteString("location", a.Location);
        }
        if (a.CountryField is not null)
        {
            _json.WriteString("country", a.CountryField);
        }
        _json.WriteNumber("followers", a.Followers);
        _json.WriteNumber("following", a.Following);
        _json.WriteNumber("posts_count", a.PostsCount);
        _json.WriteString("created_at", a.CreatedAt);
        if (a.Url is not null)
        {
            _json.WriteString("url", a.Url);
        }
        _json.WriteBoolean("verified", a.Verified);
        if (person.PersonKey is not null)
        {
            _json.WriteString("person", person.PersonKey);
        }
        if (person.Npi is not null && a.Platform == "x")
        {
            _json.WriteString("npi", person.Npi);
        }
        _json.WriteString("observed_at", observedAt);
        _json.WriteEndObject();
        EndLine();
        _accountLines++;
    }

    private void WritePost(DemoAccount account, DateTime day, (int Area, Conference Conference, int Day)? conference, List<(int Area, Conference Conference, int Day)> soon)
    {
        var person = _world.Persons[account.Person];
        var t = person.Traits;
        var rng = _rng;
        _postCounter++;
        var hour = ((int)Math.Round(rng.Normal(person.PeakHour, 3)) % 24 + 24) % 24;
        var createdAt = day.AddHours(hour).AddMinutes(rng.Next(60)).AddSeconds(rng.Next(60));
        var area = conference?.Area ?? PickArea(person);
        var areaInfo = WorldVocabulary.Areas[area];

        // What kind of post: a conversation (reply), a share (repost, quote) or a broadcast.
        var (replyP, repostP, quoteP) = person.Role switch
        {
            Role.Bot => (0.0, 0.5, 0.0),
            Role.Pharma or Role.Journal => (0.02, 0.05, 0.03),
            _ => (0.05 + 0.55 * t.Conversation, 0.05 + 0.12 * (1 - t.Conversation), 0.04),
        };
        var roll = rng.NextDouble();
        var kind = roll < replyP ? 1 : roll < replyP + repostP ? 2 : roll < replyP + repostP + quoteP ? 3 : 0;
        DemoAccount? target = null;
        string? targetPost = null;
        if (kind != 0)
        {
            target = PickTarget(account, person, area);
            targetPost = target is null ? null : _lastPost[target.Index];
            if (targetPost is null)
            {
                kind = 0;
            }
        }

        _mentions.Clear();
        var mentionChance = person.Role == Role.Bot ? 0.0 : 0.08 + 0.3 * t.Conversation;
        while (_mentions.Count < 3 && rng.Chance(mentionChance * (_mentions.Count == 0 ? 1 : 0.35)))
        {
            var mentioned = PickTarget(account, person, area);
            if (mentioned is not null && mentioned.Index != account.Index && !_mentions.Contains(mentioned.Id))
            {
                _mentions.Add(mentioned.Id);
            }
            else
            {
                break;
            }
        }
        if (kind == 0 && target is not null && target.Index != account.Index && !_mentions.Contains(target.Id))
        {
            // Wanted to reply but the other had not posted yet: a mention instead.
            _mentions.Add(target.Id);
        }

        var id = PostId(account, createdAt);
        StartPost(account, id, createdAt);
        if (kind != 2)
        {
            _hashtags.Clear();
            var keyword = rng.Pick(areaInfo.Keywords);
            var text = WorldText.Post(rng, person.Role, person.Language, keyword);
            string? url = null;
            if (person.Role != Role.Bot && (person.IsHcp || person.Role is Role.MedicalStudent or Role.Journal or Role.Pharma))
            {
                if (person.Role == Role.Journal ? rng.Chance(0.95) : Steady(person, ScholarlyHabit, 0.02 + 0.45 * t.Science * t.Science))
                {
                    url = ScholarlyUrl(createdAt);
                }
                else if (rng.Chance(person.Role == Role.Pharma ? 0.4 : 0.06))
                {
                    url = $"https://{rng.Pick(WorldVocabulary.NewsHosts)}/{createdAt:yyyy/MM}/{Slug(keyword)}-{rng.Next(1000, 99999)}";
                }
                else if (rng.Chance(0.02 + 0.05 * t.Presence))
                {
                    url = $"https://{Slug(account.Handle)}.{rng.Pick(WorldVocabulary.BlogHosts)}/p/{Slug(keyword)}";
                }
            }
            else if (rng.Chance(person.Role == Role.Bot ? 0.8 : 0.05))
            {
                url = person.Role == Role.Bot ? $"https://bit.ly/{rng.Next(100000, 999999):x}" : $"https://{rng.Pick(WorldVocabulary.NewsHosts)}/{Slug(keyword)}";
            }

            if (person.Role != Role.Public && rng.Chance(person.Role == Role.Bot ? 0.9 : 0.55))
            {
                _hashtags.Add(rng.Pick(areaInfo.Hashtags));
                if (rng.Chance(0.3))
                {
                    AddTag(rng.Pick(areaInfo.Hashtags));
                }
            }
            else if (person.Role == Role.Public && rng.Chance(0.15))
            {
                AddTag(rng.Pick(areaInfo.Hashtags));
            }
            if (person.IsHcp && rng.Chance(0.1))
            {
                AddTag(rng.Pick(WorldVocabulary.GeneralMedicalHashtags));
            }
            if (person.IsHcp ? Steady(person, CommunityHabit, 0.45 * t.Community * t.Community)
                : rng.Chance(person.Role is Role.PatientAdvocate or Role.Organisation ? 0.6 : 0.03))
            {
                AddTag(rng.Chance(0.6) ? rng.Pick(areaInfo.PatientHashtags) : rng.Pick(WorldVocabulary.CommunityHashtags));
            }
            if (conference is { } c && person.Role != Role.Public && rng.Chance(0.45 + 0.4 * t.Science))
            {
                AddTag(c.Conference.Hashtag);
                text = rng.Pick(new[] { $"At {c.Conference.Name}:", $"Live from #{c.Conference.Hashtag}:", "Packed room for this one.", "Late-breaker just presented." }) + " " + text;
            }
            else if (soon.Count > 0 && person.IsHcp && rng.Chance(0.01 + 0.03 * t.Science)
                && soon[rng.Next(soon.Count)] is var next && person.Affinity[next.Area] >= 0.1)
            {
                // People head to the congresses of the areas they work in.
                AddTag(next.Conference.Hashtag);
                text = $"Heading to {next.Conference.Name} next week. Who else? " + text;
            }

            PlantTrends(areaInfo.Key, person.IsHcp, createdAt, ref text);
            PlantLaunch(areaInfo.Key, person.IsHcp, createdAt, ref text);
            if (PlantedEvents.TagFor(areaInfo.Key, person.Role, createdAt, _eventRng) is { } eventTag)
            {
                AddTag(eventTag);
            }
            var full = text;
            foreach (var tag in _hashtags)
            {
                full += " #" + tag;
            }
            if (url is not null)
            {
                full += " " + url;
            }
            _json.WriteString("text", full);
            _json.WriteString("lang", person.Language);
            if (url is not null)
            {
                _json.WriteStartArray("urls");
                _json.WriteStringValue(url);
                _json.WriteEndArray();
            }
            if (_hashtags.Count > 0)
            {
                _json.WriteStartArray("hashtags");
                foreach (var tag in _hashtags)
                {
                    _json.WriteStringValue(tag.ToLowerInvariant());
                }
                _json.WriteEndArray();
            }
        }
        if (kind != 0)
        {
            _json.WriteStartObject(kind == 1 ? "reply_to" : kind == 2 ? "repost_of" : "quote_of");
            _json.WriteString("post_id", targetPost);
            _json.WriteString("account_id", target!.Id);
            _json.WriteEndObject();
        }
        if (_mentions.Count > 0)
        {
            _json.WriteStartArray("mentions");
            foreach (var m in _mentions)
            {
                _json.WriteStringValue(m);
            }
            _json.WriteEndArray();
        }

        // Engagement the post received: from the author's reach and appeal, heavy-tailed.
        var reach = Math.Pow(account.Followers + 1, 0.8) * (0.2 + t.PublicAppeal + 0.5 * t.PeerStanding) * (person.Role == Role.Bot ? 0.005 : 1);
        var likes = kind == 2 ? 0 : (int)Math.Min(int.MaxValue / 2, reach * 0.01 * rng.LogNormal(0, 1.1));
        _json.WriteNumber("likes", likes);
        _json.WriteNumber("replies", (int)(likes * 0.06 * (0.5 + t.Conversation) * rng.NextDouble()));
        _json.WriteNumber("reposts", (int)(likes * 0.25 * rng.NextDouble()));
        _json.WriteNumber("quotes", (int)(likes * 0.03 * rng.NextDouble()));
        _json.WriteEndObject();
        EndLine();

        if (kind != 2)
        {
            _lastPost[account.Index] = id;
        }
        account.PostsCount++;
        _posts++;
    }

    private void AddTag(string tag)
    {
        foreach (var existing in _hashtags)
        {
            if (string.Equals(existing, tag, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }
        _hashtags.Add(tag);
    }

    /// <summary>
    /// The area of a person's next post. Habits are steady (docs/demo-world.md): each post goes to
    /// the area the person owes most (its affinity accrues with every post), so over a year the
    /// shares of their posts follow their affinities closely instead of by the luck of the dice.
    /// </summary>
    private int PickArea(DemoPerson person)
    {
        var affinity = person.Affinity;
        var credit = _areaCredit.AsSpan(person.Index * affinity.Length, affinity.Length);
        var best = person.PrimaryArea;
        for (var a = 0; a < affinity.Length; a++)
        {
            credit[a] += affinity[a];
            if (credit[a] > credit[best])
            {
                best = a;
            }
        }
        credit[best] -= 1;
        return best;
    }

    /// <summary>
    /// Whether this post shows one of the person's habits (a scholarly link, a community hashtag):
    /// the habit's chance accrues with every post and is spent when it passes one, so a person who
    /// links a paper in one post of five does so in one of five, not by the dice.
    /// </summary>
    private bool Steady(DemoPerson person, int habit, double chance)
    {
        ref var credit = ref _habitCredit[person.Index * Habits + habit];
        credit += chance;
        if (credit < 1)
        {
            return false;
        }
        credit -= 1;
        return true;
    }

    /// <summary>
    /// Whom a post engages: patient communities (community trait), people nearby (locality), or the
    /// area's most regarded voices — by peers for HCPs, by popularity for everyone else.
    /// </summary>
    private DemoAccount? PickTarget(DemoAccount source, DemoPerson person, int area)
    {
        var t = person.Traits;
        AliasTable? table;
        if (_rng.Chance(person.IsHcp ? 0.5 * t.Community : person.Role is Role.PatientAdvocate or Role.Organisation ? 0.5 : 0.1))
        {
            table = _communityTargets[source.Platform];
        }
        else if (_rng.Chance(0.7 * t.Locality))
        {
            table = _localTargets.GetValueOrDefault((source.Platform, person.AudienceCountry, area));
        }
        else
        {
            table = person.IsHcp || person.Role is Role.MedicalStudent or Role.Journal
                ? _peerTargets[(source.Platform, area)]
                : _publicTargets[(source.Platform, area)];
        }
        if (table is null || table.Count == 0)
        {
            return null;
        }
        var target = _world.Accounts[table.Draw(_rng)];
        return target.Index == source.Index ? null : target;
    }

    /// <summary>
    /// The planted trends (<see cref="PlantedTrends"/>, docs/demo-world.md), dealt by their own
    /// random stream so the rest of the world is as it was: in the area's posts a hashtag that is
    /// rare until the last week and frequent in it, and a term that appears only in the last week.
    /// </summary>
    private void PlantTrends(string area, bool hcp, DateTime createdAt, ref string text)
    {
        if (area != PlantedTrends.Area)
        {
            return;
        }
        var end = _world.Options.End.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var lastWeek = createdAt >= end.AddDays(-PlantedTrends.LastDays);
        if (hcp && createdAt >= end.AddDays(-PlantedTrends.ConcernDays) && _trendRng.Chance(0.06))
        {
            text += " " + PlantedTrends.ConcernSentences[_trendRng.Next(PlantedTrends.ConcernSentences.Length)];
        }
        if (_trendRng.Chance(lastWeek ? 0.08 : 0.003))
        {
            _hashtags.Add(PlantedTrends.RisingHashtag);
        }
        if (lastWeek && _trendRng.Chance(0.04))
        {
            text += " " + PlantedTrends.EmergingSentence;
        }
    }

    /// <summary>
    /// The planted launch (<see cref="PlantedLaunch"/>, docs/demo-world.md), dealt by its own random
    /// stream: in the area's HCP posts a sentence about one of three products, the two incumbents
    /// sharing the talk until the launch date and the new product taking a large share after it.
    /// </summary>
    private void PlantLaunch(string area, bool hcp, DateTime createdAt, ref string text)
    {
        if (area != PlantedLaunch.Area || !hcp || !_launchRng.Chance(PlantedLaunch.PostShare))
        {
            return;
        }
        var launched = DateOnly.FromDateTime(createdAt) >= PlantedLaunch.LaunchDate;
        var shares = launched ? PlantedLaunch.SharesAfter : PlantedLaunch.SharesBefore;
        var draw = _launchRng.NextDouble();
        var product = 0;
        while (product < shares.Length - 1 && draw >= shares[product])
        {
            draw -= shares[product];
            product++;
        }
        var (name, tones) = PlantedLaunch.Products[product];
        if (!launched && product == 0)
        {
            // Before its launch the new product is talked about by its generic name, as a trial drug.
            text += " " + PlantedLaunch.TrialSentences[_launchRng.Next(PlantedLaunch.TrialSentences.Length)];
            return;
        }
        var toneDraw = _launchRng.NextDouble();
        var sentences = toneDraw < tones.Positive ? PlantedLaunch.Positive : toneDraw < tones.Positive + tones.Negative ? PlantedLaunch.Negative : PlantedLaunch.Neutral;
        text += " " + sentences[_launchRng.Next(sentences.Length)].Replace("{P}", name, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes the planted events' posts dated before <paramref name="until"/> and inside the world's
    /// days (docs/demo-world.md, "Planted events"). Their ids come from their own sequence, and the
    /// world's random stream and post counter are not touched.
    /// </summary>
    private void WritePlantedPosts(DateTime until)
    {
        var first = _world.Options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var last = first.AddDays(_world.Options.Days);
        while (_nextPlanted < _plantedPosts.Count && _plantedPosts[_nextPlanted].CreatedAt < until)
        {
            var post = _plantedPosts[_nextPlanted++];
            if (post.CreatedAt < first || post.CreatedAt >= last)
            {
                continue;
            }
            var account = _world.Accounts[post.Account];
            var ms = (long)(post.CreatedAt - DateTime.UnixEpoch).TotalMilliseconds;
            var sequence = 0x3FF000 + _nextPlanted;
            var id = account.Platform switch
            {
                "x" => (((ms - 1288834974657L) << 22) | (sequence & 0x3FFFFFL)).ToString(CultureInfo.InvariantCulture),
                "bluesky" => account.PostIdPrefix + Tid(ms * 1000 + 999),
                _ => account.PostIdPrefix + ((ms << 16) | 0xFFFF).ToString(CultureInfo.InvariantCulture),
            };
            StartPost(account, id, post.CreatedAt);
            _json.WriteString("text", post.Text);
            _json.WriteString("lang", "en");
            WriteStrings("hashtags", post.Hashtags);
            WritePlantedCounts(post.Likes);
            _json.WriteEndObject();
            EndLine();
            account.PostsCount++;
            _posts++;
        }
    }

    /// <summary>
    /// Writes the planted patient influencers' posts and the replies they receive dated before
    /// <paramref name="until"/> (docs/demo-world.md). They come on top of the world's post count and
    /// do not touch its random stream.
    /// </summary>
    private void WritePatientPosts(DateTime until)
    {
        while (_nextPatientPost < _patientPosts.Count && _patientPosts[_nextPatientPost].CreatedAt < until)
        {
            var post = _patientPosts[_nextPatientPost++];
            var account = _world.Accounts[post.Account];
            StartPost(account, post.Id, post.CreatedAt);
            _json.WriteString("text", post.Text);
            _json.WriteString("lang", "en");
            if (post.Urls.Length > 0)
            {
                WriteStrings("urls", post.Urls);
            }
            if (post.Hashtags.Length > 0)
            {
                WriteStrings("hashtags", post.Hashtags);
            }
            if (post.ReplyToPost is not null)
            {
                _json.WriteStartObject("reply_to");
                _json.WriteString("post_id", post.ReplyToPost);
                _json.WriteString("account_id", _world.Accounts[post.ReplyToAccount].Id);
                _json.WriteEndObject();
            }
            WritePlantedCounts(post.Likes);
            _json.WriteEndObject();
            EndLine();
            account.PostsCount++;
            _posts++;
            _patientPostsWritten++;
        }
    }

    private void WriteStrings(string name, IEnumerable<string> values)
    {
        _json.WriteStartArray(name);
        foreach (var value in values)
        {
            _json.WriteStringValue(value);
        }
        _json.WriteEndArray();
    }

    /// <summary>A planted post's engagement: its likes, and replies, reposts and quotes in fixed shares of them.</summary>
    private void WritePlantedCounts(int likes)
    {
        _json.WriteNumber("likes", likes);
        _json.WriteNumber("replies", likes / 20);
        _json.WriteNumber("reposts", likes / 5);
        _json.WriteNumber("quotes", likes / 50);
    }

    /// <summary>Starts a post's line: its type, platform, id, author and time.</summary>
    private void StartPost(DemoAccount account, string id, DateTime createdAt)
    {
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("type", "post");
        _json.WriteString("platform", account.Platform);
        _json.WriteString("id", id);
        _json.WriteString("account_id", account.Id);
        _json.WriteString("created_at", createdAt);
    }

    /// <summary>The planted posts not written yet that fall inside the world's days.</summary>
    private int PlantedStillDue()
    {
        var first = _world.Options.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var last = first.AddDays(_world.Options.Days);
        var due = 0;
        for (var i = _nextPlanted; i < _plantedPosts.Count; i++)
        {
            due += _plantedPosts[i].CreatedAt >= first && _plantedPosts[i].CreatedAt < last ? 1 : 0;
        }
        return due;
    }

    private string PostId(DemoAccount account, DateTime createdAt)
    {
        var ms = (long)(createdAt - DateTime.UnixEpoch).TotalMilliseconds + _rng.Next(1000);
        switch (account.Platform)
        {
            case "x":
                // Snowflake: milliseconds since the X epoch, then a sequence that keeps ids unique.
                return (((ms - 1288834974657L) << 22) | (_postCounter & 0x3FFFFF)).ToString(CultureInfo.InvariantCulture);
            case "bluesky":
                return account.PostIdPrefix + Tid(ms * 1000 + (_postCounter & 0x3FF));
            default:
                return account.PostIdPrefix + ((ms << 16) | (_postCounter & 0xFFFF)).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>An AT Protocol record key (TID): 13 base32-sortable characters of a microsecond clock.</summary>
    private static string Tid(long micros)
    {
        const string alphabet = "234567abcdefghijklmnopqrstuvwxyz";
        Span<char> chars = stackalloc char[13];
        var value = ((ulong)micros << 10) & 0x7FFFFFFFFFFFFFFFUL;
        for (var i = 12; i >= 0; i--)
        {
            chars[i] = alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(chars);
    }

    private string ScholarlyUrl(DateTime at)
    {
        var rng = _rng;
        return rng.Next(7) switch
        {
            0 => $"https://doi.org/10.1056/NEJMoa{rng.Next(2000000, 2699999)}",
            1 => $"https://pubmed.ncbi.nlm.nih.gov/{rng.Next(36000000, 41999999)}/",
            2 => $"https://www.medrxiv.org/content/10.1101/{at:yyyy.MM.dd}.{rng.Next(24000000, 26999999)}v1",
            3 => $"https://clinicaltrials.gov/study/NCT0{rng.Next(4000000, 7999999)}",
            4 => $"https://jamanetwork.com/journals/jama/fullarticle/{rng.Next(2800000, 2899999)}",
            5 => $"https://doi.org/10.1200/JCO.{at:yy}.{rng.Next(10000, 99999)}",
            _ => $"https://www.thelancet.com/journals/lancet/article/PIIS0140-6736({at:yy})0{rng.Next(1000, 9999)}-{rng.Next(10)}/fulltext",
        };
    }

    private static string Slug(string text)
    {
        Span<char> chars = stackalloc char[Math.Min(text.Length, 40)];
        var n = 0;
        foreach (var c in text)
        {
            if (n == chars.Length)
            {
                break;
            }
            chars[n++] = char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-';
        }
        return new string(chars[..n]);
    }

    private void WriteDeletion(string platform, string id)
    {
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("type", "post");
        _json.WriteString("platform", platform);
        _json.WriteString("id", id);
        _json.WriteBoolean("deleted", true);
        _json.WriteEndObject();
        EndLine();
        _deletions++;
    }

    private void WriteRelationships()
    {
        var rng = Rng.For(_world.Options.Seed, "crm-lines");
        foreach (var person in _world.Persons)
        {
            if (person.CrmKind is null)
            {
                continue;
            }
            _json.Reset(_buffer);
            _json.WriteStartObject();
            _json.WriteString("type", "relationship");
            var how = rng.NextDouble();
            if (person.PersonKey is not null && how < 0.3)
            {
                _json.WriteString("person", person.PersonKey);
            }
            else if (person.Npi is not null && how < 0.6 && _world.Accounts[person.Accounts[0]].Platform == "x")
            {
                _json.WriteString("npi", person.Npi);
            }
            else
            {
                var account = _world.Accounts[person.Accounts[0]];
                _json.WriteString("platform", account.Platform);
                _json.WriteString("account_id", account.Id);
            }
            _json.WriteString("kind", person.CrmKind);
            _json.WriteString("since", new DateOnly(2019, 1, 1).AddDays(rng.Next(0, 2800)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            _json.WriteEndObject();
            EndLine();
            _relationships++;
        }
    }

    private void EndLine()
    {
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        _lines++;
        FlushChunk(force: false);
    }

    private void FlushChunk(bool force)
    {
        if (_buffer.WrittenCount == 0 || (!force && _buffer.WrittenCount < ChunkBytes))
        {
            return;
        }
        var chunk = _buffer.WrittenSpan.ToArray();
        _bytes += chunk.Length;
        _buffer.ResetWrittenCount();
        // The generator runs on its own thread; blocking here is what bounds memory.
        if (!_output.TryWrite(chunk))
        {
            _output.WriteAsync(chunk).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Lets the caller keep (and close) its stream.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}

/// <summary>What the demo world plants for the insights page to find (docs/demo-world.md).</summary>
public static class PlantedTrends
{
    /// <summary>The therapy area whose posts carry them.</summary>
    public const string Area = "oncology";
    /// <summary>How many days before the world's end the burst and the new term run.</summary>
    public const double LastDays = 6.5;
    /// <summary>In 0.3% of the area's posts all year, in 8% of its last week's.</summary>
    public const string RisingHashtag = "TROP2";
    /// <summary>In 4% of the area's last week's posts, never before.</summary>
    public const string EmergingTerm = "datopotamab deruxtecan";
    /// <summary>The concern theme HCPs voice in 6% of the area's posts of the last <see cref="ConcernDays"/> days.</summary>
    public const string ConcernTheme = "biosimilar trastuzumab";
    /// <summary>How many days before the world's end the planted concerns run.</summary>
    public const double ConcernDays = 56;
    /// <summary>The ways the planted concern is voiced (one is appended to the post).</summary>
    public static readonly string[] ConcernSentences =
    [
        "Anyone else struggling to get biosimilar trastuzumab approved? Patients wait weeks.",
        "We need a faster route to biosimilar trastuzumab, my patients cannot start on time.",
        "Worried our biosimilar trastuzumab supply will not last the month.",
        "Is anyone else seeing delays with biosimilar trastuzumab deliveries?",
    ];
    /// <summary>The sentence that carries <see cref="EmergingTerm"/>: every term of it is new in the last week.</summary>
    public const string EmergingSentence = "Datopotamab deruxtecan data look practice-changing.";
}

/// <summary>The product launch the demo world plants for the insights' share of voice (docs/demo-world.md).</summary>
public static class PlantedLaunch
{
    /// <summary>The therapy area whose HCP posts talk about the products.</summary>
    public const string Area = "oncology";
    /// <summary>The share of the area's HCP posts that talk about one of the products.</summary>
    public const double PostShare = 0.03;
    /// <summary>The new product's launch: ten weeks before the world's default end (a Monday).</summary>
    public static readonly DateOnly LaunchDate = new DemoWorldOptions().End.AddDays(-69);
    /// <summary>The new product and the two incumbents, each with the tones HCPs speak of it in (positive, negative; the rest neutral).</summary>
    public static readonly (string Name, (double Positive, double Negative) Tones)[] Products =
    [
        ("Oncavra", (0.55, 0.15)),
        ("Trelixa", (0.35, 0.35)),
        ("Vexolid", (0.25, 0.45)),
    ];
    /// <summary>The generic names, in the order of <see cref="Products"/>.</summary>
    public static readonly string[] GenericNames = ["zanitumab", "moratinib", "pemarolimab"];
    /// <summary>Who is talked about before the launch: the new product only as a trial drug (5%), the incumbents sharing the rest.</summary>
    public static readonly double[] SharesBefore = [0.05, 0.57, 0.38];
    /// <summary>Who is talked about from the launch: the new product takes 45%.</summary>
    public static readonly double[] SharesAfter = [0.45, 0.33, 0.22];
    /// <summary>The new product before its launch, by its generic name.</summary>
    public static readonly string[] TrialSentences =
    [
        "Enrolling patients in the zanitumab phase 3 trial this month.",
        "Zanitumab trial update expected at the next congress.",
    ];
    /// <summary>How HCPs speak well of a product ("{P}" is its name).</summary>
    public static readonly string[] Positive =
    [
        "Really pleased with how my patients are doing on {P}.",
        "{P} has been excellent in clinic, responses are holding.",
        "Impressed by {P} so far, very few side effects.",
        "Great to have {P} as an option for my patients.",
    ];
    /// <summary>How HCPs speak ill of a product.</summary>
    public static readonly string[] Negative =
    [
        "Disappointed with {P}, two more patients progressed.",
        "Had to stop {P} again because of severe toxicity.",
        "The price of {P} is unacceptable for what it offers.",
        "Worried about the safety signal with {P}.",
    ];
    /// <summary>How HCPs mention a product without a verdict.</summary>
    public static readonly string[] Neutral =
    [
        "Reviewing the {P} dosing guidance before clinic.",
        "{P} was discussed at tumour board today.",
        "Updated {P} prescribing information is out.",
    ];
}
