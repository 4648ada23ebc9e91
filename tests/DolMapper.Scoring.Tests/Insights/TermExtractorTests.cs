using DolMapper.Scoring.Insights;

namespace DolMapper.Scoring.Tests.Insights;

public sealed class TermExtractorTests
{
    [Fact]
    public void Terms_are_words_and_neighbouring_pairs_without_stop_words_links_mentions_or_hashtags()
    {
        var terms = TermExtractor.Terms("We need a better GLP-1 supply for our patients! See https://example.org/x @drsmith #T2D insulin pricing").ToList();
        Assert.Contains("glp-1", terms);
        Assert.Contains("better glp-1", terms);
        Assert.Contains("glp-1 supply", terms);
        Assert.Contains("insulin pricing", terms);
        Assert.DoesNotContain("need", terms.Where(t => t == "we"));
        Assert.DoesNotContain("for", terms);
        Assert.DoesNotContain(terms, t => t.Contains("example") || t.Contains("drsmith") || t.Contains("t2d") || t.Contains("https"));
        // Punctuation ends a phrase: "patients" and "see" are not a pair.
        Assert.DoesNotContain("patients see", terms);
    }

    [Fact]
    public void Stop_words_of_each_language_are_left_out()
    {
        var terms = TermExtractor.Terms("Los pacientes con diabetes und die Patienten mit Insulin").ToList();
        Assert.Contains("pacientes", terms);
        Assert.Contains("patienten", terms);
        Assert.DoesNotContain("los", terms);
        Assert.DoesNotContain("und", terms);
        Assert.DoesNotContain("mit", terms);
    }

    [Fact]
    public void A_posts_items_are_distinct_and_domains_drop_www()
    {
        var items = TermExtractor.Items("statins statins", ["Statins", "statins"], ["https://www.NEJM.org/doi/x", "https://nejm.org/y", "not a link"]).ToList();
        Assert.Single(items, i => i == (TermExtractor.Hashtag, "statins"));
        Assert.Single(items, i => i == (TermExtractor.Term, "statins"));
        Assert.Single(items, i => i == (TermExtractor.Domain, "nejm.org"));
        Assert.Contains((TermExtractor.Term, "statins statins"), items);
        Assert.Equal(4, items.Count);
    }
}
