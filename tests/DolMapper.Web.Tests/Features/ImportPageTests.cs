using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

public class ImportPageTests(PostgresFixture postgres) : IAsyncLifetime, IClassFixture<PostgresFixture>
{
    private TestApp _app = null!;
    private string _connectionString = "";

    private const string Lines = """
        {"type":"account","platform":"x","id":"1001","handle":"drjanedoe","name":"Jane Doe, MD","person":"p-77"}
        {"type":"post","platform":"x","id":"5001","account_id":"1001","created_at":"2026-10-02T14:03:00Z","text":"#bcsm","mentions":["1002"]}
        {"type":"relationship","platform":"x","account_id":"1001","kind":"speaker"}
        not json at all
        """;

    public async Task InitializeAsync()
    {
        _connectionString = await postgres.CreateMigratedDatabaseAsync();
        _app = await TestApp.StartAsync(_connectionString);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] content)
    {
        var page = await client.GetStringAsync("/Import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(TestApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return await client.PostAsync("/Import", form);
    }

    private async Task<long> WaitForRunAsync(HttpClient client, Uri runPage)
    {
        var id = long.Parse(runPage.AbsolutePath.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var fragment = await client.GetStringAsync($"/Import/Run/{id}?handler=Progress");
            if (fragment.Contains("data-finished=\"true\"", StringComparison.Ordinal))
            {
                return id;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"import run {id} did not finish");
    }

    [Fact]
    public async Task An_analyst_uploads_a_file_and_sees_the_report_with_relationship_lines_refused()
    {
        var client = await _app.SignInAsync(Roles.Analyst);

        var response = await UploadAsync(client, "export.jsonl", Encoding.UTF8.GetBytes(Lines));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = await WaitForRunAsync(client, new Uri(_app.BaseAddress, response.Headers.Location!));
        var report = await client.GetStringAsync($"/Import/Run/{id}");
        Assert.Contains("data-testid=\"rejections-table\"", report);
        Assert.Contains("only when an Admin imports", report);
        Assert.Contains("not valid JSON", report);
        Assert.Contains("<dd class=\"col-sm-9\" data-testid=\"run-rejected\">2</dd>", report);
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM posts"));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM crm_relationships"));
        Assert.Equal(0L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM upload_chunks"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, $"SELECT count(*) FROM audit_log WHERE action = 'import.file' AND user_name = '{TestApp.Demo(Roles.Analyst).Email}'"));
        Assert.Contains("export.jsonl", await client.GetStringAsync("/Import"));
    }

    [Fact]
    public async Task An_admins_upload_applies_relationship_lines_and_reads_gzip()
    {
        var client = await _app.SignInAsync(Roles.Admin);
        using var gz = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(Lines));
        }

        var response = await UploadAsync(client, "export.jsonl.gz", gz.ToArray());

        await WaitForRunAsync(client, new Uri(_app.BaseAddress, response.Headers.Location!));
        Assert.Equal("speaker", await Sql.ScalarAsync(_connectionString, "SELECT kind FROM crm_relationships"));
        Assert.Equal(1L, await Sql.CountAsync(_connectionString, "SELECT count(*) FROM quarantine"));
    }

    [Fact]
    public async Task A_brand_manager_cannot_open_or_post_to_the_import_page()
    {
        var client = await _app.SignInAsync(Roles.BrandManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/Import")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/Import/Run/1")).StatusCode);
        Assert.DoesNotContain("href=\"/Import\"", await client.GetStringAsync("/"));
    }
}
