using DolMapper.Web.Data;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Ingestion.Import;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Features.Import;

/// <summary>Upload a JSON Lines file (Analysts and Admins); see the recent imports.</summary>
[Authorize(Policy = Policies.Analyst)]
[RequestSizeLimit(MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxUploadBytes)]
public sealed class IndexModel(DolMapperDbContext db, UploadStore uploads, IBackgroundJobClient jobs) : PageModel
{
    public const long MaxUploadBytes = 4L << 30;

    public IReadOnlyList<ImportRunView> Runs { get; private set; } = [];

    public bool IsAdmin => User.IsInRole(Roles.Admin);

    [TempData]
    public string? Error { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Runs = await ImportRuns.Runs(db).OrderByDescending(r => r.StartedAt).Take(20).AsView().ToListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            Error = "Choose a file to import.";
            return RedirectToPage();
        }
        var name = Path.GetFileName(file.FileName);
        await using var content = file.OpenReadStream();
        var (uploadId, runId) = await uploads.SaveAsync(name, content, allowRelationships: IsAdmin, User.Identity?.Name ?? "unknown", cancellationToken);
        jobs.Enqueue<ImportUploadJob>(job => job.RunAsync(uploadId, CancellationToken.None));
        return RedirectToPage("Run", new { id = runId });
    }
}
