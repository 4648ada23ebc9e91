using System.Collections.Frozen;
using System.Reflection;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace DolMapper.Web.Features.Help;

/// <summary>One of DolMapper's docs: its name ("personas", "decisions/001-local-postgresql") and title.</summary>
public sealed record Doc(string Name, string Title, string Markdown);

/// <summary>
/// DolMapper's docs (the repository's docs/*.md, built into the app) for the Help pages, so a page
/// that says "see how personas are found" opens a page of the app rather than naming a file.
/// Rendered with Markdig; raw HTML in a doc is shown as text, never run. Links between docs
/// become links to their Help pages; links to files outside docs keep their words only.
/// </summary>
public sealed class DocsLibrary
{
    private const string Prefix = "docs/";
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    private readonly FrozenDictionary<string, Doc> _docs;

    public DocsLibrary()
    {
        var assembly = typeof(DocsLibrary).Assembly;
        var docs = new Dictionary<string, Doc>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(".md", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var markdown = reader.ReadToEnd();
            var name = resource[Prefix.Length..^".md".Length].Replace('\\', '/');
            var title = markdown.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim() ?? name;
            docs[name] = new Doc(name, title, markdown);
        }
        _docs = docs.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every doc, the guides first and the decisions after, each group by title.</summary>
    public IEnumerable<Doc> All => _docs.Values.OrderBy(d => d.Name.Contains('/', StringComparison.Ordinal)).ThenBy(d => d.Title, StringComparer.OrdinalIgnoreCase);

    public Doc? Find(string? name) => name is not null && _docs.TryGetValue(name.Trim('/'), out var doc) ? doc : null;

    /// <summary>The doc as HTML; <paramref name="link"/> makes the address of another doc's Help page (with its anchor).</summary>
    public string Render(Doc doc, Func<string, string?, string> link)
    {
        var document = Markdown.Parse(doc.Markdown, Pipeline);
        var folder = doc.Name.Contains('/', StringComparison.Ordinal) ? doc.Name[..(doc.Name.LastIndexOf('/') + 1)] : "";
        foreach (var inline in document.Descendants<LinkInline>().ToList())
        {
            if (inline.Url is not { Length: > 0 } url || url.StartsWith('#') || Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                continue;
            }
            var hash = url.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? url : url[..hash];
            var anchor = hash < 0 ? null : url[(hash + 1)..];
            var target = path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? Normalise(folder + path[..^3]) : null;
            if (target is not null && _docs.ContainsKey(target) && !inline.IsImage)
            {
                inline.Url = link(target, anchor);
            }
            else
            {
                // A file of the repository (the README, an image, source): its words stay, the link goes.
                var words = new LiteralInline(inline.IsImage ? "" : string.Concat(inline.Descendants<LiteralInline>().Select(l => l.Content.ToString())));
                inline.ReplaceBy(words);
            }
        }
        using var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>"decisions/../scoring" → "scoring".</summary>
    private static string? Normalise(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }
}
