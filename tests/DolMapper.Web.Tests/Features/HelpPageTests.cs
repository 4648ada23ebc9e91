using System.Net;
using DolMapper.Web.Features.Help;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>The docs in the app (Help): pages that point to a doc open it in the app, never name a file.</summary>
public sealed class HelpPageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_role_reads_the_docs_in_the_app_with_links_between_them_kept_inside_the_app()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.StartAsync(connection);
        var client = await app.SignInAsync(Roles.BrandManager);

        var index = WebUtility.HtmlDecode(await client.GetStringAsync("/Help"));
        Assert.Contains("href=\"/Help/personas\">Personas and the learned ranking</a>", index);
        Assert.Contains("href=\"/Help/decisions/001-local-postgresql\"", index);

        var formats = await client.GetStringAsync("/Help/formats");
        Assert.Contains("<h1", formats);
        // [cli.md](cli.md) opens the command line's page; the README is not a page of the app, so its words stay without a link.
        Assert.Contains("href=\"/Help/cli\"", formats);
        Assert.DoesNotContain("README.md", formats);
        Assert.DoesNotContain(".md\"", formats);

        var missing = await client.GetAsync("/Help/no-such-doc");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is no help page named", WebUtility.HtmlDecode(await missing.Content.ReadAsStringAsync()));
        // Anonymous readers sign in first.
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreateClient().GetAsync("/Help/personas")).StatusCode);
    }

    [Fact]
    public void Raw_HTML_in_a_doc_is_shown_as_text_and_links_to_other_docs_keep_their_anchor()
    {
        var library = new DocsLibrary();
        var html = library.Render(new Doc("x", "X", "# X\n\n<script>alert(1)</script>\n\nSee [the score](scoring.md#speed) and [a decision](decisions/001-local-postgresql.md)."),
            (name, anchor) => "/Help/" + name + (anchor is null ? "" : "#" + anchor));
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("href=\"/Help/scoring#speed\"", html);
        Assert.Contains("href=\"/Help/decisions/001-local-postgresql\"", html);
        // From a decision record, "../scoring.md" is the scoring doc.
        var back = library.Render(new Doc("decisions/x", "X", "[up](../scoring.md)"), (name, _) => "/Help/" + name);
        Assert.Contains("href=\"/Help/scoring\"", back);
    }
}
