using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// A local Mastodon instance's hashtag timeline: pages linked by an RFC 8288 <c>Link</c> header
/// (<c>rel="next"</c> older, <c>rel="prev"</c> newer; no next on the last page), an empty array
/// when nothing is newer than <c>min_id</c>.
/// </summary>
public sealed class FakeMastodonServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public string BaseUrl { get; }
    /// <summary>Pages from newest to oldest; {base} in them is replaced by this server's address.</summary>
    public List<string> Pages { get; } = [];
    public ConcurrentQueue<string> Requests { get; } = new();
    public HashSet<string> Deleted { get; } = [];
    /// <summary>A broken server: answers a <c>min_id</c> request with the newest page, as if it had no <c>min_id</c>.</summary>
    public bool IgnoreMinId { get; set; }
    private readonly ConcurrentQueue<(int Status, string Body, Action<HttpResponse>? Headers)> _scripted = new();

    /// <summary>The next timeline or search request gets this answer instead of a page.</summary>
    public void Then(int status, string body, Action<HttpResponse>? headers = null) => _scripted.Enqueue((status, body, headers));

    private FakeMastodonServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeMastodonServer> StartAsync()
    {
        var app = LocalServer.Create();
        FakeMastodonServer? server = null;
        app.MapGet("/api/v1/timelines/tag/{tag}", (HttpContext context, string tag) => server!.TimelineAsync(context, tag));
        app.MapGet("/api/v1/statuses/{id}", (HttpContext context, string id) =>
        {
            server!.Requests.Enqueue(context.Request.Path.ToString());
            // A deleted status answers 404, as Mastodon does.
            context.Response.StatusCode = server.Deleted.Contains(id) ? 404 : 200;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(server.Deleted.Contains(id) ? "{\"error\":\"Record not found\"}" : $"{{\"id\":\"{id}\"}}");
        });
        app.MapGet("/api/v1/accounts/lookup", async context =>
        {
            var acct = context.Request.Query["acct"].ToString();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""
                {"id":"109777","username":"{{acct.Split('@')[0]}}","acct":"{{acct}}","display_name":"Looked Up","note":"<p>Rheumatologist</p>",
                 "url":"https://example.org/@{{acct}}","followers_count":777,"following_count":7,"statuses_count":70,"created_at":"2023-01-01T00:00:00.000Z"}
                """);
        });
        await app.StartAsync();
        server = new FakeMastodonServer(app, app.Urls.Single());
        return server;
    }

    /// <summary>How long each timeline request takes (a slow instance).</summary>
    public TimeSpan Delay { get; set; }

    private async Task TimelineAsync(HttpContext context, string tag)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }
        context.Response.ContentType = "application/json";
        if (_scripted.TryDequeue(out var scripted))
        {
            context.Response.StatusCode = scripted.Status;
            scripted.Headers?.Invoke(context.Response);
            await context.Response.WriteAsync(scripted.Body);
            return;
        }
        var timeline = $"{BaseUrl}/api/v1/timelines/tag/{tag}";
        if (context.Request.Query.ContainsKey("min_id") && !IgnoreMinId)
        {
            await context.Response.WriteAsync("[]");
            return;
        }
        var page = context.Request.Query.TryGetValue("max_id", out var maxId) ? int.Parse(maxId.ToString().Replace("p", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) : 0;
        var links = new List<string> { $"<{timeline}?min_id=newest{page}>; rel=\"prev\"" };
        if (page + 1 < Pages.Count)
        {
            links.Insert(0, $"<{timeline}?max_id=p{page + 1}>; rel=\"next\"");
        }
        context.Response.Headers["Link"] = string.Join(", ", links);
        await context.Response.WriteAsync(Pages[page]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
