using DolMapper.Scoring.Compliance;

namespace DolMapper.Scoring.Tests.Compliance;

/// <summary>The adverse-event screen (docs/compliance.md): a product and an event make a potential adverse event; the other two criteria are recorded.</summary>
public sealed class AdverseEventScreenTests
{
    private static readonly string[] Products = ["Oncavra", "zanetinib"];

    [Theory]
    [InlineData("My mum had terrible nausea on Oncavra, she ended up in hospital.", true, true)]
    [InlineData("Patient of mine developed a rash after starting zanetinib last week.", true, true)]
    [InlineData("Mi madre tuvo efectos secundarios graves con Oncavra.", true, true)]
    [InlineData("Oncavra: Nebenwirkungen bei meiner Patientin, Übelkeit seit Tagen.", true, true)]
    [InlineData("New data: Oncavra improved survival in the phase 3 trial.", false, false)]
    [InlineData("Side effects of chemotherapy are hard for everyone.", false, true)]
    [InlineData("ONCAVRA gave my husband a rash", true, true)]
    [InlineData("Had to stop Oncavra because of toxicity. https://blog.ghost.io/p/x europa.eu", true, false)]
    public void A_product_with_an_adverse_event_is_a_potential_adverse_event(string text, bool potential, bool patient)
    {
        var finding = AdverseEventScreen.Screen(text, Products);
        Assert.Equal(potential, finding.Potential);
        if (potential)
        {
            Assert.Equal(patient, finding.Patient);
            Assert.Contains(AdverseEventScreen.ProductCriterion, finding.Criteria);
            Assert.Contains(AdverseEventScreen.EventCriterion, finding.Criteria);
            Assert.Contains(AdverseEventScreen.ReporterCriterion, finding.Criteria);
        }
    }

    [Fact]
    public void A_product_name_inside_another_word_is_not_the_product_and_the_spans_mark_what_was_found()
    {
        Assert.False(AdverseEventScreen.Screen("Oncavraxe caused a rash", Products).Potential);
        var text = "Rash on Oncavra";
        var finding = AdverseEventScreen.Screen(text, Products);
        Assert.Equal([("Rash", "event"), ("Oncavra", "product")], finding.Spans.Select(s => (text.Substring(s.Start, s.Length), s.Criterion)));
        Assert.Equal(["Oncavra"], finding.Products);
        Assert.False(finding.Patient);
    }
}
