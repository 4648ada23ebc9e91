using System.Text.Json;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Ingestion.Sources;

/// <summary>A source as admins configure it; the credential itself is never part of it.</summary>
public sealed record SourceConfig(
    int Id, string Name, string Kind, string BaseUrl, IReadOnlyList<string> Queries, bool Enabled, string? Schedule,
    int? DailyReadBudget, string? CredentialHint, IReadOnlyList<string> Tracked)
{
    public bool HasCredential => CredentialHint is not null;
}

/// <summary>
/// What an admin submits; a blank credential keeps the stored one (unless the address changed).
/// <paramref name="ConfirmAddress"/>: the admin confirms an address that is not one of the platform's own hosts.
/// </summary>
public sealed record SourceForm(int? Id, string Name, string Kind, string BaseUrl, IReadOnlyList<string> Queries, bool Enabled, string? Schedule, int? DailyReadBudget, string? NewCredential, IReadOnlyList<string>? Tracked = null, bool ConfirmAddress = false);

/// <summary>Why a source cannot be saved as submitted: the form field and what to do.</summary>
public sealed record SourceProblem(string Field, string Message);

/// <summary>
/// Sources in the database (every process sees the same), credentials encrypted with ASP.NET Core
/// Data Protection (keys in the database too) and shown afterwards only as their last four
/// characters; saving a source keeps its recurring Hangfire job in step with its schedule.
/// </summary>
public sealed class SourceStore(DolMapperDbContext db, IDataProtectionProvider protection, IRecurringJobManager recurring)
{
    private const string Purpose = "DolMapper.Sources.Credentials";
    public static readonly IReadOnlyList<string> IngestKinds = SourceKinds.Ingest;

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public static string RecurringJobId(int sourceId) => $"ingest-source-{sourceId}";

    public async Task<IReadOnlyList<SourceConfig>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await db.Sources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken)).Select(ToConfig)];

    public async Task<SourceConfig?> GetAsync(int id, CancellationToken cancellationToken) =>
        await db.Sources.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken) is { } source ? ToConfig(source) : null;

    /// <summary>The decrypted credential, for a pass; null when none is stored.</summary>
    public async Task<string?> CredentialAsync(int id, CancellationToken cancellationToken)
    {
        var protectedValue = await db.Sources.Where(s => s.Id == id).Select(s => s.ProtectedCredentials).SingleOrDefaultAsync(cancellationToken);
        return protectedValue is null ? null : Protector.Unprotect(protectedValue);
    }

    /// <summary>The platforms' own API hosts: a credential goes elsewhere only when an admin confirms the address.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> KnownHosts = new Dictionary<string, IReadOnlyList<string>>
    {
        ["x"] = ["api.x.com", "api.twitter.com"],
        ["bluesky"] = ["bsky.social", "api.bsky.app", "public.api.bsky.app"],
        ["pubmed"] = ["eutils.ncbi.nlm.nih.gov"],
    };

    /// <summary>
    /// What stops <paramref name="form"/> from being saved: an address that is not https (plain
    /// http only to this machine), a host that is not the platform's own without the admin's
    /// confirmation (any Mastodon instance is its own), and a changed address without the
    /// credential given again — a stored secret is never sent to an address it was not given for.
    /// </summary>
    public async Task<IReadOnlyList<SourceProblem>> ProblemsAsync(SourceForm form, CancellationToken cancellationToken)
    {
        var problems = new List<SourceProblem>();
        if (!Uri.TryCreate(form.BaseUrl?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo))
        {
            problems.Add(new SourceProblem("BaseUrl", "Give the API's address, starting with https://."));
            return problems;
        }
        if (url.Scheme == "http" && !url.IsLoopback)
        {
            problems.Add(new SourceProblem("BaseUrl", "Use https: over plain http the credential would cross the network readable by anyone on the way (http is accepted only for this machine's own test servers)."));
        }
        var known = form.Kind == "mastodon" && url.Scheme == "https"
            || KnownHosts.TryGetValue(form.Kind, out var hosts) && url.Scheme == "https" && hosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase);
        if (!known && !form.ConfirmAddress && problems.Count == 0)
        {
            problems.Add(new SourceProblem("ConfirmAddress",
                $"{url.Host} is not {(KnownHosts.TryGetValue(form.Kind, out var own) ? string.Join(" or ", own) : "a known host")}, {PlatformName(form.Kind)}'s own API: the credentials will be sent there. " +
                "Tick the confirmation if you trust it (a proxy or a test server), and enter the credentials again."));
        }
        if (form.Id is { } id && string.IsNullOrEmpty(form.NewCredential))
        {
            var stored = await db.Sources.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.BaseUrl, s.ProtectedCredentials }).SingleOrDefaultAsync(cancellationToken);
            if (stored?.ProtectedCredentials is not null && !SameAddress(stored.BaseUrl, form.BaseUrl!))
            {
                problems.Add(new SourceProblem("Credential", "The address changed: enter the credentials again. The stored ones are only ever sent to the address they were given for."));
            }
        }
        return problems;
    }

    private static string PlatformName(string kind) => kind switch
    {
        "x" => "X",
        "bluesky" => "Bluesky",
        "mastodon" => "Mastodon",
        "pubmed" => "PubMed",
        _ => kind,
    };

    private static bool SameAddress(string? a, string b) =>
        string.Equals(a?.Trim().TrimEnd('/'), b.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>Saves a source; the audit log records the change (the address before and after, when it changed) and, apart, a credential change (never the credential).</summary>
    public async Task<int> SaveAsync(SourceForm form, CancellationToken cancellationToken, string? user = null)
    {
        if ((await ProblemsAsync(form, cancellationToken)) is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems.Select(p => p.Message)));
        }
        var now = DateTime.UtcNow;
        var source = form.Id is { } id ? await db.Sources.SingleAsync(s => s.Id == id, cancellationToken) : null;
        var created = source is null;
        var previousUrl = source?.BaseUrl;
        if (source is null)
        {
            source = new Source { Name = form.Name, Kind = form.Kind, CreatedAt = now };
            db.Sources.Add(source);
        }
        source.Name = form.Name.Trim();
        source.Kind = form.Kind;
        source.BaseUrl = form.BaseUrl.Trim();
        source.Settings = JsonSerializer.Serialize(new { queries = form.Queries, tracked = form.Tracked ?? [] });
        source.Enabled = form.Enabled;
        source.Schedule = string.IsNullOrWhiteSpace(form.Schedule) ? null : form.Schedule.Trim();
        source.DailyReadBudget = form.DailyReadBudget;
        if (!string.IsNullOrEmpty(form.NewCredential))
        {
            source.ProtectedCredentials = Protector.Protect(form.NewCredential);
        }
        source.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        db.AuditLog.Add(new AuditLogEntry
        {
            At = now, UserName = user, Action = created ? "source.created" : "source.updated", Target = source.Name,
            Details = JsonSerializer.Serialize(new
            {
                source = source.Id, kind = source.Kind, enabled = source.Enabled, schedule = source.Schedule, queries = form.Queries.Count,
                base_url = source.BaseUrl,
                base_url_before = created || SameAddress(previousUrl, source.BaseUrl) ? null : previousUrl,
                address_confirmed = form.ConfirmAddress,
            }),
        });
        if (!string.IsNullOrEmpty(form.NewCredential))
        {
            db.AuditLog.Add(new AuditLogEntry
            {
                At = now, UserName = user, Action = "source.credential_changed", Target = source.Name,
                Details = JsonSerializer.Serialize(new { source = source.Id, kind = source.Kind }),
            });
        }
        await db.SaveChangesAsync(cancellationToken);

        if (source.Enabled && source.Schedule is not null)
        {
            recurring.AddOrUpdate<IngestSourceJob>(RecurringJobId(source.Id), job => job.RunAsync(source.Id, CancellationToken.None), source.Schedule);
        }
        else
        {
            recurring.RemoveIfExists(RecurringJobId(source.Id));
        }
        // Deletions at the source are honoured daily for every enabled social source.
        if (source.Enabled && source.Kind is "x" or "bluesky" or "mastodon")
        {
            recurring.AddOrUpdate<ReconcileSourceJob>($"reconcile-source-{source.Id}", job => job.RunAsync(source.Id, CancellationToken.None), "30 3 * * *");
        }
        else
        {
            recurring.RemoveIfExists($"reconcile-source-{source.Id}");
        }
        return source.Id;
    }

    private SourceConfig ToConfig(Source source)
    {
        var queries = new List<string>();
        var tracked = new List<string>();
        using (var settings = JsonDocument.Parse(source.Settings))
        {
            if (settings.RootElement.TryGetProperty("queries", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                queries.AddRange(list.EnumerateArray().Select(q => q.GetString()).OfType<string>());
            }
            if (settings.RootElement.TryGetProperty("tracked", out var accounts) && accounts.ValueKind == JsonValueKind.Array)
            {
                tracked.AddRange(accounts.EnumerateArray().Select(q => q.GetString()).OfType<string>());
            }
        }
        string? hint = null;
        if (source.ProtectedCredentials is not null)
        {
            var plain = Protector.Unprotect(source.ProtectedCredentials);
            hint = plain.Length <= 4 ? "••••" : $"••••{plain[^4..]}";
        }
        return new SourceConfig(source.Id, source.Name, source.Kind, source.BaseUrl ?? "", queries, source.Enabled, source.Schedule, source.DailyReadBudget, hint, tracked);
    }
}
