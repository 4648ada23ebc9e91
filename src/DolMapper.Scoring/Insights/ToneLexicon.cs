using System.Globalization;
using System.Text;

namespace DolMapper.Scoring.Insights;

/// <summary>
/// Words that speak well or ill of a treatment, in the six languages of the corpora, each a word or
/// the start of words ("disappoint" also finds "disappointed" and "disappointing"). A word after a
/// negation ("not impressed", "nicht zufrieden", "pas satisfait") counts for the other side. Written
/// from the vocabulary of efficacy, tolerability, access and price, before the tone corpus's held-out
/// rows (Insights/ToneCorpus/README.md); the tone classifier reads its two counts beside the words.
/// </summary>
public static class ToneLexicon
{
    private static readonly string[] PositiveWords =
    [
        // English
        "impress", "remarkable", "excellent", "great", "good", "better", "best", "pleased", "pleasant", "happy", "glad", "delight", "thrill", "grateful",
        "love", "loving", "wonderful", "brilliant", "encourag", "promising", "durable", "lasting", "win", "won", "relief", "welcome", "recommend",
        "effective", "works", "well", "tolerat", "mild", "clean", "easy", "simple", "strong", "solid", "success", "breakthrough", "game changer",
        "practice changing", "exceed", "outperform", "benefit", "improv", "deliver", "real deal", "deep", "deserved", "finally", "thank", "proud",
        // Spanish
        "contento", "contenta", "excelente", "buen", "bueno", "buena", "mejor", "gran", "impresionant", "duradera", "eficaz", "alivio", "éxito", "encantad",
        // French
        "satisfait", "excellent", "bonne", "bon", "meilleur", "impressionn", "durable", "efficace", "joie", "réussi", "enfin", "ravi",
        // German
        "zufrieden", "hervorragend", "toll", "gut", "besser", "beeindruck", "anhaltend", "wirksam", "großartig", "endlich", "erfolg", "freu",
        // Italian
        "soddisfatt", "ottim", "eccellent", "buon", "migliore", "impressionant", "duratur", "efficace", "finalmente", "successo",
        // Portuguese
        "satisfeit", "ótim", "excelente", "bom", "boa", "melhor", "impressionant", "duradour", "eficaz", "finalmente", "sucesso",
    ];

    private static readonly string[] NegativeWords =
    [
        // English
        "disappoint", "letdown", "let us down", "poor", "bad", "worse", "worst", "awful", "terrible", "brutal", "severe", "serious", "toxic", "toxicit",
        "progress", "fail", "stop", "stopped", "discontinu", "hospitalis", "hospitaliz", "reaction", "rash", "nausea", "neuropathy", "neutropenia", "pneumonitis",
        "diarrh", "fatigue", "price", "afford", "expensive", "cost", "indefensible", "unacceptable", "shortage", "unreliable", "missing", "denial", "denied",
        "nightmare", "exhaust", "worr", "concern", "hype", "overhyped", "oversold", "marginal", "modest", "weak", "regret", "trouble", "downplay", "careful",
        "not work", "lose faith", "no response", "off", "sceptic", "skeptic",
        // Spanish
        "decepcion", "grave", "toxicidad", "suspend", "precio", "indefendible", "inaceptable", "falta", "preocup", "mala", "malo", "ninguna respuesta", "progresar",
        // French
        "déçu", "décevant", "sévère", "toxicité", "arrêt", "prix", "injustifiable", "inacceptable", "rupture", "inquiet", "mauvais", "aucune réponse", "progress",
        // German
        "enttäusch", "schwer", "toxizität", "abgesetzt", "preis", "nicht zu rechtfertigen", "inakzeptabel", "lieferengpass", "besorgt", "schlecht", "kein ansprechen", "progredient",
        // Italian
        "deluso", "delusa", "grave", "tossicità", "sospeso", "prezzo", "ingiustificabile", "preoccupat", "pessim", "nessuna risposta", "progressione",
        // Portuguese
        "decepcion", "grave", "toxicidade", "suspend", "preço", "indefensável", "preocupad", "péssim", "nenhuma resposta", "progredir", "progrediram",
    ];

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "nothing", "hardly", "isn't", "wasn't", "don't", "doesn't", "didn't", "without",
        "no", "nunca", "sin", "ni", "pas", "jamais", "sans", "nicht", "kein", "keine", "nie", "ohne", "non", "mai", "senza", "não", "nem", "sem",
    };

    /// <summary>Short or ambiguous entries that must be whole words ("well", not "wellness"; "off", not "office").</summary>
    private static readonly HashSet<string> WholeWords = new(StringComparer.Ordinal) { "well", "good", "great", "best", "love", "easy", "deep", "works", "stop", "cost", "price", "worse", "worst", "gran", "buen", "bueno", "buena", "bonne", "gut", "toll", "buon", "mala", "malo", "boa", "schwer", "grave", "prix", "preis", "mild", "clean", "weak", "modest", "finally", "enfin", "endlich" };

    private static readonly (string[] Words, bool Prefix)[] Positive = Prepare(PositiveWords);
    private static readonly (string[] Words, bool Prefix)[] Negative = Prepare(NegativeWords);

    private static (string[] Words, bool Prefix)[] Prepare(string[] entries) =>
        [.. entries.Distinct().Select(e => (e.Split(' '), !e.Contains(' ') && e.Length >= 4 && !WholeWords.Contains(e)))];


    /// <summary>How many words speak well and how many ill of the product in <paramref name="text"/>, negations flipped.</summary>
    public static (int Positive, int Negative) Count(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (0, 0);
        }
        var tokens = Tokens(text);
        int positive = 0, negative = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var good = Matches(tokens, i, Positive);
            var bad = Matches(tokens, i, Negative);
            if (good == bad)
            {
                continue;
            }
            var negated = (i > 0 && Negations.Contains(tokens[i - 1])) || (i > 1 && Negations.Contains(tokens[i - 2]));
            if (good ^ negated)
            {
                positive++;
            }
            else
            {
                negative++;
            }
        }
        return (positive, negative);
    }

    private static bool Matches(List<string> tokens, int at, (string[] Words, bool Prefix)[] entries)
    {
        foreach (var (words, prefix) in entries)
        {
            if (at + words.Length > tokens.Count)
            {
                continue;
            }
            if (words.Length == 1)
            {
                if (prefix ? tokens[at].StartsWith(words[0], StringComparison.Ordinal) : tokens[at] == words[0])
                {
                    return true;
                }
                continue;
            }
            var all = true;
            for (var k = 0; k < words.Length && all; k++)
            {
                all = tokens[at + k] == words[k];
            }
            if (all)
            {
                return true;
            }
        }
        return false;
    }

    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text.ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsLetter(c) || c == '\'' || c == '’')
            {
                current.Append(c == '’' ? '\'' : c);
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }
        return tokens;
    }
}
