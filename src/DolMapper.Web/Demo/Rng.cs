namespace DolMapper.Web.Demo;

/// <summary>
/// xoshiro256** seeded through SplitMix64: fast, and the same sequence on every machine and .NET
/// version (System.Random promises neither), which is what makes a demo world byte-identical.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>An independent stream for a named part of the world, so adding draws to one part does not shift another.</summary>
    public static Rng For(ulong seed, string purpose)
    {
        var h = 14695981039346656037UL;
        foreach (var c in purpose)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return new Rng(seed ^ h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);

    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Standard normal (Box-Muller; one of the pair is discarded for simplicity).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double Normal(double mean, double sd) => mean + sd * Normal();

    public double LogNormal(double mu, double sigma) => Math.Exp(Normal(mu, sigma));

    /// <summary>Pareto with minimum <paramref name="scale"/> and tail index <paramref name="alpha"/>.</summary>
    public double Pareto(double scale, double alpha) => scale / Math.Pow(1.0 - NextDouble(), 1.0 / alpha);

    /// <summary>Beta(a, b) from two gamma draws (a, b ≥ 1 is all the world needs, but any positive value works).</summary>
    public double Beta(double a, double b)
    {
        var x = Gamma(a);
        var y = Gamma(b);
        return x / (x + y);
    }

    /// <summary>A Beta draw with the given mean and concentration (higher = tighter around the mean).</summary>
    public double BetaMean(double mean, double concentration = 8)
    {
        mean = Math.Clamp(mean, 0.02, 0.98);
        return Beta(mean * concentration, (1 - mean) * concentration);
    }

    /// <summary>Marsaglia and Tsang's gamma sampler.</summary>
    public double Gamma(double shape)
    {
        if (shape < 1)
        {
            return Gamma(shape + 1) * Math.Pow(NextDouble(), 1.0 / shape);
        }
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    /// <summary>Poisson (Knuth for small means, a rounded normal for large ones).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(Normal(mean, Math.Sqrt(mean))));
        }
        var l = Math.Exp(-mean);
        var k = 0;
        var p = 1.0;
        do
        {
            k++;
            p *= NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    /// <summary>An index drawn with the given (unnormalised) weights; linear, for short lists.</summary>
    public int Weighted(ReadOnlySpan<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }
        var r = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }
}

/// <summary>Walker's alias table: O(1) draws from a fixed discrete distribution over many items.</summary>
public sealed class AliasTable
{
    private readonly double[] _probability;
    private readonly int[] _alias;
    private readonly int[] _items;

    public int Count => _items.Length;

    /// <param name="items">What a draw returns.</param>
    /// <param name="weights">Non-negative weights, one per item.</param>
    public AliasTable(IReadOnlyList<int> items, IReadOnlyList<double> weights)
    {
        var n = items.Count;
        _items = [.. items];
        _probability = new double[n];
        _alias = new int[n];
        if (n == 0)
        {
            return;
        }
        var total = weights.Sum();
        var scaled = new double[n];
        for (var i = 0; i < n; i++)
        {
            scaled[i] = total > 0 ? weights[i] * n / total : 1;
        }
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = 0; i < n; i++)
        {
            (scaled[i] < 1 ? small : large).Push(i);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            var s = small.Pop();
            var l = large.Pop();
            _probability[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }
        while (large.Count > 0)
        {
            _probability[large.Pop()] = 1;
        }
        while (small.Count > 0)
        {
            _probability[small.Pop()] = 1;
        }
    }

    public int Draw(Rng rng)
    {
        var i = rng.Next(_items.Length);
        return _items[rng.NextDouble() < _probability[i] ? i : _alias[i]];
    }
}
