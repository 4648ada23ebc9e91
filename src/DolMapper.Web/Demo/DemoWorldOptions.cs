namespace DolMapper.Web.Demo;

/// <summary>What world to make. The same options always give byte-identical output.</summary>
public sealed record DemoWorldOptions
{
    /// <summary>The world <c>serve --demo</c> seeds: small enough to import in seconds, big enough to rank.</summary>
    public const int DefaultPersons = 5_000;
    public const int DefaultPosts = 150_000;
    public const ulong DefaultSeed = 42;

    public int Persons { get; init; } = DefaultPersons;
    public long Posts { get; init; } = DefaultPosts;
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>
    /// The last day of the world (exclusive). Fixed, not today, so a seed gives the same world on
    /// every day it is run; scoring windows end at the newest post, not at the clock.
    /// </summary>
    public DateOnly End { get; init; } = new(2026, 11, 1);
    public int Days { get; init; } = 365;

    public DateOnly Start => End.AddDays(-Days);

    public IEnumerable<string> Problems()
    {
        if (Persons < 10)
        {
            yield return "--persons must be at least 10.";
        }
        if (Persons > 5_000_000)
        {
            yield return "--persons must be at most 5,000,000.";
        }
        if (Posts < 0)
        {
            yield return "--posts cannot be negative.";
        }
        if (Days < 7)
        {
            yield return "the world must span at least 7 days.";
        }
    }
}
