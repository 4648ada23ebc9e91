using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Features;

/// <summary>CRM CSV uploads: column mapping, a preview of every row, nothing stored before the commit; list, edit, delete.</summary>
public sealed class CrmUploadTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient admin, string fileName, byte[] content)
    {
        var page = await admin.GetStringAsync("/Admin/Crm");
        using var body = new MultipartFormDataContent
        {
            { new StringContent(TestApp.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(content), "file", fileName },
        };
        return await admin.PostAsync("/Admin/Crm?handler=Upload", body);
    }

    [Fact]
    public async Task A_csv_is_mapped_previewed_row_by_row_and_stored_only_when_committed()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(AdminWorld.Lines())).Clean);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);

        var csv = """
            Network,Twitter Handle,Relationship Type,Start Date,NPI
            x,@doc01,Advisory Board,2024-05-01,
            x,doc02,speaker,2023-13-01,
            x,nobody_here,consultant,2022-01-01,
            x,doc03,board member,2022-01-01,
            ,doc04,speaker,2022-01-01,
            x,DOC05,investigator,,
            x,doc06,"speakers bureau",2021,
            """;
        var upload = await UploadAsync(admin, "crm.csv", Encoding.UTF8.GetBytes(csv));
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        var mappingPage = upload.Headers.Location!.OriginalString;
        Assert.StartsWith("/Admin/CrmUpload", mappingPage);
        var id = Regex.Match(mappingPage, "id=(\\d+)").Groups[1].Value;

        // The first visit guesses the columns from the header and previews nothing yet.
        var first = WebUtility.HtmlDecode(await admin.GetStringAsync(mappingPage));
        Assert.Contains("data-testid=\"crm-sample\"", first);
        Assert.Matches("<select id=\"MHandle\"[\\s\\S]*?<option value=\"1\" selected=\"selected\">", first);
        Assert.Matches("<select id=\"MKind\"[\\s\\S]*?<option value=\"2\" selected=\"selected\">", first);
        Assert.DoesNotContain("data-testid=\"crm-preview\"", first);

        var preview = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/CrmUpload?id={id}&mapped=true&MPlatform=0&MHandle=1&MKind=2&MSince=3&MNpi=4"));
        Assert.Contains("3 match a stored person, 1 match nobody yet, 3 have errors", Regex.Replace(preview, "<[^>]+>", ""));
        Assert.Contains("'2023-13-01' is not a date", preview);
        Assert.Contains("'board member' is not a relationship kind", preview);
        Assert.Contains("has a handle or account but no platform", preview);
        Assert.Contains("no stored account has this handle", preview);
        Assert.Matches("<td>3</td>\\s*<td>x @doc02</td>", preview);
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM crm_relationships"));

        // A mapping without the kind is refused with a message, and stores nothing.
        var noKind = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/CrmUpload?id={id}&mapped=true&MPlatform=0&MHandle=1"));
        Assert.Contains("Choose the column that holds the relationship's kind.", noKind);

        // Commit: the three matched rows are stored, resolved to their persons and accounts.
        var commitPage = await admin.GetStringAsync($"/Admin/CrmUpload?id={id}&mapped=true&MPlatform=0&MHandle=1&MKind=2&MSince=3&MNpi=4");
        var commit = await admin.PostAsync($"/Admin/CrmUpload?handler=Commit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(commitPage), ["id"] = id,
            ["MPlatform"] = "0", ["MHandle"] = "1", ["MKind"] = "2", ["MSince"] = "3", ["MNpi"] = "4",
        }));
        Assert.Equal(HttpStatusCode.Redirect, commit.StatusCode);
        Assert.Equal(["advisory_board|x|1|x:1|2024-05-01", "investigator|x|5|x:5|", "speaker|x|6|x:6|2021-01-01"],
            await db.RowsAsync("SELECT r.kind || '|' || r.platform || '|' || r.account_external_id || '|' || p.public_id || '|' || coalesce(r.since::text, '') FROM crm_relationships r JOIN persons p ON p.id = r.person_id ORDER BY 1"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM crm_uploads"));
        var audit = (string)(await db.ScalarAsync("SELECT details::text FROM audit_log WHERE action = 'crm.uploaded'"))!;
        Assert.Contains("\"inserted\": 3", audit);
        Assert.Contains("\"errors\": 3", audit);
        var list = WebUtility.HtmlDecode(await admin.GetStringAsync("/Admin/Crm"));
        Assert.Contains("3 relationships added", list);
        Assert.Contains(AdminWorld.Name(1), list);

        // The same file again changes nothing; the list edits and deletes, audited.
        var again = await UploadAsync(admin, "crm.csv", Encoding.UTF8.GetBytes(csv));
        var againId = Regex.Match(again.Headers.Location!.OriginalString, "id=(\\d+)").Groups[1].Value;
        var againPage = await admin.GetStringAsync($"/Admin/CrmUpload?id={againId}&mapped=true&MPlatform=0&MHandle=1&MKind=2&MSince=3&MNpi=4");
        await admin.PostAsync("/Admin/CrmUpload?handler=Commit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(againPage), ["id"] = againId,
            ["MPlatform"] = "0", ["MHandle"] = "1", ["MKind"] = "2", ["MSince"] = "3", ["MNpi"] = "4",
        }));
        Assert.Equal(3, await db.CountAsync("SELECT count(*) FROM crm_relationships"));
        var relationship = (long)(await db.ScalarAsync("SELECT id FROM crm_relationships WHERE account_external_id = '5'"))!;
        var token = TestApp.AntiforgeryToken(await admin.GetStringAsync("/Admin/Crm"));
        var edit = await admin.PostAsync($"/Admin/Crm?handler=Edit&id={relationship}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["kind"] = "consultant", ["since"] = "2025-02-01",
        }));
        Assert.Equal(HttpStatusCode.Redirect, edit.StatusCode);
        Assert.Equal("consultant|2025-02-01|manual", await db.ScalarAsync($"SELECT kind || '|' || since || '|' || origin FROM crm_relationships WHERE id = {relationship}"));
        var delete = await admin.PostAsync($"/Admin/Crm?handler=Delete&id={relationship}", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.Equal(2, await db.CountAsync("SELECT count(*) FROM crm_relationships"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'crm.edited'"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'crm.deleted'"));
    }

    [Fact]
    public async Task Files_that_are_not_a_usable_csv_get_a_clear_report_and_change_nothing()
    {
        var db = await ImportDatabase.CreateAsync(postgres);
        Assert.True((await db.ImportAsync(AdminWorld.Lines())).Clean);
        await using var app = await TestApp.StartAsync(db.ConnectionString);
        var admin = await app.SignInAsync(Roles.Admin);

        async Task<string> PreviewOfAsync(byte[] content)
        {
            var upload = await UploadAsync(admin, "bad.csv", content);
            Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
            return WebUtility.HtmlDecode(await admin.GetStringAsync(upload.Headers.Location!.OriginalString));
        }

        Assert.Contains("not UTF-8 text", await PreviewOfAsync([0x68, 0x61, 0x6e, 0x64, 0x6c, 0x65, 0x2c, 0xe9, 0xff, 0x0a]));
        Assert.Contains("The file is empty", await PreviewOfAsync(Encoding.UTF8.GetBytes("  \n")));
        Assert.Contains("a CRM file needs a header", await PreviewOfAsync(Encoding.UTF8.GetBytes("just one column\nvalue\n")));

        // Wrong columns: the kind is mapped to a column that is not there.
        var upload = await UploadAsync(admin, "wrong.csv", Encoding.UTF8.GetBytes("platform,handle\nx,doc01\n"));
        var id = Regex.Match(upload.Headers.Location!.OriginalString, "id=(\\d+)").Groups[1].Value;
        var wrong = WebUtility.HtmlDecode(await admin.GetStringAsync($"/Admin/CrmUpload?id={id}&mapped=true&MPlatform=0&MHandle=1&MKind=5"));
        Assert.Contains("Column 6 does not exist: the file has 2 columns.", wrong);
        var response = await admin.PostAsync("/Admin/CrmUpload?handler=Commit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TestApp.AntiforgeryToken(wrong), ["id"] = id, ["MPlatform"] = "0", ["MHandle"] = "1", ["MKind"] = "5",
        }));
        Assert.Contains("Column 6 does not exist", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM crm_relationships"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'crm.uploaded'"));
    }
}
