using System.Reflection;
using System.Text;

namespace DolMapper.Scoring.Hcp;

/// <summary>A labelled profile: what an account shows (name, handle, bio) and who it is.</summary>
public sealed record HcpExample(string Label, string? Specialty, string Name, string Handle, string Bio);

/// <summary>The labelled corpus kept in the repository (Hcp/Corpus), embedded in this assembly.</summary>
public static class HcpCorpus
{
    /// <summary>Every row of every label's file.</summary>
    public static IReadOnlyList<HcpExample> Load()
    {
        var assembly = typeof(HcpCorpus).Assembly;
        var examples = new List<HcpExample>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("hcp-corpus/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var label = Path.GetFileNameWithoutExtension(resource["hcp-corpus/".Length..]);
            if (!HcpLabels.IsLabel(label))
            {
                throw new InvalidDataException($"Corpus file '{resource}' is not named after a label.");
            }
            using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidDataException($"Missing resource {resource}.");
            examples.AddRange(Parse(stream, label, resource));
        }
        return examples;
    }

    /// <summary>Reads rows of <c>specialty TAB name TAB handle TAB bio</c>.</summary>
    public static IEnumerable<HcpExample> Parse(Stream stream, string label, string origin)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != 4)
            {
                throw new InvalidDataException($"{origin}:{lineNumber}: expected 4 tab-separated fields, found {fields.Length}.");
            }
            yield return new HcpExample(label, fields[0].Length == 0 ? null : fields[0], fields[1], fields[2], fields[3]);
        }
    }

    /// <summary>
    /// What a model is trained on, as one string: the corpus's rows and the cue reader's version. A
    /// stored model trained on another fingerprint is out of date (an upgrade changed either) and
    /// is trained again.
    /// </summary>
    public static string Fingerprint(IEnumerable<HcpExample> corpus)
    {
        var hash = 14695981039346656037UL;
        foreach (var e in corpus)
        {
            foreach (var text in new[] { e.Label, "\u0001", e.Specialty ?? "", "\u0001", e.Name, "\u0001", e.Handle, "\u0001", e.Bio, "\u0002" })
            {
                foreach (var c in text)
                {
                    hash = (hash ^ c) * 1099511628211UL;
                }
            }
        }
        return $"cues-v{HcpCues.Version}-{hash:x16}";
    }

    internal static Assembly Assembly => typeof(HcpCorpus).Assembly;
}
