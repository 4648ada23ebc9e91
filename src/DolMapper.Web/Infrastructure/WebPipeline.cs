using Microsoft.Extensions.Options;
using System.Text.Json;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Infrastructure.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serilog;

namespace DolMapper.Web.Infrastructure;

/// <summary>The web role's services and request pipeline.</summary>
internal static class WebPipeline
{
    public const string LoginPath = "/Account/Login";
    public const string JobDashboardPath = "/admin/jobs";

    public const string SsoScheme = "oidc";

    /// <summary>The rate limit on sign-in, password setting and single sign-on, per client address.</summary>
    public const string SignInRateLimit = "sign-in";

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        // A shared link with a very long search reaches the page (which shortens the search and
        // says so) instead of a bare 414 from the server; htmx repeats the URL in a header.
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestLineSize = 64 * 1024;
            o.Limits.MaxRequestHeadersTotalSize = 160 * 1024;
        });
        Compliance.ComplianceServiceCollectionExtensions.AddCompliance(services);
        Crm.CrmServiceCollectionExtensions.AddCrm(services);
        Persons.PersonServiceCollectionExtensions.AddPersons(services);
        var authentication = services.AddAuthentication(IdentityConstants.ApplicationScheme);
        authentication.AddIdentityCookies();
        var sso = configuration.GetSection($"{DolMapperOptions.Section}:Sso").Get<SsoOptions>() ?? new SsoOptions();
        if (sso.Enabled)
        {
            authentication.AddOpenIdConnect(SsoScheme, sso.DisplayName, o =>
            {
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Authority = sso.Authority;
                o.ClientId = sso.ClientId;
                o.ClientSecret = sso.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.RequireHttpsMetadata = sso.RequireHttpsMetadata;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" }.Concat(sso.Scopes).Distinct())
                {
                    o.Scope.Add(scope);
                }
                o.CallbackPath = "/signin-oidc";
                o.SaveTokens = false;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = sso.RoleClaim;
                // Behind TLS these cookies are secure anyway; on plain HTTP (a local provider) they must still round-trip.
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        }
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = LoginPath;
            o.LogoutPath = "/Account/Logout";
            o.Cookie.Name = "DolMapper.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            // A signed-in user who may not see a page gets 403 at that address (rendered by the
            // status-code page) rather than a redirect that hides what happened.
            // Identity checks the session's security stamp every SessionCheckSeconds; between checks
            // its validator (a sign-in manager, a user store and a DbContext) was still built on
            // every request only to find that no check was due. Now it is built when one is.
            o.Events.OnValidatePrincipal = context =>
            {
                var interval = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
                var now = context.HttpContext.RequestServices.GetService<TimeProvider>()?.GetUtcNow() ?? DateTimeOffset.UtcNow;
                return interval > TimeSpan.Zero && context.Properties.IssuedUtc is { } issued && now - issued <= interval
                    ? Task.CompletedTask
                    : SecurityStampValidator.ValidatePrincipalAsync(context);
            };
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Analyst, p => p.RequireRole(Roles.Admin, Roles.Analyst));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimit, context =>
            {
                // Only the attempts themselves count; showing the form is free.
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return System.Threading.RateLimiting.RateLimitPartition.GetNoLimiter("show");
                }
                var limit = context.RequestServices.GetRequiredService<IOptions<DolMapperOptions>>().Value.Auth.SignInAttemptsPerMinute;
                return System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                rejected.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await rejected.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address. Wait a minute and try again.", cancellationToken);
            };
        });
        services.AddAntiforgery(o => o.Cookie.Name = "DolMapper.Antiforgery");
        services.AddSingleton<SignInAudit>();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
            o.Conventions.AllowAnonymousToPage("/Account/Login");
            o.Conventions.AllowAnonymousToPage("/Account/SetPassword");
            o.Conventions.AllowAnonymousToPage("/Account/ExternalLogin");
            o.Conventions.AllowAnonymousToPage("/Error");
            foreach (var page in new[] { "/Account/Login", "/Account/SetPassword", "/Account/ExternalLogin" })
            {
                o.Conventions.AddPageApplicationModelConvention(page, model => model.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(SignInRateLimit)));
            }
        });
    }

    public static void Configure(WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DolMapperOptions>>().Value.ForwardedHeaders)
        {
            // The proxy in front terminates TLS; the app itself listens on loopback or a private network only.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            app.UseForwardedHeaders(forwarded);
        }
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();
        }
        app.Use(SecurityHeadersAsync);
        app.UseStatusCodePagesWithReExecute("/Error", "?code={0}");
        app.UseSerilogRequestLogging();
        app.Use(ForgetDeadConnectionsAsync);
        app.Use(RejectNulCharactersAsync);
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(AuditJobDashboardActionsAsync);

        app.MapRazorPages();
        Features.FeatureServiceCollectionExtensions.MapFeatureEndpoints(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        }).AllowAnonymous();
        app.MapHangfireDashboard(JobDashboardPath, new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorizationFilter()],
            DashboardTitle = "DolMapper jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        }).RequireAuthorization(Policies.Admin);
    }

    /// <summary>
    /// The Content-Security-Policy of DolMapper's own pages (docs/security.md): scripts, styles,
    /// images and requests from this site only — no inline script and no eval (behaviour is bound
    /// by wwwroot/js/site.js), inline style attributes allowed — and no framing by anyone.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>The job dashboard is Hangfire's own UI, whose scripts DolMapper does not control: it may run its inline code, and is never framed either.</summary>
    public const string JobDashboardContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>On every response, whatever writes it (pages, CSVs, static files, errors, the job dashboard): the CSP, nosniff, no framing, no referrer outside the site.</summary>
    private static Task SecurityHeadersAsync(HttpContext context, RequestDelegate next)
    {
        var dashboard = context.Request.Path.StartsWithSegments(JobDashboardPath);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = dashboard ? JobDashboardContentSecurityPolicy : ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Every action an admin takes on the job dashboard (its POSTs: retry, delete, trigger, requeue) goes to the audit log once it succeeded.</summary>
    private static async Task AuditJobDashboardActionsAsync(HttpContext context, RequestDelegate next)
    {
        // Read before the dashboard runs: it moves its own prefix into the request's path base.
        var action = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(JobDashboardPath, out var rest) ? rest.Value : null;
        await next(context);
        // The dashboard polls its counters with POST …/stats every few seconds: that is reading, not an action.
        if (action is not null and not "/stats" && context.Response.StatusCode < 400 && context.User.IsInRole(Roles.Admin))
        {
            await context.RequestServices.GetRequiredService<SignInAudit>().JobDashboardAsync(context, action);
        }
    }

    /// <summary>
    /// When the database server restarted or failed over, every idle pooled connection is dead, and
    /// each would fail one more request before the pool noticed. The first such failure empties the
    /// pools, so the next request opens live connections; the app recovers without a restart.
    /// </summary>
    private static async Task ForgetDeadConnectionsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (DatabaseFailures.IsConnectionLost(e))
        {
            DatabaseFailures.ForgetPooledConnections(context.RequestServices);
            throw;
        }
    }

    /// <summary>
    /// A NUL character in an address or a form field can never be searched for or stored
    /// (PostgreSQL text holds none), so such a request is answered 400 with a message, before any
    /// page or export starts. Uploaded files (multipart) are not looked at here: the importer
    /// reports such lines itself.
    /// </summary>
    private static async Task RejectNulCharactersAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var bad = (request.QueryString.Value ?? "").Contains("%00", StringComparison.Ordinal)
            || (request.Path.Value ?? "").Contains('\0', StringComparison.Ordinal);
        if (!bad && request.HasFormContentType && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            bad = form.Any(f => f.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true));
        }
        if (bad)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("The request contains a NUL character (%00), which no search or field can hold. Remove it and try again.", context.RequestAborted);
            return;
        }
        await next(context);
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description ?? e.Value.Exception?.Message }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
