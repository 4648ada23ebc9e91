using DolMapper.Web.Infrastructure.Auth;
using Hangfire.Dashboard;

namespace DolMapper.Web.Infrastructure.Jobs;

/// <summary>
/// Hangfire's own check behind the endpoint's Admin policy: the dashboard can start and delete
/// jobs, so it must never be served to anyone but an admin, even if the endpoint's policy were lost.
/// </summary>
internal sealed class AdminDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User.IsInRole(Roles.Admin);
}
