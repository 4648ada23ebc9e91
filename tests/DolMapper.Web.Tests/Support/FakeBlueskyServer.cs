using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// A local AT Protocol service: <c>com.atproto.server.createSession</c> / <c>refreshSession</c>,
/// <c>app.bsky.feed.searchPosts</c> (cursor paging, <c>since</c> inclusive on indexedAt, the last
/// page without a cursor, ExpiredToken when the access token is stale) and
/// <c>app.bsky.actor.getProfiles</c>.
/// </summary>
public sealed class FakeBlueskyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private string _access = "access-1";
    private int _sessions;

    public string BaseUrl { get; }
    public List<string> Pages { get; } = [];
    public string Profiles { get; set; } = "{\"profiles\":[]}";
    public ConcurrentQueue<string> Requests { get; } = new();
    private readonly ConcurrentQueue<(int Status, string Body, Action<HttpResponse>? Headers)> _scripted = new();

    /// <summary>The next timeline or search request gets this answer instead of a page.</summary>
    public void Then(int status, string body, Action<HttpResponse>? headers = null) => _scripted.Enqueue((status, body, headers));
    /// <summary>When set, the next search answers ExpiredToken once, as an expired access token would.</summary>
    public bool ExpireNextToken { get; set; }
    public string? LastPassword { get; private set; }
    public HashSet<string> Deleted { get; } = [];
    /// <summary>The getAuthorFeed answer (one page).</summary>
    public string AuthorFeed { get; set; } = "{\"feed\":[]}";

    private FakeBlueskyServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeBlueskyServer> StartAsync()
    {
        var app = LocalServer.Create();
        FakeBlueskyServer? server = null;
        app.MapPost("/xrpc/com.atproto.server.createSession", async context =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            server!.LastPassword = body?["password"]?.GetValue<string>();
            await server.SessionAsync(context, body?["identifier"]?.GetValue<string>() ?? "");
        });
        app.MapPost("/xrpc/com.atproto.server.refreshSession", context => server!.SessionAsync(context, "refreshed"));
        app.MapGet("/xrpc/app.bsky.feed.searchPosts", context => server!.SearchAsync(context));
        app.MapGet("/xrpc/app.bsky.feed.getAuthorFeed", async context =>
        {
            server!.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(server.AuthorFeed);
        });
        app.MapGet("/xrpc/app.bsky.feed.getPosts", async context =>
        {
            // Posts the test marked deleted are simply absent from the answer, as on the real service.
            var uris = context.Request.Query["uris"].Where(u => u is not null && !server!.Deleted.Contains(u)).Select(u => new JsonObject { ["uri"] = u });
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject { ["posts"] = new JsonArray([.. uris]) }.ToJsonString());
        });
        app.MapGet("/xrpc/app.bsky.actor.getProfiles", async context =>
        {
            server!.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(server.Profiles);
        });
        await app.StartAsync();
        server = new FakeBlueskyServer(app, app.Urls.Single());
        return server;
    }

    private async Task SessionAsync(HttpContext context, string handle)
    {
        _access = $"access-{Interlocked.Increment(ref _sessions)}";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            accessJwt = _access, refreshJwt = $"refresh-{_sessions}", handle, did = "did:plc:reader", active = true,
        }));
    }

    private async Task SearchAsync(HttpContext context)
    {
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);
        context.Response.ContentType = "application/json";
        if (_scripted.TryDequeue(out var scripted))
        {
            context.Response.StatusCode = scripted.Status;
            scripted.Headers?.Invoke(context.Response);
            await context.Response.WriteAsync(scripted.Body);
            return;
        }
        if (ExpireNextToken || context.Request.Headers.Authorization.ToString() != $"Bearer {_access}")
        {
            ExpireNextToken = false;
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("{\"error\":\"ExpiredToken\",\"message\":\"Token has expired\"}");
            return;
        }
        var since = context.Request.Query["since"].ToString();
        if (since.Length > 0)
        {
            // since is inclusive: everything indexed at or after it, on one page.
            var posts = Pages.SelectMany(p => JsonNode.Parse(p)!["posts"]!.AsArray())
                .Where(p => string.CompareOrdinal(p!["indexedAt"]!.GetValue<string>(), since) >= 0)
                .Select(p => p!.DeepClone()).ToArray();
            await context.Response.WriteAsync(new JsonObject { ["posts"] = new JsonArray(posts) }.ToJsonString());
            return;
        }
        var cursor = context.Request.Query["cursor"].ToString();
        await context.Response.WriteAsync(Pages[cursor.Length == 0 ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
