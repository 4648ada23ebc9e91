using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// A local server speaking X API v2 recent search as documented: <c>data</c>, <c>includes</c>
/// (users, referenced tweets), <c>meta</c> with <c>newest_id</c>/<c>next_token</c>, partial
/// <c>errors</c>, and <c>x-rate-limit-*</c> headers on 429. Tests queue what it answers.
/// </summary>
public sealed class FakeXServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _scripted = new();

    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<string> Authorizations { get; } = new();
    public string BaseUrl { get; }

    /// <summary>The pages of the search, in order; a request with since_id equal to the newest id gets an empty result.</summary>
    public List<string> Pages { get; } = [];
    public string NewestId { get; set; } = "";
    /// <summary>Timelines of accounts by handle: their user id and pages (pagination tokens "page1", "page2"...).</summary>
    public Dictionary<string, (string Id, List<string> Pages)> Timelines { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Post ids the lookup endpoint reports as not found.</summary>
    public HashSet<string> Deleted { get; } = [];

    private FakeXServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeXServer> StartAsync()
    {
        var app = LocalServer.Create();
        FakeXServer? server = null;
        app.MapGet("/2/tweets/search/recent", context => server!.SearchAsync(context));
        app.MapGet("/2/users/by", async context =>
        {
            server!.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            var names = context.Request.Query["usernames"].ToString().Split(',');
            var users = names.Where(server.Timelines.ContainsKey).Select(n => $"{{\"id\":\"{server.Timelines[n].Id}\",\"name\":\"{n}\",\"username\":\"{n}\"}}");
            var missing = names.Where(n => !server.Timelines.ContainsKey(n)).Select(n =>
                $"{{\"value\":\"{n}\",\"detail\":\"Could not find user with usernames: [{n}].\",\"title\":\"Not Found Error\",\"resource_type\":\"user\",\"parameter\":\"usernames\",\"resource_id\":\"{n}\",\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}}");
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"data\":[{string.Join(',', users)}],\"errors\":[{string.Join(',', missing)}]}}");
        });
        app.MapGet("/2/users/{id}/tweets", async (HttpContext context, string id) =>
        {
            server!.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            var timeline = server.Timelines.Values.Single(t => t.Id == id);
            context.Response.ContentType = "application/json";
            var since = context.Request.Query["since_id"].ToString();
            var token = context.Request.Query["pagination_token"].ToString();
            await context.Response.WriteAsync(since.Length > 0 ? "{\"meta\":{\"result_count\":0}}" : timeline.Pages[token.Length == 0 ? 0 : int.Parse(token[4..], System.Globalization.CultureInfo.InvariantCulture)]);
        });
        app.MapGet("/2/tweets", async context =>
        {
            // Post lookup: the ids the test marked deleted come back as "Not Found" errors, as X reports them.
            var ids = context.Request.Query["ids"].ToString().Split(',');
            var found = ids.Where(id => !server!.Deleted.Contains(id)).Select(id => $"{{\"id\":\"{id}\",\"text\":\"…\",\"edit_history_tweet_ids\":[\"{id}\"]}}");
            var missing = ids.Where(server!.Deleted.Contains).Select(id =>
                $"{{\"value\":\"{id}\",\"detail\":\"Could not find tweet with ids: [{id}].\",\"title\":\"Not Found Error\",\"resource_type\":\"tweet\",\"parameter\":\"ids\",\"resource_id\":\"{id}\",\"type\":\"https://api.twitter.com/2/problems/resource-not-found\"}}");
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"data\":[{string.Join(',', found)}],\"errors\":[{string.Join(',', missing)}]}}");
        });
        await app.StartAsync();
        server = new FakeXServer(app, app.Urls.Single());
        return server;
    }

    /// <summary>The next request gets this answer instead of a page.</summary>
    public void Then(Func<HttpContext, Task> answer) => _scripted.Enqueue(answer);

    public void ThenStatus(int status, string body = "{\"title\":\"Service Unavailable\"}") => Then(async c =>
    {
        c.Response.StatusCode = status;
        await c.Response.WriteAsync(body);
    });

    public void ThenRateLimited(DateTimeOffset reset) => Then(async c =>
    {
        c.Response.StatusCode = 429;
        c.Response.Headers["x-rate-limit-limit"] = "450";
        c.Response.Headers["x-rate-limit-remaining"] = "0";
        c.Response.Headers["x-rate-limit-reset"] = reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await c.Response.WriteAsync("{\"title\":\"Too Many Requests\",\"detail\":\"Too Many Requests\",\"type\":\"about:blank\",\"status\":429}");
    });

    private async Task SearchAsync(HttpContext context)
    {
        Requests.Enqueue(context.Request.QueryString.Value ?? "");
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        context.Response.ContentType = "application/json";
        if (_scripted.TryDequeue(out var answer))
        {
            await answer(context);
            return;
        }
        var since = context.Request.Query["since_id"].ToString();
        if (since.Length > 0 && since == NewestId)
        {
            await context.Response.WriteAsync("{\"meta\":{\"result_count\":0}}");
            return;
        }
        var token = context.Request.Query["next_token"].ToString();
        var index = token.Length == 0 ? 0 : int.Parse(token.Replace("page", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsync(Pages[index]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
