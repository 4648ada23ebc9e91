using System.Text.Json;
using DolMapper.Web.Features.Profiles;

namespace DolMapper.Web.Tests.Features;

/// <summary>The profile page's words for a question's stored evidence.</summary>
public sealed class EvidenceTextTests
{
    private static string Geography(string evidence)
    {
        using var document = JsonDocument.Parse("{\"geography\":" + evidence + "}");
        return EvidenceText.Describe("geography", document.RootElement);
    }

    [Fact]
    public void Geography_without_targets_says_how_much_stays_at_home_against_the_field()
    {
        var local = Geography("""{"label":"local","partners_with_country":40,"top_country":"IE","home_country":"IE","home_partners":34,"home_bias":0.82}""");
        Assert.Equal("local: 40 conversation partners with a known country, most in IE; 34 at home (IE), a mostly local conversation.", local);
        var wide = Geography("""{"label":"national","partners_with_country":100,"top_country":"US","home_country":"US","home_partners":52,"home_bias":0.05}""");
        Assert.EndsWith("52 at home (US), as international as the field or more.", wide);
    }

    [Fact]
    public void Geography_with_targets_counts_the_partners_in_them()
    {
        var text = Geography("""{"label":"global","partners_with_country":20,"top_country":"US","in_target":6,"home_country":"GB","home_partners":6,"home_bias":0.2}""");
        Assert.Equal("global: 20 conversation partners with a known country, most in US; 6 in the target countries.", text);
    }
}
