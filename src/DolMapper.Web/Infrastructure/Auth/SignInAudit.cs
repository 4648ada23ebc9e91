using DolMapper.Web.Data.Entities;
using Npgsql;

namespace DolMapper.Web.Infrastructure.Auth;

/// <summary>
/// Writes sign-ins, refused sign-ins, lockouts, sign-outs and job-dashboard actions to the audit log
/// (docs/security.md). A refused attempt for an address that is no user's is recorded without the
/// address (the log cannot be erased, and the address may be a stranger's); a known user's attempt
/// names the user. The client address is kept with each entry.
/// </summary>
public sealed class SignInAudit(NpgsqlDataSource dataSource)
{
    public const string SignedIn = "auth.signed_in";
    public const string SignInFailed = "auth.sign_in_failed";
    public const string LockedOut = "auth.locked_out";
    public const string SignedOut = "auth.signed_out";
    public const string JobDashboard = "jobs.dashboard_action";

    public Task SignedInAsync(DolMapperUser user, string method, HttpContext context) =>
        WriteAsync(user.Id, user.UserName, SignedIn, new { method, address = Address(context) }, context.RequestAborted);

    /// <summary>A refused sign-in: <paramref name="user"/> when the address is a user's, else nobody named.</summary>
    public Task FailedAsync(DolMapperUser? user, string method, string reason, HttpContext context) =>
        WriteAsync(user?.Id, user?.UserName, SignInFailed, new { method, reason, address = Address(context) }, context.RequestAborted);

    public Task LockedOutAsync(DolMapperUser user, DateTimeOffset? until, HttpContext context) =>
        WriteAsync(user.Id, user.UserName, LockedOut, new { until, address = Address(context) }, context.RequestAborted);

    public Task SignedOutAsync(DolMapperUser user, HttpContext context) =>
        WriteAsync(user.Id, user.UserName, SignedOut, new { address = Address(context) }, context.RequestAborted);

    /// <summary>An action taken on the job dashboard (a POST: retry, delete, trigger, requeue), with the path it was taken on.</summary>
    public Task JobDashboardAsync(HttpContext context, string path) =>
        WriteAsync(context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, context.User.Identity?.Name, JobDashboard,
            new { path, address = Address(context) }, context.RequestAborted);

    private static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    private async Task WriteAsync(string? userId, string? userName, string action, object details, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Data.AuditLog.WriteAsync(connection, null, userName, action, userName, details, cancellationToken, userId);
    }
}
