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

/// <summary>What an admin submits; a blank credential keeps the stored one.</summary>
public sealed record SourceForm(int? Id, string Name, string Kind, string BaseUrl, IReadOnlyList<string> Queries, bool Enabled, string? Schedule, int? DailyReadBudget, string? NewCredential, IReadOnlyList<string>? Tracked = null);

/// <summary>
/// Sources in the database (every process sees the same), credentials encrypted with ASP.NET Core
/// Data Protection (keys in the database too) and shown afterwards only as their last four
/// characters; saving a source keeps its recurring Hangfire job in step with its schedule.
/// </summary>
public sealed class SourceStore(DolMapperDbContext db, IDataProtectionProvider protection, IRecurringJobManager recurring)
{
    private const string Purpose = "DolMapper.Sources.Credentials";
    public static readonly IReadOnlyList<string> IngestKinds = ["x", "bluesky", "mastodon", "pubmed"];

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

    /// <summary>Saves a source; the audit log records the change and, apart, a credential change (never the credential).</summary>
    public async Task<int> SaveAsync(SourceForm form, CancellationToken cancellationToken, string? user = null)
    {
        var now = DateTime.UtcNow;
        var source = form.Id is { } id ? await db.Sources.SingleAsync(s => s.Id == id, cancellationToken) : null;
        var created = source is null;
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
            Details = JsonSerializer.Serialize(new { source = source.Id, kind = source.Kind, enabled = source.Enabled, schedule = source.Schedule, queries = form.Queries.Count }),
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
