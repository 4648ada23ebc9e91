namespace DolMapper.Scoring.Insights;

/// <summary>One post by an HCP that may name a product, as the product counts read it.</summary>
public sealed record ProductPost(long PostId, long AccountId, long PersonId, DateTime CreatedAt, string? Text, long Engagement);

/// <summary>
/// One week (from Monday, UTC) of one product: HCPs' mentions, the HCPs behind them, its share of
/// voice within its set — its mentions over those of itself and its competitors, null in a week
/// nobody in the set was mentioned — and the mentions' tones.
/// </summary>
public sealed record ProductWeek(string Product, DateOnly Week, int HcpMentions, int HcpAuthors, double? ShareOfVoice, int Positive, int Negative, int Neutral);

/// <summary>A product over the whole window: mentions, HCPs, tones, the HCPs who mention it most and a post of each tone.</summary>
public sealed record ProductSummary(
    string Product, IReadOnlyList<string> Competitors, DateOnly? LaunchDate, int Mentions, int HcpAuthors, int Positive, int Negative, int Neutral,
    IReadOnlyList<(long PersonId, int Mentions)> Drivers, IReadOnlyList<(long AccountId, long PostId, string Tone)> Examples);

/// <summary>How often one HCP mentioned one product over the window, by tone.</summary>
public sealed record PersonProductMentions(long PersonId, string Product, int Mentions, int Positive, int Negative, int Neutral);

/// <summary>
/// Products and share of voice (docs/insights.md): every HCP post of the window that names a
/// product of the profile's list, counted per product and week (weeks start on Monday, UTC), with
/// the tone of each mention (<see cref="ToneClassifier"/>, the product's names masked). A post that
/// names two products is a mention of each, its tone read once per product.
/// </summary>
public sealed class ProductMentions
{
    private const int Batch = 4096;
    private readonly IReadOnlyList<ProductDefinition> _products;
    private readonly ProductMatcher _matcher;
    private readonly Func<string, string> _tone;
    private readonly DateOnly _firstWeek;
    private readonly DateOnly _lastWeek;
    private readonly List<ProductPost> _pending = [];
    private readonly List<(int Product, ProductPost Post, string Tone)> _mentions = [];

    /// <param name="products">The profile's valid list.</param>
    /// <param name="from">The window's start (exclusive).</param>
    /// <param name="to">The window's end.</param>
    /// <param name="tone">Reads a masked post's tone (the shared <see cref="ToneClassifier"/> by default).</param>
    public ProductMentions(IReadOnlyList<ProductDefinition> products, DateTime from, DateTime to, Func<string, string>? tone = null)
    {
        _products = products;
        _matcher = new ProductMatcher(products);
        _tone = tone ?? ToneClassifier.Default.Classify;
        _firstWeek = WeekOf(from);
        _lastWeek = WeekOf(to);
    }

    /// <summary>The names to look for (lower case), for the scan's cheap filter.</summary>
    public IReadOnlyList<string> Names => _matcher.Names;

    /// <summary>Mentions found so far.</summary>
    public int Mentions => _mentions.Count;

    /// <summary>The Monday (UTC) of the week <paramref name="at"/> falls in.</summary>
    public static DateOnly WeekOf(DateTime at)
    {
        var day = DateOnly.FromDateTime(at);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    /// <summary>Reads one post (the products it names are found and toned a batch at a time, on every core).</summary>
    public void Add(ProductPost post)
    {
        _pending.Add(post);
        if (_pending.Count >= Batch)
        {
            Flush();
        }
    }

    private void Flush()
    {
        var found = new List<(int Product, string Tone)>[_pending.Count];
        Parallel.For(0, _pending.Count, i =>
        {
            var text = _pending[i].Text;
            found[i] = [.. _matcher.Find(text).Select(p => (p, _tone(_matcher.Mask(text!, p))))];
        });
        for (var i = 0; i < _pending.Count; i++)
        {
            foreach (var (product, tone) in found[i])
            {
                _mentions.Add((product, _pending[i] with { Text = null }, tone));
            }
        }
        _pending.Clear();
    }

    /// <summary>Every product's weeks (each week of the window, quiet ones with no mentions), its summary and each HCP's mentions.</summary>
    public (IReadOnlyList<ProductWeek> Weeks, IReadOnlyList<ProductSummary> Summaries, IReadOnlyList<PersonProductMentions> Persons) Build()
    {
        Flush();
        var weeks = new List<DateOnly>();
        for (var w = _firstWeek; w <= _lastWeek; w = w.AddDays(7))
        {
            weeks.Add(w);
        }
        var byProductWeek = _mentions.GroupBy(m => (m.Product, Week: WeekOf(m.Post.CreatedAt))).ToDictionary(g => g.Key, g => g.ToList());
        int Count(int product, DateOnly week) => byProductWeek.TryGetValue((product, week), out var list) ? list.Count : 0;
        var index = _products.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.OrdinalIgnoreCase);
        var rows = new List<ProductWeek>();
        for (var p = 0; p < _products.Count; p++)
        {
            // Its set: itself and its competitors, or the whole list when it names none.
            var set = _products[p].Competitors.Count > 0 ? [p, .. _products[p].Competitors.Select(c => index[c])] : Enumerable.Range(0, _products.Count).ToArray();
            foreach (var week in weeks)
            {
                var mine = byProductWeek.GetValueOrDefault((p, week)) ?? [];
                var all = set.Sum(s => Count(s, week));
                rows.Add(new ProductWeek(_products[p].Name, week, mine.Count, mine.Select(m => m.Post.PersonId).Distinct().Count(),
                    all == 0 ? null : (double)mine.Count / all,
                    mine.Count(m => m.Tone == Tone.Positive), mine.Count(m => m.Tone == Tone.Negative), mine.Count(m => m.Tone == Tone.Neutral)));
            }
        }
        var summaries = new List<ProductSummary>();
        for (var p = 0; p < _products.Count; p++)
        {
            var mine = _mentions.Where(m => m.Product == p).ToList();
            var drivers = mine.GroupBy(m => m.Post.PersonId).Select(g => (PersonId: g.Key, Mentions: g.Count()))
                .OrderByDescending(d => d.Mentions).ThenBy(d => d.PersonId).Take(10).ToList();
            // One post of each tone, the most engaged (the most recent on a tie).
            var examples = Tone.All.Select(t => mine.Where(m => m.Tone == t).OrderByDescending(m => m.Post.Engagement).ThenByDescending(m => m.Post.CreatedAt).ThenBy(m => m.Post.PostId).FirstOrDefault())
                .Where(m => m.Post is not null).Select(m => (m.Post.AccountId, m.Post.PostId, m.Tone)).ToList();
            summaries.Add(new ProductSummary(_products[p].Name, _products[p].Competitors, _products[p].LaunchDate, mine.Count, mine.Select(m => m.Post.PersonId).Distinct().Count(),
                mine.Count(m => m.Tone == Tone.Positive), mine.Count(m => m.Tone == Tone.Negative), mine.Count(m => m.Tone == Tone.Neutral), drivers, examples));
        }
        var persons = _mentions.GroupBy(m => (m.Post.PersonId, m.Product))
            .Select(g => new PersonProductMentions(g.Key.PersonId, _products[g.Key.Product].Name, g.Count(),
                g.Count(m => m.Tone == Tone.Positive), g.Count(m => m.Tone == Tone.Negative), g.Count(m => m.Tone == Tone.Neutral)))
            .OrderBy(m => m.PersonId).ThenBy(m => m.Product, StringComparer.Ordinal).ToList();
        return (rows, summaries, persons);
    }

    /// <summary>
    /// The launch view: a product's share of voice, and its competitors', within the set of the
    /// product and its competitors, over the weeks before and after its launch; and each one's share
    /// of all the set's mentions over the <paramref name="weeksAround"/> weeks before the launch week
    /// and over the launch week and those after it.
    /// </summary>
    public static LaunchView Launch(string product, IReadOnlyList<string> competitors, DateOnly? launchDate, IReadOnlyList<ProductWeek> weeks, int weeksAround = 12)
    {
        if (launchDate is not { } launch)
        {
            return new LaunchView(product, null, [], new Dictionary<string, (double?, double?)>());
        }
        var launchWeek = WeekOf(launch.ToDateTime(TimeOnly.MinValue));
        var names = new[] { product }.Concat(competitors).ToList();
        var inRange = weeks.Where(w => names.Contains(w.Product, StringComparer.OrdinalIgnoreCase)
            && w.Week >= launchWeek.AddDays(-7 * weeksAround) && w.Week < launchWeek.AddDays(7 * (weeksAround + 1))).ToList();
        // Shares within the launch's set (the product and its competitors), whatever set each competitor has of its own, so the rows of a week add up to 100%.
        var totals = inRange.GroupBy(w => w.Week).ToDictionary(g => g.Key, g => g.Sum(w => w.HcpMentions));
        var shown = inRange.Select(w => w with { ShareOfVoice = totals[w.Week] == 0 ? null : (double)w.HcpMentions / totals[w.Week] }).ToList();
        double? Share(string name, bool after)
        {
            var rows = shown.Where(w => (w.Week >= launchWeek) == after).ToList();
            var all = rows.Sum(w => w.HcpMentions);
            return all == 0 ? null : (double)rows.Where(w => string.Equals(w.Product, name, StringComparison.OrdinalIgnoreCase)).Sum(w => w.HcpMentions) / all;
        }
        var means = names.ToDictionary(n => n, n => (Share(n, after: false), Share(n, after: true)));
        return new LaunchView(product, launchWeek, shown, means);
    }
}

/// <summary>A product's launch against its competitors: the weeks around the launch and each product's share of voice before and after.</summary>
public sealed record LaunchView(string Product, DateOnly? LaunchWeek, IReadOnlyList<ProductWeek> Weeks, IReadOnlyDictionary<string, (double? Before, double? After)> ShareOfVoice);
