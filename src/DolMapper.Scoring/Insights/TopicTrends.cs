namespace DolMapper.Scoring.Insights;

/// <summary>One post of a profile's topic, as the trends read it.</summary>
/// <param name="PostId">The post's database id (examples link to it).</param>
/// <param name="PersonId">The author's person id.</param>
/// <param name="Hcp">Whether the run takes the author for an HCP (else the public).</param>
/// <param name="CreatedAt">When it was posted (UTC).</param>
/// <param name="Text">Its text (terms are read from it, then it is let go).</param>
/// <param name="Hashtags">Its hashtags.</param>
/// <param name="Urls">Its links.</param>
/// <param name="Engagement">Likes, reposts and quotes it received.</param>
/// <param name="AccountId">The author's account id (with <paramref name="PostId"/> the post's key: examples are looked up by both).</param>
public sealed record TrendPost(long PostId, long PersonId, bool Hcp, DateTime CreatedAt, string? Text, string[]? Hashtags, string[]? Urls, long Engagement, long AccountId = 0);

/// <summary>One day of an item: posts, those by HCPs, and the engagement they received.</summary>
public readonly record struct TrendDay(DateOnly Day, int Posts, int HcpPosts, long Engagement);

/// <summary>A hashtag, term or domain of a profile's topic with its trend (docs/insights.md).</summary>
public sealed record TrendItem
{
    /// <summary>hashtag, term or domain.</summary>
    public required string Kind { get; init; }
    /// <summary>The hashtag (lower case, no '#'), the term or the domain.</summary>
    public required string Item { get; init; }
    /// <summary>rising, emerging, steady or falling.</summary>
    public required string Status { get; init; }
    /// <summary>(posts in the last week − the baseline's weekly mean) / its spread; for emerging items the posts themselves.</summary>
    public double TrendScore { get; init; }
    /// <summary>Posts in the last seven days of the window.</summary>
    public int PostsRecent { get; init; }
    /// <summary>Mean posts a week over the eight weeks before.</summary>
    public double PostsBaseline { get; init; }
    /// <summary>Distinct HCP authors in the last seven days.</summary>
    public int HcpAuthorsRecent { get; init; }
    /// <summary>Distinct public (non-HCP) authors in the last seven days.</summary>
    public int PublicAuthorsRecent { get; init; }
    /// <summary>Posts over the whole window.</summary>
    public int PostsWindow { get; init; }
    /// <summary>HCPs' posts over the whole window.</summary>
    public int HcpPostsWindow { get; init; }
    /// <summary>Distinct HCP authors over the whole window.</summary>
    public int HcpAuthorsWindow { get; init; }
    /// <summary>Engagement its posts received over the whole window.</summary>
    public long EngagementWindow { get; init; }
    /// <summary>Its days with posts, oldest first.</summary>
    public IReadOnlyList<TrendDay> Days { get; init; } = [];
    /// <summary>The HCPs who post it most over the last four weeks (the window when none did), with their posts.</summary>
    public IReadOnlyList<(long PersonId, int Posts)> Drivers { get; init; } = [];
    /// <summary>Up to three posts that show it: by HCPs first, most engaged, the most recent weeks first.</summary>
    public IReadOnlyList<(long AccountId, long PostId)> ExamplePosts { get; init; } = [];
}

/// <summary>
/// Topics and trends of one profile's conversation (docs/insights.md): every hashtag, term and
/// domain of the topic's posts counted per day, and each item's last week set against its own
/// previous eight weeks. <b>Rising</b>: at least <see cref="MinimumPosts"/> posts by at least
/// <see cref="MinimumAuthors"/> authors in the last week, at least twice the baseline's weekly
/// mean and a z-score of at least <see cref="RisingZ"/> (the spread never below the Poisson spread
/// of the mean, nor below 1). <b>Emerging</b>: as many posts and authors, and none in the baseline.
/// <b>Falling</b>: a z-score of −<see cref="RisingZ"/> or less from a baseline of at least
/// <see cref="MinimumPosts"/> a week.
/// <b>Steady</b>: the rest.
/// </summary>
public sealed class TopicTrends
{
    /// <summary>Posts in the last week an item needs to rise or emerge (one post is not a trend).</summary>
    public const int MinimumPosts = 5;
    /// <summary>Authors in the last week an item needs to rise or emerge (one voice is not a trend).</summary>
    public const int MinimumAuthors = 2;
    /// <summary>
    /// The z-score an item needs to rise (or, negative, to fall). Thousands of items are tested each
    /// run, so 2 would let chance through: a term at two posts a week reaches six in 2% of weeks.
    /// </summary>
    public const double RisingZ = 3;
    /// <summary>Weeks before the last one that make an item's baseline.</summary>
    public const int BaselineWeeks = 8;
    /// <summary>Steady items kept per kind (the most posted); every rising, emerging and falling item is kept.</summary>
    public const int SteadyPerKind = 150;

    private readonly DateTime _snapshot;
    private readonly DateTime _from;
    private readonly Dictionary<(string Kind, string Item), int> _ids = [];
    private readonly List<(string Kind, string Item)> _items = [];
    private readonly List<TrendPost> _posts = [];
    private readonly List<int[]> _postItems = [];
    /// <summary>Posts whose items are not read yet: read in parallel a batch at a time, so the texts are let go soon.</summary>
    private readonly List<TrendPost> _pending = [];
    private const int Batch = 8192;

    private readonly Func<string?, bool>? _isConcern;
    private readonly List<bool> _concern = [];

    /// <param name="snapshot">The window's end (exclusive).</param>
    /// <param name="windowDays">The window's length.</param>
    /// <param name="isConcern">Tells a concern or unmet need from other posts (<see cref="ConcernClassifier"/>); HCPs' posts of the last <see cref="BaselineWeeks"/> + 1 weeks are asked.</param>
    public TopicTrends(DateTime snapshot, int windowDays, Func<string?, bool>? isConcern = null)
    {
        _snapshot = snapshot;
        _from = snapshot.AddDays(-windowDays);
        _isConcern = isConcern;
    }

    /// <summary>Posts added inside the window.</summary>
    public int Posts => _posts.Count + _pending.Count;

    /// <summary>Counts one post of the topic (outside the window it is ignored).</summary>
    public void Add(TrendPost post)
    {
        if (post.CreatedAt <= _from || post.CreatedAt > _snapshot)
        {
            return;
        }
        _pending.Add(post);
        if (_pending.Count >= Batch)
        {
            Flush();
        }
    }

    /// <summary>Reads the pending posts' items on every core, then numbers the items in post order (the same ids on every run).</summary>
    private void Flush()
    {
        var read = new (string Kind, string Item)[_pending.Count][];
        var concern = new bool[_pending.Count];
        Parallel.For(0, _pending.Count, i =>
        {
            var post = _pending[i];
            read[i] = [.. TermExtractor.Items(post.Text, post.Hashtags, post.Urls)];
            concern[i] = _isConcern is not null && post.Hcp && WeekBack(post.CreatedAt) <= BaselineWeeks && _isConcern(post.Text);
        });
        for (var i = 0; i < _pending.Count; i++)
        {
            var ids = new int[read[i].Length];
            for (var k = 0; k < ids.Length; k++)
            {
                var key = read[i][k];
                if (!_ids.TryGetValue(key, out var id))
                {
                    id = _items.Count;
                    _ids[key] = id;
                    _items.Add(key);
                }
                ids[k] = id;
            }
            _posts.Add(_pending[i] with { Text = null, Hashtags = null, Urls = null });
            _postItems.Add(ids);
            _concern.Add(concern[i]);
        }
        _pending.Clear();
    }

    /// <summary>Week 0 is the last seven days before the snapshot, week 1 the seven before, …</summary>
    private int WeekBack(DateTime at) => (int)Math.Floor((_snapshot - at).TotalDays / 7);

    /// <summary>Every kept item: rising, emerging and falling ones, and the most posted steady ones per kind.</summary>
    public IReadOnlyList<TrendItem> Build()
    {
        Flush();
        var n = _items.Count;
        var total = new int[n];
        var weekly = new int[n * (BaselineWeeks + 1)];
        // The last week's authors of every item posted then: they decide whether an item can trend, and lists show them.
        var recentAuthors = new Dictionary<int, (HashSet<long> Hcp, HashSet<long> Public)>();
        for (var i = 0; i < _posts.Count; i++)
        {
            var post = _posts[i];
            var back = WeekBack(post.CreatedAt);
            foreach (var id in _postItems[i])
            {
                total[id]++;
                if (back <= BaselineWeeks)
                {
                    weekly[id * (BaselineWeeks + 1) + back]++;
                }
                if (back == 0)
                {
                    if (!recentAuthors.TryGetValue(id, out var sets))
                    {
                        recentAuthors[id] = sets = ([], []);
                    }
                    (post.Hcp ? sets.Hcp : sets.Public).Add(post.PersonId);
                }
            }
        }

        var classified = new List<(int Id, string Status, double Score, double Baseline)>();
        for (var id = 0; id < n; id++)
        {
            if (total[id] < MinimumPosts)
            {
                continue;
            }
            var recent = weekly[id * (BaselineWeeks + 1)];
            var baseline = new double[BaselineWeeks];
            for (var w = 0; w < BaselineWeeks; w++)
            {
                baseline[w] = weekly[id * (BaselineWeeks + 1) + 1 + w];
            }
            var authors = recentAuthors.TryGetValue(id, out var a) ? a.Hcp.Count + a.Public.Count : 0;
            var (status, score) = Classify(recent, baseline, authors);
            classified.Add((id, status, score, baseline.Average()));
        }
        var kept = classified.Where(c => c.Status != TrendStatus.Steady)
            .Concat(classified.Where(c => c.Status == TrendStatus.Steady).GroupBy(c => _items[c.Id].Kind)
                .SelectMany(g => g.OrderByDescending(c => total[c.Id]).ThenBy(c => _items[c.Id].Item, StringComparer.Ordinal).Take(SteadyPerKind)))
            .ToList();
        var keptIds = kept.Select(k => k.Id).ToHashSet();
        var isKept = new bool[n];
        foreach (var id in keptIds)
        {
            isKept[id] = true;
        }

        // Details of the kept items: days, window authors, drivers, examples.
        var days = keptIds.ToDictionary(id => id, _ => new Dictionary<DateOnly, (int Posts, int Hcp, long Engagement)>());
        var windowHcpAuthors = keptIds.ToDictionary(id => id, _ => new HashSet<long>());
        var drivers = keptIds.ToDictionary(id => id, _ => new Dictionary<long, int>());
        var driversWindow = keptIds.ToDictionary(id => id, _ => new Dictionary<long, int>());
        var examples = keptIds.ToDictionary(id => id, _ => new List<(int Rank, long Engagement, long Post, long Account)>());
        for (var i = 0; i < _posts.Count; i++)
        {
            var post = _posts[i];
            var day = DateOnly.FromDateTime(post.CreatedAt);
            var back = WeekBack(post.CreatedAt);
            foreach (var id in _postItems[i])
            {
                if (!isKept[id])
                {
                    continue;
                }
                var d = days[id].GetValueOrDefault(day);
                days[id][day] = (d.Posts + 1, d.Hcp + (post.Hcp ? 1 : 0), d.Engagement + post.Engagement);
                if (post.Hcp)
                {
                    windowHcpAuthors[id].Add(post.PersonId);
                    driversWindow[id][post.PersonId] = driversWindow[id].GetValueOrDefault(post.PersonId) + 1;
                    if (back < 4)
                    {
                        drivers[id][post.PersonId] = drivers[id].GetValueOrDefault(post.PersonId) + 1;
                    }
                }
                // HCPs' posts first, then the last week, the last four, the rest; the most engaged within each.
                var rank = (post.Hcp ? 0 : 3) + (back == 0 ? 0 : back < 4 ? 1 : 2);
                var list = examples[id];
                list.Add((rank, post.Engagement, post.PostId, post.AccountId));
                if (list.Count > 12)
                {
                    list.Sort(ExampleOrder);
                    list.RemoveRange(3, list.Count - 3);
                }
            }
        }

        return [.. kept.Select(k =>
        {
            var (kind, item) = _items[k.Id];
            var dayList = days[k.Id].OrderBy(d => d.Key).Select(d => new TrendDay(d.Key, d.Value.Posts, d.Value.Hcp, d.Value.Engagement)).ToList();
            var recent = recentAuthors.TryGetValue(k.Id, out var sets) ? sets : ([], []);
            var byPosts = drivers[k.Id].Count > 0 ? drivers[k.Id] : driversWindow[k.Id];
            var exampleList = examples[k.Id];
            exampleList.Sort(ExampleOrder);
            return new TrendItem
            {
                Kind = kind,
                Item = item,
                Status = k.Status,
                TrendScore = Math.Round(k.Score, 3),
                PostsRecent = weekly[k.Id * (BaselineWeeks + 1)],
                PostsBaseline = Math.Round(k.Baseline, 3),
                HcpAuthorsRecent = recent.Hcp.Count,
                PublicAuthorsRecent = recent.Public.Count,
                PostsWindow = total[k.Id],
                HcpPostsWindow = dayList.Sum(d => d.HcpPosts),
                HcpAuthorsWindow = windowHcpAuthors[k.Id].Count,
                EngagementWindow = dayList.Sum(d => d.Engagement),
                Days = dayList,
                Drivers = [.. byPosts.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(10).Select(p => (p.Key, p.Value))],
                ExamplePosts = [.. exampleList.Take(3).Select(e => (e.Account, e.Post))],
            };
        }).OrderBy(t => TrendStatus.Order(t.Status)).ThenByDescending(t => t.TrendScore).ThenByDescending(t => t.PostsWindow).ThenBy(t => t.Kind, StringComparer.Ordinal).ThenBy(t => t.Item, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The concerns and unmet needs HCPs voiced in the last <see cref="BaselineWeeks"/> + 1 weeks,
    /// grouped into themes: a theme is a term far more common in concern posts than in the topic's
    /// posts of the same weeks (lift at least <see cref="ThemeLift"/>, in at least
    /// <see cref="MinimumPosts"/> concern posts by at least <see cref="MinimumAuthors"/> HCPs); each
    /// concern post goes to the theme among its terms with the most weight (concern posts × ln lift).
    /// Themes with at least <see cref="MinimumPosts"/> posts, the most posts first.
    /// </summary>
    public IReadOnlyList<ConcernTheme> BuildConcerns()
    {
        Flush();
        var n = _items.Count;
        var inConcerns = new int[n];
        var inPeriod = new int[n];
        var concernPosts = 0;
        var periodPosts = 0;
        var authors = new Dictionary<int, HashSet<long>>();
        for (var i = 0; i < _posts.Count; i++)
        {
            if (WeekBack(_posts[i].CreatedAt) > BaselineWeeks)
            {
                continue;
            }
            periodPosts++;
            concernPosts += _concern[i] ? 1 : 0;
            foreach (var id in _postItems[i])
            {
                if (_items[id].Kind != TermExtractor.Term || VoicesConcern(_items[id].Item))
                {
                    continue;
                }
                inPeriod[id]++;
                if (_concern[i])
                {
                    inConcerns[id]++;
                    if (!authors.TryGetValue(id, out var set))
                    {
                        authors[id] = set = [];
                    }
                    set.Add(_posts[i].PersonId);
                }
            }
        }
        if (concernPosts == 0)
        {
            return [];
        }
        var weight = new double[n];
        for (var id = 0; id < n; id++)
        {
            var lift = inPeriod[id] == 0 ? 0 : (double)inConcerns[id] / concernPosts / ((double)inPeriod[id] / periodPosts);
            if (inConcerns[id] >= MinimumPosts && lift >= ThemeLift && authors[id].Count >= MinimumAuthors)
            {
                weight[id] = inConcerns[id] * Math.Log(lift);
            }
        }
        var themes = new Dictionary<int, (List<long> Posts, HashSet<long> Authors, List<(long Engagement, long Post, long Account)> Examples, List<long> Voices)>();
        for (var i = 0; i < _posts.Count; i++)
        {
            if (!_concern[i])
            {
                continue;
            }
            var best = -1;
            foreach (var id in _postItems[i])
            {
                // On a tie the phrase names the theme better than its words ("prior authorization", not "prior").
                if (weight[id] > 0 && (best < 0 || weight[id] > weight[best]
                    || (weight[id] == weight[best] && (_items[id].Item.Length > _items[best].Item.Length
                        || (_items[id].Item.Length == _items[best].Item.Length && string.CompareOrdinal(_items[id].Item, _items[best].Item) < 0)))))
                {
                    best = id;
                }
            }
            if (best < 0)
            {
                continue;
            }
            if (!themes.TryGetValue(best, out var theme))
            {
                themes[best] = theme = ([], [], [], []);
            }
            theme.Posts.Add(_posts[i].PostId);
            theme.Authors.Add(_posts[i].PersonId);
            theme.Voices.Add(_posts[i].PersonId);
            theme.Examples.Add((_posts[i].Engagement, _posts[i].PostId, _posts[i].AccountId));
        }
        return [.. themes.Where(t => t.Value.Posts.Count >= MinimumPosts)
            .Select(t => new ConcernTheme(_items[t.Key].Item, t.Value.Posts.Count, t.Value.Authors.Count,
                [.. t.Value.Examples.OrderByDescending(e => e.Engagement).ThenBy(e => e.Post).Take(3).Select(e => (e.Account, e.Post))])
            {
                Voices = [.. t.Value.Voices.GroupBy(v => v).Select(g => (g.Key, g.Count())).OrderBy(v => v.Key)],
            })
            .OrderByDescending(t => t.Posts).ThenByDescending(t => t.HcpAuthors).ThenBy(t => t.Theme, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Words that voice a concern rather than say what it is about ("anyone else", "we need",
    /// "worried"), in the corpus's languages: a theme is named by its subject, so a term with one of
    /// them never names a theme.
    /// </summary>
    private static readonly HashSet<string> ConcernWords = new(StringComparer.Ordinal)
    {
        "anyone", "anybody", "else", "someone", "somebody", "need", "needs", "needed", "wish", "struggling", "struggle", "worried", "worry",
        "concerned", "concern", "frustrated", "frustrating", "tired", "help", "advice", "recommend", "really", "desperately", "seeing",
        "having", "trouble", "problem", "issue", "honestly", "real", "question", "fighting", "noticing", "dealing", "looking", "share",
        // Who is asked and about whom, and how: every concern has them, none is about them.
        "patients", "patient", "colleagues", "colleague", "ask", "asking", "approach", "talk", "second", "keep",
        "alguien", "necesitamos", "necesito", "preocupa", "ojalá", "cansada", "cansado", "falta", "llevo",
        "quelquun", "besoin", "manque", "marre", "inquiète", "inquiet", "aimerais",
        "jemand", "brauchen", "dringend", "fehlt", "sorgen", "besorgt", "frustriert", "wünschte", "kennt",
        "qualcuno", "bisogno", "manca", "preoccupa", "preoccupata", "stanca", "piacerebbe",
        "alguém", "precisamos", "preocupada", "queria",
    };

    private static bool VoicesConcern(string term)
    {
        var space = term.IndexOf(' ');
        return space < 0 ? ConcernWords.Contains(term) : ConcernWords.Contains(term[..space]) || ConcernWords.Contains(term[(space + 1)..]);
    }

    /// <summary>How much more common in concern posts than in the topic's posts a term must be to name a theme.</summary>
    public const double ThemeLift = 2;

    private static int ExampleOrder((int Rank, long Engagement, long Post, long Account) a, (int Rank, long Engagement, long Post, long Account) b) =>
        a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Engagement != b.Engagement ? b.Engagement.CompareTo(a.Engagement) : a.Post.CompareTo(b.Post);

    /// <summary>An item's status and trend score from its last week's posts, its baseline weeks and its last week's authors.</summary>
    public static (string Status, double Score) Classify(int recent, IReadOnlyList<double> baselineWeeks, int recentAuthors)
    {
        var mean = baselineWeeks.Count == 0 ? 0 : baselineWeeks.Average();
        var variance = baselineWeeks.Count < 2 ? 0 : baselineWeeks.Sum(w => (w - mean) * (w - mean)) / (baselineWeeks.Count - 1);
        var spread = Math.Sqrt(Math.Max(1, Math.Max(variance, mean)));
        var z = (recent - mean) / spread;
        var enough = recent >= MinimumPosts && recentAuthors >= MinimumAuthors;
        if (enough && baselineWeeks.All(w => w == 0))
        {
            return (TrendStatus.Emerging, recent);
        }
        if (enough && z >= RisingZ && recent >= 2 * mean)
        {
            return (TrendStatus.Rising, z);
        }
        if (mean >= MinimumPosts && z <= -RisingZ)
        {
            return (TrendStatus.Falling, z);
        }
        return (TrendStatus.Steady, z);
    }
}

/// <summary>A theme of concerns and unmet needs: the term that names it, the concern posts it holds, their HCP authors and up to three example posts (most engaged first).</summary>
public sealed record ConcernTheme(string Theme, int Posts, int HcpAuthors, IReadOnlyList<(long AccountId, long PostId)> ExamplePosts)
{
    /// <summary>Each HCP who voiced it, with their posts in it (the DOL page lists a person's themes).</summary>
    public IReadOnlyList<(long PersonId, int Posts)> Voices { get; init; } = [];
}

/// <summary>The trend statuses, in the order lists show them.</summary>
public static class TrendStatus
{
    /// <summary>Above its baseline.</summary>
    public const string Rising = "rising";
    /// <summary>Absent from its baseline.</summary>
    public const string Emerging = "emerging";
    /// <summary>Neither.</summary>
    public const string Steady = "steady";
    /// <summary>Below its baseline.</summary>
    public const string Falling = "falling";

    /// <summary>Every status.</summary>
    public static readonly IReadOnlyList<string> All = [Rising, Emerging, Steady, Falling];

    /// <summary>Where a status comes in lists.</summary>
    public static int Order(string status) => status switch { Rising => 0, Emerging => 1, Steady => 2, _ => 3 };
}
