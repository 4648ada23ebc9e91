using DolMapper.Web.Ingestion.Locations;

namespace DolMapper.Web.Tests.Ingestion;

public class GazetteerTests
{
    [Theory]
    [InlineData("Boston, MA", "US")]
    [InlineData("New York, NY", "US")]
    [InlineData("NYC", "US")]
    [InlineData("San Francisco Bay Area", "US")]
    [InlineData("Bay Area", "US")]
    [InlineData("Baltimore, MD", "US")]
    [InlineData("Rochester, MN", "US")]
    [InlineData("Paris, TX", "US")]
    [InlineData("Seattle, WA", "US")]
    [InlineData("Wilmington, DE", "US")]
    [InlineData("Washington, DC", "US")]
    [InlineData("California, USA", "US")]
    [InlineData("somewhere in Texas", "US")]
    [InlineData("Atlanta, Georgia", "US")]
    [InlineData("London", "GB")]
    [InlineData("London, England", "GB")]
    [InlineData("Glasgow, Scotland", "GB")]
    [InlineData("UK", "GB")]
    [InlineData("NHS Lothian | Edinburgh", "GB")]
    [InlineData("🇬🇧", "GB")]
    [InlineData("London, ON", "CA")]
    [InlineData("Toronto, Canada", "CA")]
    [InlineData("Montréal, QC", "CA")]
    [InlineData("Vancouver, BC", "CA")]
    [InlineData("Paris", "FR")]
    [InlineData("Paris, France", "FR")]
    [InlineData("quelque part en France", "FR")]
    [InlineData("München", "DE")]
    [InlineData("Berlin, DE", "DE")]
    [InlineData("Frankfurt am Main", "DE")]
    [InlineData("Madrid, España", "ES")]
    [InlineData("Milano", "IT")]
    [InlineData("Sydney, NSW", "AU")]
    [InlineData("Perth, WA", "AU")]
    [InlineData("Mumbai, IN", "IN")]
    [InlineData("New Delhi, India", "IN")]
    [InlineData("Bengaluru", "IN")]
    [InlineData("São Paulo", "BR")]
    [InlineData("CDMX", "MX")]
    [InlineData("Dublin", "IE")]
    [InlineData("Zürich", "CH")]
    [InlineData("Lagos", "NG")]
    [InlineData("Mzansi", "ZA")]
    [InlineData("Cape Town", "ZA")]
    [InlineData("Tokyo 🇯🇵", "JP")]
    public void A_location_as_people_write_it_resolves_to_its_country(string location, string country)
    {
        var resolved = Gazetteer.Resolve(location);
        Assert.NotNull(resolved);
        Assert.Equal(country, resolved.Value.Code);
        Assert.InRange(resolved.Value.Confidence, 0.5, 1);
    }

    [Theory]
    [InlineData("Planet Earth")]
    [InlineData("🌍")]
    [InlineData("worldwide")]
    [InlineData("the call room")]
    [InlineData("she/her")]
    [InlineData("Views my own")]
    [InlineData("Hogwarts")]
    [InlineData("between two coffees")]
    [InlineData("on call")]
    [InlineData("")]
    [InlineData(null)]
    public void Nonsense_stays_unknown(string? location) => Assert.Null(Gazetteer.Resolve(location));

    [Fact]
    public void A_city_and_its_region_that_agree_are_surer_than_an_ambiguous_city_alone()
    {
        Assert.Equal(Gazetteer.Named, Gazetteer.Resolve("Boston, MA")!.Value.Confidence);
        Assert.Equal(Gazetteer.Ambiguous, Gazetteer.Resolve("Cambridge")!.Value.Confidence);
        Assert.True(Gazetteer.Resolve("Boston")!.Value.Confidence < Gazetteer.Resolve("Boston, MA")!.Value.Confidence);
    }
}
