using System.ComponentModel.DataAnnotations;
using DolMapper.Web.Ingestion.Sources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DolMapper.Web.Features.Admin;

/// <summary>Add or edit a source; the credential is write-only.</summary>
public sealed class SourceEditModel(SourceStore store) : PageModel
{
    public sealed class InputModel
    {
        [Required, StringLength(100)]
        public string Name { get; set; } = "";
        [Required]
        public string Kind { get; set; } = "x";
        [Required, Url, Display(Name = "Base URL")]
        public string BaseUrl { get; set; } = "https://api.x.com";
        [Display(Name = "Queries (one per line)")]
        public string? Queries { get; set; }
        [Display(Name = "Tracked accounts (X: one handle per line, backfilled from their timelines)")]
        public string? Tracked { get; set; }
        [Display(Name = "Credentials")]
        public string? Credential { get; set; }
        [Display(Name = "Schedule (cron, UTC)")]
        public string? Schedule { get; set; }
        [Range(0, 10_000_000), Display(Name = "Daily read budget")]
        public int? DailyReadBudget { get; set; }
        public bool Enabled { get; set; }
        [Display(Name = "I trust this address (the stored secret will be sent to it)")]
        public bool ConfirmAddress { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public int? Id { get; private set; }
    public string? CredentialHint { get; private set; }

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken)
    {
        if (id is null)
        {
            return Page();
        }
        var source = await store.GetAsync(id.Value, cancellationToken);
        if (source is null)
        {
            return NotFound();
        }
        Id = source.Id;
        CredentialHint = source.CredentialHint;
        Input = new InputModel
        {
            Name = source.Name, Kind = source.Kind, BaseUrl = source.BaseUrl, Queries = string.Join('\n', source.Queries),
            Schedule = source.Schedule, DailyReadBudget = source.DailyReadBudget, Enabled = source.Enabled, Tracked = string.Join('\n', source.Tracked),
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        if (!SourceStore.IngestKinds.Contains(Input.Kind))
        {
            ModelState.AddModelError("Input.Kind", "Choose x, bluesky, mastodon or pubmed.");
        }
        var queries = (Input.Queries ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (queries.Length == 0 && Input.Kind == "pubmed")
        {
            // The social sources also search the active scoring profiles' hashtags; PubMed needs its own terms.
            ModelState.AddModelError("Input.Queries", "Give at least one query.");
        }
        if (!string.IsNullOrWhiteSpace(Input.Schedule) && !IsCron(Input.Schedule))
        {
            ModelState.AddModelError("Input.Schedule", "Not a cron expression (five fields, e.g. \"0 */6 * * *\").");
        }
        var tracked = (Input.Tracked ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var form = new SourceForm(id, Input.Name, Input.Kind, Input.BaseUrl, queries, Input.Enabled, Input.Schedule, Input.DailyReadBudget, Input.Credential, tracked, Input.ConfirmAddress);
        if (ModelState.IsValid)
        {
            foreach (var problem in await store.ProblemsAsync(form, cancellationToken))
            {
                ModelState.AddModelError($"Input.{problem.Field}", problem.Message);
            }
        }
        if (!ModelState.IsValid)
        {
            Id = id;
            CredentialHint = id is { } existing ? (await store.GetAsync(existing, cancellationToken))?.CredentialHint : null;
            return Page();
        }
        await store.SaveAsync(form, cancellationToken, User.Identity?.Name);
        return RedirectToPage("Sources");
    }

    private static bool IsCron(string expression)
    {
        try
        {
            Cronos.CronExpression.Parse(expression.Trim());
            return true;
        }
        catch (Cronos.CronFormatException)
        {
            return false;
        }
    }
}
