using System.Globalization;
using System.Text;

namespace DolMapper.Web.Ingestion.Locations;

/// <summary>A country read from a free-text location, with how sure the reading is (0–1).</summary>
public readonly record struct ResolvedCountry(string Code, double Confidence);

/// <summary>
/// Reads a country out of a profile location as people write it ("Boston, MA", "NYC", "London, ON",
/// "München", "🇬🇧", "somewhere in Texas") with an offline gazetteer: country names and codes (in a
/// few languages), US states, Canadian provinces and Australian states with their abbreviations,
/// major cities, common abbreviations and flag emoji. Nonsense ("Planet Earth", "the call room")
/// stays unknown. Confidence: 0.95 for a named country or "city, region" that agree, 0.9 for a
/// state or province or a flag, 0.75 for a well-known city alone, 0.5 for an ambiguous one.
/// </summary>
public static class Gazetteer
{
    public const double Named = 0.95;
    public const double Region = 0.9;
    public const double City = 0.75;
    public const double Ambiguous = 0.5;

    public static ResolvedCountry? Resolve(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return null;
        }
        if (Flag(location) is { } flag)
        {
            return new ResolvedCountry(flag, Region);
        }

        var parts = location.Split([',', '|', '/', '·', '•', ';', '(', ')'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => p.Length > 0).ToList();
        if (parts.Count == 0)
        {
            return null;
        }

        // "City, REGION" or "City, Country": the last part names the region, the first the place.
        ResolvedCountry? best = null;
        if (parts.Count >= 2)
        {
            var place = Normalise(parts[0]);
            var region = parts[^1];
            var regionKey = Normalise(region);
            var cityCountry = Cities.GetValueOrDefault(place);
            var codes = RegionCountries(region, regionKey);
            if (cityCountry is not null && codes.Contains(cityCountry))
            {
                return new ResolvedCountry(cityCountry, Named);
            }
            if (codes.Count > 0)
            {
                // A US state abbreviation wins over a clashing country code ("Wilmington, DE"),
                // unless the place is a known city of that country ("Berlin, DE").
                best = new ResolvedCountry(codes[0], codes.Count == 1 ? Named : Region);
            }
        }

        foreach (var part in parts.AsEnumerable().Reverse())
        {
            var key = Normalise(part);
            if (Countries.TryGetValue(key, out var country))
            {
                return Max(best, new ResolvedCountry(country, Named));
            }
            if (Regions.TryGetValue(key, out var region))
            {
                best = Max(best, new ResolvedCountry(region, Region));
            }
            else if (Cities.TryGetValue(key, out var city))
            {
                best = Max(best, new ResolvedCountry(city, AmbiguousCities.Contains(key) ? Ambiguous : City));
            }
            else if (part.Length == 2 && part.All(char.IsAsciiLetterUpper) && StateCodes.TryGetValue(part, out var state))
            {
                best = Max(best, new ResolvedCountry(state, City));
            }
        }
        if (best is not null)
        {
            return best;
        }

        // Names inside a phrase: "somewhere in Texas", "proud Irishwoman in Dublin".
        var words = Normalise(location).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var length = 3; length >= 1; length--)
        {
            for (var i = 0; i + length <= words.Length; i++)
            {
                var phrase = string.Join(' ', words, i, length);
                if (Countries.TryGetValue(phrase, out var c) && phrase.Length > 3)
                {
                    return new ResolvedCountry(c, Region);
                }
                if (Regions.TryGetValue(phrase, out var r) && phrase.Length > 3)
                {
                    best = Max(best, new ResolvedCountry(r, City));
                }
                else if (Cities.TryGetValue(phrase, out var city) && phrase.Length > 3 && !AmbiguousCities.Contains(phrase))
                {
                    best = Max(best, new ResolvedCountry(city, Ambiguous));
                }
            }
        }
        return best;
    }

    private static ResolvedCountry? Max(ResolvedCountry? a, ResolvedCountry b) => a is null || b.Confidence > a.Value.Confidence ? b : a;

    /// <summary>The countries a trailing region part can mean, most likely first.</summary>
    private static List<string> RegionCountries(string region, string key)
    {
        var result = new List<string>(2);
        if (region.Length == 2 && region.All(char.IsAsciiLetter))
        {
            var upper = region.ToUpperInvariant();
            if (StateCodes.TryGetValue(upper, out var state))
            {
                result.Add(state);
            }
            if (SecondaryStateCodes.TryGetValue(upper, out var secondary) && !result.Contains(secondary))
            {
                result.Add(secondary);
            }
            if (CountryCodes.Contains(upper) && !result.Contains(upper))
            {
                result.Add(upper == "UK" ? "GB" : upper);
            }
        }
        if (Countries.TryGetValue(key, out var country) && !result.Contains(country))
        {
            result.Add(country);
        }
        if (Regions.TryGetValue(key, out var named) && !result.Contains(named))
        {
            result.Add(named);
        }
        return result;
    }

    /// <summary>Two regional-indicator symbols spell an ISO code: 🇬🇧 is "GB".</summary>
    private static string? Flag(string text)
    {
        for (var i = 0; i + 3 < text.Length; i++)
        {
            if (char.IsSurrogatePair(text[i], text[i + 1]) && char.IsSurrogatePair(text[i + 2], text[i + 3]))
            {
                var a = char.ConvertToUtf32(text[i], text[i + 1]) - 0x1F1E6;
                var b = char.ConvertToUtf32(text[i + 2], text[i + 3]) - 0x1F1E6;
                if (a is >= 0 and < 26 && b is >= 0 and < 26)
                {
                    var code = $"{(char)('A' + a)}{(char)('A' + b)}";
                    return code == "UK" ? "GB" : CountryCodes.Contains(code) ? code : null;
                }
            }
        }
        return null;
    }

    /// <summary>Lower case, accents removed, punctuation to spaces, single spaces.</summary>
    public static string Normalise(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                result.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (c != '.' && c != '\'' && !space && result.Length > 0)
            {
                result.Append(' ');
                space = true;
            }
        }
        return result.ToString().Trim();
    }

    private static Dictionary<string, string> Table(params (string Country, string Names)[] rows)
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (country, names) in rows)
        {
            foreach (var name in names.Split('|'))
            {
                table.TryAdd(Normalise(name), country);
            }
        }
        return table;
    }

    private static readonly HashSet<string> CountryCodes =
    [
        "US", "GB", "UK", "CA", "ES", "FR", "DE", "IT", "AU", "IN", "BR", "NL", "IE", "MX", "CH", "SE", "NG", "ZA", "JP", "CN", "KR", "PT",
        "BE", "AT", "DK", "NO", "FI", "PL", "GR", "TR", "IL", "AE", "SA", "EG", "KE", "GH", "AR", "CL", "CO", "PE", "NZ", "SG", "MY",
        "PH", "PK", "BD", "ID", "TH", "VN", "RU", "UA", "CZ", "HU", "RO", "QA",
    ];

    /// <summary>Country names, codes and common forms, in English and the countries' own languages.</summary>
    private static readonly Dictionary<string, string> Countries = Table(
        ("US", "united states|united states of america|usa|u s a|us|u s|america|estados unidos|etats unis|vereinigte staaten|stati uniti|eua"),
        ("GB", "united kingdom|uk|u k|great britain|britain|england|scotland|wales|northern ireland|gb|royaume uni|reino unido|vereinigtes konigreich|regno unito"),
        ("CA", "canada|kanada"),
        ("ES", "spain|espana|espagne|spanien|spagna|espanha"),
        ("FR", "france|francia|frankreich|franca"),
        ("DE", "germany|deutschland|allemagne|alemania|germania|alemanha"),
        ("IT", "italy|italia|italie|italien|italia"),
        ("AU", "australia|aussie|straya|oz"),
        ("IN", "india|bharat|inde|indien"),
        ("BR", "brazil|brasil|bresil|brasilien"),
        ("NL", "netherlands|the netherlands|holland|nederland|pays bas|paises bajos|niederlande"),
        ("IE", "ireland|eire|irlanda|irlande|irland"),
        ("MX", "mexico|mexique|mexiko|messico"),
        ("CH", "switzerland|schweiz|suisse|svizzera|suiza"),
        ("SE", "sweden|sverige|suecia|suede|schweden"),
        ("NG", "nigeria|naija"),
        ("ZA", "south africa|mzansi|rsa"),
        ("JP", "japan|nippon|japon|giappone"),
        ("CN", "china|prc|chine|cina"),
        ("KR", "south korea|korea|republic of korea"),
        ("PT", "portugal"),
        ("BE", "belgium|belgique|belgie|belgien"),
        ("AT", "austria|osterreich|autriche"),
        ("DK", "denmark|danmark"),
        ("NO", "norway|norge"),
        ("FI", "finland|suomi"),
        ("PL", "poland|polska"),
        ("GR", "greece|hellas"),
        ("TR", "turkey|turkiye"),
        ("IL", "israel"),
        ("AE", "united arab emirates|uae"),
        ("SA", "saudi arabia|ksa"),
        ("EG", "egypt"),
        ("KE", "kenya"),
        ("GH", "ghana"),
        ("AR", "argentina"),
        ("CL", "chile"),
        ("CO", "colombia"),
        ("PE", "peru"),
        ("NZ", "new zealand|aotearoa"),
        ("SG", "singapore"),
        ("MY", "malaysia"),
        ("PH", "philippines"),
        ("PK", "pakistan"),
        ("BD", "bangladesh"),
        ("ID", "indonesia"),
        ("TH", "thailand"),
        ("VN", "vietnam|viet nam"),
        ("RU", "russia"),
        ("UA", "ukraine"),
        ("CZ", "czech republic|czechia"),
        ("HU", "hungary"),
        ("RO", "romania"),
        ("QA", "qatar"));

    /// <summary>Two-letter US state and Canadian province codes (as written after a city).</summary>
    private static readonly Dictionary<string, string> StateCodes = new[]
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD",
        "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    }.Select(c => (c, "US"))
     .Concat(new[] { "ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU" }.Select(c => (c, "CA")))
     .Concat(new[] { "NSW", "VIC", "QLD", "TAS", "ACT" }.Select(c => (c, "AU")))
     .ToDictionary(x => x.Item1, x => x.Item2);

    /// <summary>Australian state codes that clash with US ones ("Perth, WA"): decided by the city.</summary>
    private static readonly Dictionary<string, string> SecondaryStateCodes = new() { ["WA"] = "AU", ["SA"] = "AU", ["NT"] = "AU" };

    /// <summary>States, provinces and regions by name and common abbreviation.</summary>
    private static readonly Dictionary<string, string> Regions = Table(
        ("US", "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia usa|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|mass|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington state|west virginia|wisconsin|wyoming|washington dc|d c|dc|dmv|bay area|silicon valley|socal|norcal|new england|midwest|pacific northwest|pnw|calif|penn|tenn|fla"),
        ("CA", "ontario|quebec|british columbia|alberta|manitoba|saskatchewan|nova scotia|new brunswick|newfoundland|prince edward island|yukon|nunavut"),
        ("AU", "new south wales|nsw|victoria australia|queensland|qld|western australia|south australia|tasmania"),
        ("GB", "london uk|greater london|yorkshire|lancashire|midlands|cornwall|kent uk|essex"),
        ("DE", "bayern|bavaria|nordrhein westfalen|nrw|baden wurttemberg|hessen|sachsen"),
        ("ES", "cataluna|catalunya|andalucia|comunidad de madrid|pais vasco|galicia"),
        ("IT", "lombardia|lazio|toscana|piemonte|sicilia|campania"),
        ("FR", "ile de france|bretagne|provence|occitanie|normandie"),
        ("IN", "maharashtra|karnataka|tamil nadu|kerala|delhi ncr|west bengal|telangana"),
        ("BR", "sao paulo sp|rio grande do sul|minas gerais"));

    /// <summary>Major cities (and their nicknames) a location names alone.</summary>
    private static readonly Dictionary<string, string> Cities = Table(
        ("US", "new york|new york city|nyc|manhattan|brooklyn|boston|houston|chicago|san francisco|sf|los angeles|la|philadelphia|philly|seattle|nashville|baltimore|ann arbor|rochester|atlanta|cleveland|denver|pittsburgh|durham|chapel hill|miami|dallas|austin|san diego|phoenix|detroit|minneapolis|st louis|saint louis|new orleans|portland|salt lake city|columbus|cincinnati|indianapolis|milwaukee|kansas city|charlotte|raleigh|richmond|bethesda|stanford|palo alto|new haven|providence|birmingham al|memphis|tampa|orlando|las vegas|sacramento|oakland|san jose|honolulu|anchorage|omaha|buffalo|albany|hershey|iowa city|madison|galveston|wilmington|paris tx"),
        ("GB", "london|manchester|birmingham|glasgow|edinburgh|leeds|oxford|cambridge|cardiff|bristol|liverpool|newcastle|sheffield|nottingham|leicester|southampton|belfast|aberdeen|dundee|brighton|coventry|york"),
        ("CA", "toronto|montreal|vancouver|calgary|ottawa|halifax|edmonton|winnipeg|quebec city|hamilton|kingston|london on|victoria bc|saskatoon|regina"),
        ("ES", "madrid|barcelona|valencia|sevilla|seville|bilbao|malaga|zaragoza|salamanca|granada|pamplona|santander"),
        ("FR", "paris|lyon|marseille|bordeaux|lille|toulouse|nantes|strasbourg|nice|montpellier|rennes|grenoble"),
        ("DE", "berlin|munchen|munich|hamburg|heidelberg|koln|cologne|frankfurt|frankfurt am main|dusseldorf|stuttgart|leipzig|dresden|mainz|freiburg|tubingen|essen|bonn|hannover"),
        ("IT", "milano|milan|roma|rome|torino|turin|bologna|napoli|naples|firenze|florence|padova|padua|genova|verona|pisa|palermo"),
        ("AU", "sydney|melbourne|brisbane|perth|adelaide|canberra|hobart|darwin|gold coast|newcastle nsw"),
        ("IN", "mumbai|bombay|new delhi|delhi|bengaluru|bangalore|chennai|madras|hyderabad|kolkata|calcutta|pune|ahmedabad|lucknow|chandigarh|vellore|jaipur|kochi"),
        ("BR", "sao paulo|rio de janeiro|rio|porto alegre|belo horizonte|brasilia|curitiba|salvador|recife|fortaleza"),
        ("NL", "amsterdam|rotterdam|utrecht|leiden|groningen|nijmegen|maastricht|eindhoven|the hague|den haag"),
        ("IE", "dublin|cork|galway|limerick"),
        ("MX", "ciudad de mexico|mexico city|cdmx|guadalajara|monterrey|puebla"),
        ("CH", "zurich|basel|bern|geneva|geneve|lausanne"),
        ("SE", "stockholm|gothenburg|goteborg|lund|uppsala|malmo"),
        ("NG", "lagos|abuja|ibadan|kano|enugu"),
        ("ZA", "cape town|johannesburg|joburg|durban|pretoria"),
        ("JP", "tokyo|osaka|kyoto|yokohama|nagoya"),
        ("PT", "lisbon|lisboa|porto"),
        ("BE", "brussels|bruxelles|antwerp|ghent|leuven"),
        ("AT", "vienna|wien|graz|innsbruck|salzburg"),
        ("DK", "copenhagen|kobenhavn|aarhus"),
        ("NO", "oslo|bergen"),
        ("FI", "helsinki"),
        ("PL", "warsaw|warszawa|krakow"),
        ("GR", "athens"),
        ("IL", "tel aviv|jerusalem|haifa"),
        ("AE", "dubai|abu dhabi"),
        ("SA", "riyadh|jeddah"),
        ("EG", "cairo|alexandria"),
        ("KE", "nairobi"),
        ("GH", "accra"),
        ("AR", "buenos aires"),
        ("CL", "santiago de chile"),
        ("CO", "bogota|medellin"),
        ("NZ", "auckland|wellington|christchurch"),
        ("SG", "singapore"),
        ("CN", "beijing|shanghai|hong kong|shenzhen"),
        ("KR", "seoul"),
        ("PK", "karachi|lahore|islamabad"),
        ("TR", "istanbul|ankara"));

    /// <summary>Cities whose name is also a big city elsewhere: alone they count for less.</summary>
    private static readonly HashSet<string> AmbiguousCities =
        ["london", "cambridge", "birmingham", "rochester", "portland", "newcastle", "richmond", "victoria", "perth", "kingston", "hamilton", "valencia", "la", "rio", "york", "durham", "wilmington", "salvador", "santiago", "porto", "madison", "columbus"];
}
