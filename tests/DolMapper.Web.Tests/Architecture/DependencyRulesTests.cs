using NetArchTest.Rules;

namespace DolMapper.Web.Tests.Architecture;

/// <summary>The dependency rules of docs/architecture.md, checked on the compiled code (method bodies included).</summary>
public class DependencyRulesTests
{
    private static readonly System.Reflection.Assembly Web = typeof(Program).Assembly;
    private static readonly System.Reflection.Assembly Scoring = typeof(DolMapper.Scoring.Questions).Assembly;

    private static void Holds(TestResult result, string rule) =>
        Assert.True(result.IsSuccessful, $"{rule} is broken by: {string.Join(", ", result.FailingTypeNames ?? [])}");

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("Npgsql")]
    [InlineData("Hangfire")]
    [InlineData("DolMapper.Web")]
    public void The_scoring_library_knows_no_web_database_or_jobs(string forbidden) =>
        Holds(Types.InAssembly(Scoring).ShouldNot().HaveDependencyOn(forbidden).GetResult(), $"DolMapper.Scoring must not use {forbidden}");

    [Theory]
    [InlineData("DolMapper.Web.Features")]
    [InlineData("DolMapper.Web.Ingestion")]
    [InlineData("DolMapper.Web.Scoring")]
    [InlineData("DolMapper.Web.Compliance")]
    [InlineData("DolMapper.Web.Crm")]
    [InlineData("DolMapper.Web.Persons")]
    public void Data_knows_no_features_ingestion_or_scoring(string forbidden) =>
        Holds(Types.InAssembly(Web).That().ResideInNamespace("DolMapper.Web.Data").ShouldNot().HaveDependencyOn(forbidden).GetResult(),
            $"DolMapper.Web.Data must not use {forbidden}");

    [Theory]
    [InlineData("DolMapper.Web.Ingestion")]
    [InlineData("DolMapper.Web.Scoring")]
    [InlineData("DolMapper.Web.Compliance")]
    [InlineData("DolMapper.Web.Crm")]
    [InlineData("DolMapper.Web.Persons")]
    public void Ingestion_scoring_and_the_domain_areas_know_no_features(string layer) =>
        Holds(Types.InAssembly(Web).That().ResideInNamespace(layer).ShouldNot().HaveDependencyOn("DolMapper.Web.Features").GetResult(),
            $"{layer} must not use DolMapper.Web.Features");

    /// <summary>The slices of the web project's Features: the first namespace segment after it (Admin's sub-folders are slices of their own).</summary>
    public static TheoryData<string> Slices()
    {
        var data = new TheoryData<string>();
        foreach (var slice in SliceNamespaces())
        {
            data.Add(slice);
        }
        return data;
    }

    private static string? SliceOf(Type type) =>
        type.Namespace is { } n && n.StartsWith("DolMapper.Web.Features.", StringComparison.Ordinal)
            ? n.Split('.') is var parts && parts[3] == "Admin" && parts.Length > 4 ? string.Join('.', parts[..5]) : string.Join('.', parts[..4])
            : null;

    private static IReadOnlyList<string> SliceNamespaces() => [.. Web.GetTypes().Select(SliceOf).OfType<string>().Distinct().Order()];

    /// <summary>The full names of a slice's own top-level types (a namespace prefix would take Admin's sub-slices in with Admin).</summary>
    private static string[] TypesOf(string slice) =>
        [.. Web.GetTypes().Where(t => !t.IsNested && SliceOf(t) == slice && !t.Name.StartsWith('<')).Select(t => t.FullName!)];

    private static bool Uses(string slice, string other) =>
        !Types.InAssembly(Web).That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(slice)}$")
            .ShouldNot().HaveDependencyOnAny(TypesOf(other)).GetResult().IsSuccessful;

    [Theory]
    [MemberData(nameof(Slices))]
    public void No_two_feature_slices_depend_on_each_other(string slice)
    {
        var cycles = SliceNamespaces().Where(other => other != slice && Uses(slice, other) && Uses(other, slice)).ToList();
        Assert.True(cycles.Count == 0, $"{slice} and {string.Join(", ", cycles)} use each other; one of them must own what both need");
    }

    [Fact]
    public void A_cycle_between_slices_would_be_seen()
    {
        // The check sees real uses: shortlists use the rankings (a shortlist is a ranking of its members), not the other way round.
        Assert.True(Uses("DolMapper.Web.Features.Shortlists", "DolMapper.Web.Features.Rankings"));
        Assert.False(Uses("DolMapper.Web.Features.Rankings", "DolMapper.Web.Features.Shortlists"));
    }

    [Fact]
    public void Ingestion_knows_no_scoring() =>
        Holds(Types.InAssembly(Web).That().ResideInNamespace("DolMapper.Web.Ingestion").ShouldNot().HaveDependencyOn("DolMapper.Web.Scoring").GetResult(),
            "DolMapper.Web.Ingestion must not use DolMapper.Web.Scoring");

    [Fact]
    public void Page_models_reach_data_only_through_query_and_store_classes_or_EF_Core() =>
        Holds(Types.InAssembly(Web).That().Inherit(typeof(Microsoft.AspNetCore.Mvc.RazorPages.PageModel)).ShouldNot().HaveDependencyOn("Npgsql").GetResult(),
            "a page model must not use Npgsql (SQL lives in named query, store and writer classes; decision 006)");

    [Fact]
    public void Status_and_model_kind_words_are_never_spelled_in_SQL_but_come_from_the_constants()
    {
        // 'complete', 'personas' … written into SQL by hand drift from the C# constants; the
        // migration (written once, never edited) and the constants themselves are the exceptions.
        var words = new System.Text.RegularExpressions.Regex(
            "'(" + string.Join("|", DolMapper.Web.Data.Entities.RunStatuses.All.Concat(DolMapper.Web.Data.Entities.ModelKinds.All)) + ")'");
        var source = Path.Combine(RepositoryRoot(), "src");
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .Where(x => words.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(source, x.f)}:{x.i + 1}")
            .ToList();
        Assert.True(offenders.Count == 0, "status or model-kind words spelled in SQL at: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Links_come_from_routes_not_hard_coded_paths()
    {
        // Views link with asp-page / Url.Page / Url.RouteUrl and page models redirect with
        // RedirectToPage, so renaming or re-routing a page cannot leave a dead link behind.
        var features = Path.Combine(RepositoryRoot(), "src", "DolMapper.Web", "Features");
        var link = new System.Text.RegularExpressions.Regex("""\b(href|action|hx-get|hx-post|hx-put|hx-delete)="/""");
        var redirect = new System.Text.RegularExpressions.Regex("""\b(Local)?Redirect\(\$?"/""");
        var offenders = Directory.EnumerateFiles(features, "*.cshtml", SearchOption.AllDirectories).Select(f => (f, rule: link))
            .Concat(Directory.EnumerateFiles(features, "*.cs", SearchOption.AllDirectories).Select(f => (f, rule: redirect)))
            .SelectMany(x => File.ReadLines(x.f).Select((line, i) => (x.f, x.rule, line, i)))
            .Where(x => x.rule.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(features, x.f)}:{x.i + 1}")
            .ToList();
        Assert.True(offenders.Count == 0, "hard-coded paths at: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Views_carry_no_inline_script_so_the_content_security_policy_needs_neither_unsafe_inline_nor_eval()
    {
        // Behaviour is bound by wwwroot/js (site.js: data-autosubmit, data-confirm); htmx triggers
        // with an evaluated filter ("input[...]"), hx-on and js: values would need 'unsafe-eval'.
        var features = Path.Combine(RepositoryRoot(), "src", "DolMapper.Web", "Features");
        var rules = new (string Why, System.Text.RegularExpressions.Regex Rule)[]
        {
            ("an inline event handler", new("""<[^>]*\son[a-z]+\s*=""", System.Text.RegularExpressions.RegexOptions.IgnoreCase)),
            ("an inline script", new("""<script(?![^>]*\bsrc=)[^>]*>""", System.Text.RegularExpressions.RegexOptions.IgnoreCase)),
            ("a javascript: address", new("""javascript:""", System.Text.RegularExpressions.RegexOptions.IgnoreCase)),
            ("an evaluated htmx filter or handler", new("""hx-trigger="[^"]*\[|hx-on|hx-vals="js:""")),
        };
        var offenders = Directory.EnumerateFiles(features, "*.cshtml", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, line, i)))
            .SelectMany(x => rules.Where(r => r.Rule.IsMatch(x.line)).Select(r => $"{Path.GetRelativePath(features, x.f)}:{x.i + 1} ({r.Why})"))
            .ToList();
        Assert.True(offenders.Count == 0, "inline script at: " + string.Join(", ", offenders));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DolMapper.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("DolMapper.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_slices_are_found()
    {
        var slices = SliceNamespaces();
        Assert.Contains("DolMapper.Web.Features.Rankings", slices);
        Assert.Contains("DolMapper.Web.Features.Shortlists", slices);
        Assert.Contains("DolMapper.Web.Features.Admin.Persons", slices);
    }

    [Fact]
    public void A_broken_rule_is_reported()
    {
        // The check itself works: the host's infrastructure does use the features (it wires them up).
        var result = Types.InAssembly(Web).That().ResideInNamespace("DolMapper.Web.Infrastructure").ShouldNot().HaveDependencyOn("DolMapper.Web.Features").GetResult();
        Assert.False(result.IsSuccessful);
    }
}
