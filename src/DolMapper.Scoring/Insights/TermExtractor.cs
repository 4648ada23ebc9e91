using System.Globalization;
using System.Text;

namespace DolMapper.Scoring.Insights;

/// <summary>
/// The items a post talks about (docs/insights.md): its hashtags, its terms — single words and
/// two-word phrases after stop words in the corpus's languages — and the domains it links to.
/// </summary>
public static class TermExtractor
{
    /// <summary>Hashtags, lower case, without '#'.</summary>
    public const string Hashtag = "hashtag";
    /// <summary>Words and two-word phrases.</summary>
    public const string Term = "term";
    /// <summary>Linked hosts without "www.".</summary>
    public const string Domain = "domain";

    /// <summary>The three kinds, in the order pages show them.</summary>
    public static readonly IReadOnlyList<string> Kinds = [Hashtag, Term, Domain];

    /// <summary>
    /// Function words of the languages the corpus has (English, Spanish, French, German, Italian,
    /// Portuguese) and the words every post about anything uses; a term is never one of these, and a
    /// phrase never starts or ends with one.
    /// </summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        // English
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "her", "was", "one", "our", "out", "has", "had", "his", "how",
        "its", "may", "new", "now", "old", "see", "two", "who", "did", "get", "let", "say", "she", "too", "use", "via", "amp", "what", "when",
        "with", "this", "that", "from", "they", "will", "would", "there", "their", "been", "have", "were", "more", "some", "than", "then",
        "them", "these", "those", "into", "just", "like", "about", "your", "yours", "also", "only", "over", "such", "very", "much", "many",
        "most", "other", "which", "while", "where", "here", "after", "before", "because", "could", "should", "still", "being", "does",
        "doing", "each", "even", "ever", "every", "few", "yet", "why", "own", "same", "both", "between", "through", "again", "further",
        "once", "under", "until", "off", "down", "above", "below", "nor", "few", "more", "really", "today", "week", "year", "time", "thing",
        "things", "make", "made", "going", "know", "think", "thanks", "thank", "great", "good", "day", "via", "per", "ive", "dont", "its",
        "im", "thats", "theyre", "cant", "wont", "didnt", "doesnt", "isnt", "arent", "youre", "lets", "got", "way", "lot", "one", "much",
        // Spanish
        "que", "los", "las", "del", "por", "con", "una", "uno", "para", "como", "más", "mas", "pero", "sus", "este", "esta", "esto", "ese",
        "esa", "son", "hay", "muy", "sin", "sobre", "también", "tambien", "entre", "cuando", "todo", "todos", "ya", "hoy", "nos", "ser",
        // French
        "les", "des", "une", "est", "pas", "pour", "que", "qui", "dans", "sur", "par", "avec", "plus", "sont", "ces", "ses", "aux", "nous",
        "vous", "mais", "ont", "été", "tout", "tous", "aussi", "cette", "comme", "fait", "très", "aujourd",
        // German
        "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "einen", "mit", "den", "dem", "des", "auf", "für", "von", "sich", "auch",
        "wir", "sie", "ich", "bei", "nach", "wie", "noch", "aus", "zum", "zur", "über", "oder", "aber", "sind", "wird", "heute", "mehr",
        // Italian
        "che", "non", "per", "una", "con", "del", "della", "delle", "dei", "gli", "nel", "nella", "sono", "come", "anche", "più", "oggi",
        "questo", "questa", "tra", "sul", "sulla",
        // Portuguese
        "não", "nao", "uma", "com", "para", "dos", "das", "por", "mais", "como", "mas", "são", "sao", "também", "hoje", "isso", "esse",
        "essa", "pelo", "pela", "nos", "aos",
    };

    /// <summary>
    /// The distinct items of one post, each as (kind, item): hashtags as stored, terms from the text
    /// (mentions, links and hashtags left out), domains from the links.
    /// </summary>
    public static IEnumerable<(string Kind, string Item)> Items(string? text, IEnumerable<string>? hashtags, IEnumerable<string>? urls)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var tag in hashtags ?? [])
        {
            var t = tag.Trim().TrimStart('#').ToLowerInvariant();
            if (t.Length > 0 && seen.Add((Hashtag, t)))
            {
                yield return (Hashtag, t);
            }
        }
        foreach (var term in Terms(text))
        {
            if (seen.Add((Term, term)))
            {
                yield return (Term, term);
            }
        }
        foreach (var url in urls ?? [])
        {
            if (DomainOf(url) is { } domain && seen.Add((Domain, domain)))
            {
                yield return (Domain, domain);
            }
        }
    }

    /// <summary>The host of a link, lower case, without "www." (null when it is not an absolute http(s) link).</summary>
    public static string? DomainOf(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }
        var host = uri.IdnHost.ToLowerInvariant();
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }

    /// <summary>Words (at least three characters, or two with a digit) and two-word phrases of neighbouring words, stop words left out.</summary>
    public static IEnumerable<string> Terms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }
        string? previous = null;
        foreach (var token in Tokens(text))
        {
            if (token is null || StopWords.Contains(token) || !IsTerm(token))
            {
                previous = null;
                continue;
            }
            yield return token;
            if (previous is not null)
            {
                yield return previous + " " + token;
            }
            previous = token;
        }
    }

    private static bool IsTerm(string token)
    {
        var letters = 0;
        var digits = 0;
        foreach (var c in token)
        {
            if (char.IsLetter(c))
            {
                letters++;
            }
            else if (char.IsDigit(c))
            {
                digits++;
            }
        }
        return letters > 0 && (token.Length >= 3 || digits > 0);
    }

    /// <summary>
    /// The text's words in lower case; null where a sentence, a link, a mention or a hashtag breaks
    /// the run of words (a phrase never spans one). A word keeps inner hyphens ("glp-1", "car-t").
    /// </summary>
    private static IEnumerable<string?> Tokens(string text)
    {
        var word = new StringBuilder();
        var skipping = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (skipping)
            {
                if (char.IsWhiteSpace(c))
                {
                    skipping = false;
                    yield return null;
                }
                continue;
            }
            if (char.IsLetterOrDigit(c) || (c is '-' or '\'' && word.Length > 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1])))
            {
                if (c != '\'')
                {
                    word.Append(char.ToLower(c, CultureInfo.InvariantCulture));
                }
                continue;
            }
            if (word.Length > 0)
            {
                var done = word.ToString();
                word.Clear();
                if ((c == ':' && i + 2 < text.Length && text[i + 1] == '/' && text[i + 2] == '/') || (c == '.' && i + 1 < text.Length && char.IsLetter(text[i + 1]) && done is "www"))
                {
                    skipping = true;
                    continue;
                }
                yield return done;
            }
            if (c is '#' or '@')
            {
                skipping = true;
                yield return null;
            }
            else if (!char.IsWhiteSpace(c))
            {
                // Punctuation ends a phrase.
                yield return null;
            }
        }
    }
}
