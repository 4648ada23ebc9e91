using DolMapper.Scoring.Insights;

namespace DolMapper.Scoring.Tests.Insights;

public sealed class ProductsTests
{
    private const string Valid = """
        {
          "profile": "Oncology",
          "products": [
            { "name": "Oncavra", "generic_name": "zanitumab", "synonyms": ["oncavera"], "competitors": ["trelixa", "Vexolid"], "launch_date": "2026-09-28" },
            { "name": "Trelixa", "generic_name": "moratinib" },
            { "name": "Vexolid" }
          ]
        }
        """;

    [Fact]
    public void A_valid_list_is_read_with_competitors_spelled_as_their_products()
    {
        var lists = ProductList.ParseMany(Valid, out var problems);
        Assert.Empty(problems);
        var oncavra = Assert.Single(lists).Products[0];
        Assert.Equal(["Trelixa", "Vexolid"], oncavra.Competitors);
        Assert.Equal(new DateOnly(2026, 9, 28), oncavra.LaunchDate);
        Assert.Equal(["Oncavra", "zanitumab", "oncavera"], oncavra.Names);
        var again = ProductList.ParseMany(ProductList.ToJson(lists), out var roundTrip);
        Assert.Empty(roundTrip);
        Assert.Equal(lists[0].Products.Select(p => p.Name), again[0].Products.Select(p => p.Name));
    }

    [Theory]
    [InlineData("""{"profile": "O", "products": [{"name": "A"}, {"name": "a"}]}""", "The name 'a' is in the list twice")]
    [InlineData("""{"profile": "O", "products": [{"name": "A", "synonyms": ["ok", " "]}]}""", "synonyms[1] is empty")]
    [InlineData("""{"profile": "O", "products": [{"name": "A", "competitors": ["B"]}]}""", "'A' competes with 'B', which is not in the list")]
    [InlineData("""{"profile": "O", "products": [{"name": "A", "competitors": ["A"]}]}""", "'A' is listed as its own competitor")]
    [InlineData("""{"profile": "O", "products": [{"name": "A", "synonyms": ["bee"]}, {"name": "B", "generic_name": "Bee"}]}""", "'Bee' names both 'A' and 'B'")]
    [InlineData("""{"products": [{"name": "A"}]}""", "'profile' is missing")]
    [InlineData("""{"profile": "O", "products": [{"name": "A", "launch_date": "soon"}]}""", "Not a product list")]
    [InlineData("""{"profile": "O", "products": [{"name": "A", "colour": "red"}]}""", "colour")]
    [InlineData("""{"profile": "O", "products": [{"name": ""}]}""", "products[0] has no name")]
    [InlineData("""[{"profile": "O", "products": []}, {"profile": "o", "products": []}]""", "more than one list")]
    public void A_bad_list_is_refused_whole_with_a_clear_message(string json, string expected)
    {
        var lists = ProductList.ParseMany(json, out var problems);
        Assert.Empty(lists);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Names_match_as_whole_words_in_any_case_and_are_masked_for_the_tone()
    {
        var list = ProductList.ParseMany(Valid, out _)[0];
        var matcher = new ProductMatcher(list.Products);
        Assert.Equal([0], matcher.Find("Started ZANITUMAB today"));
        Assert.Equal([0, 1], matcher.Find("Oncavra or moratinib?"));
        Assert.Empty(matcher.Find("Oncavras and Trelixabc are not names"));
        Assert.Equal("{P} then {P}.", matcher.Mask("Oncavra then oncavera.", 0));
    }

    [Fact]
    public void Weekly_mentions_share_of_voice_tones_and_the_launch_view()
    {
        var list = ProductList.ParseMany(Valid, out _)[0];
        var from = new DateTime(2026, 8, 2, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        // A stand-in reader of tone: the classifier has its own tests; here the counting is checked.
        var mentions = new ProductMentions(list.Products, from, to, text => text.Contains("great") ? Tone.Positive : text.Contains("awful") ? Tone.Negative : Tone.Neutral);
        var id = 0L;
        void Post(DateTime at, long person, string text, long engagement = 0) => mentions.Add(new ProductPost(++id, person * 10, person, at, text, engagement));
        // Before the launch (week of 28 September): Trelixa 3, Vexolid 1 a week; after: Oncavra 2, Trelixa 1, Vexolid 1.
        for (var week = new DateTime(2026, 8, 31, 12, 0, 0, DateTimeKind.Utc); week < to; week = week.AddDays(7))
        {
            var launched = week >= new DateTime(2026, 9, 28, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 0; i < (launched ? 1 : 3); i++) Post(week, 1 + i, "Trelixa works, great");
            Post(week, 5, "Vexolid again, awful");
            if (launched)
            {
                Post(week, 7, "Oncavra is great");
                Post(week.AddHours(1), 8, "zanitumab dosing?", engagement: 9);
            }
        }
        var (weeks, summaries, persons) = mentions.Build();
        var first = ProductMentions.WeekOf(from);
        Assert.Equal(DayOfWeek.Monday, first.DayOfWeek);
        Assert.Equal(3 * weeks.Count(w => w.Product == "Oncavra"), weeks.Count);
        var launchWeek = weeks.Single(w => w.Product == "Oncavra" && w.Week == new DateOnly(2026, 9, 28));
        Assert.Equal(2, launchWeek.HcpMentions);
        Assert.Equal(2, launchWeek.HcpAuthors);
        Assert.Equal(0.5, launchWeek.ShareOfVoice!.Value, 6);
        Assert.Equal((1, 0, 1), (launchWeek.Positive, launchWeek.Negative, launchWeek.Neutral));
        Assert.Null(weeks.Single(w => w.Product == "Oncavra" && w.Week == first).ShareOfVoice);
        // Trelixa names no competitors: its set is the whole list.
        Assert.Equal(0.75, weeks.Single(w => w.Product == "Trelixa" && w.Week == new DateOnly(2026, 9, 21)).ShareOfVoice!.Value, 6);

        var oncavra = summaries.Single(s => s.Product == "Oncavra");
        Assert.Equal(10, oncavra.Mentions);
        Assert.Equal([Tone.Positive, Tone.Neutral], oncavra.Examples.Select(e => e.Tone));
        Assert.Equal(5, persons.Single(p => p.PersonId == 8 && p.Product == "Oncavra").Mentions);

        var launch = ProductMentions.Launch(oncavra.Product, oncavra.Competitors, oncavra.LaunchDate, weeks);
        Assert.Equal(new DateOnly(2026, 9, 28), launch.LaunchWeek);
        Assert.Equal(0, launch.ShareOfVoice["Oncavra"].Before!.Value, 6);
        Assert.Equal(0.5, launch.ShareOfVoice["Oncavra"].After!.Value, 6);
        Assert.Equal(0.75, launch.ShareOfVoice["Trelixa"].Before!.Value, 6);
        Assert.Equal(0.25, launch.ShareOfVoice["Trelixa"].After!.Value, 6);
        // Within the launch's set every week and each period add up to the whole.
        Assert.Equal(1, launch.ShareOfVoice.Values.Sum(s => s.Before ?? 0), 6);
        Assert.Equal(1, launch.ShareOfVoice.Values.Sum(s => s.After ?? 0), 6);
        Assert.All(launch.Weeks.GroupBy(w => w.Week).Where(g => g.Any(w => w.HcpMentions > 0)), g => Assert.Equal(1, g.Sum(w => w.ShareOfVoice ?? 0), 6));
    }
}
