using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Infrastructure;

/// <summary>The <c>DolMapper</c> configuration section (README, "Configuration").</summary>
public sealed class DolMapperOptions
{
    public const string Section = "DolMapper";

    /// <summary>Where the zero-setup local database and log files live; see <see cref="DataDirectory.Resolve"/>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Seed the demo world into an empty database and create one user per role.</summary>
    public bool Demo { get; set; }

    /// <summary>The world <see cref="Demo"/> seeds (also the defaults of <c>demo seed</c>).</summary>
    public DemoWorldSettings DemoWorld { get; set; } = new();

    public AdminOptions Admin { get; set; } = new();
    public LocalDatabaseOptions LocalDatabase { get; set; } = new();
    public LogFileOptions LogFile { get; set; } = new();
    public JobsOptions Jobs { get; set; } = new();
    public SmtpOptions Smtp { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public SsoOptions Sso { get; set; } = new();
    public RetentionOptions Retention { get; set; } = new();
    public ImportSettings Import { get; set; } = new();
    public KeyProtectionOptions DataProtection { get; set; } = new();
    public SafetyOptions Safety { get; set; } = new();

    /// <summary>
    /// Hash partitions by author that a new database's posts and interactions are made with
    /// (0, the default: plain tables; 8 or more for tens of millions of posts); a database that
    /// already holds posts keeps its shape until <c>dolmapper partition</c> rebuilds it
    /// (docs/operations.md, "Partitioned posts and interactions").
    /// </summary>
    [Range(0, Data.PostPartitioning.MaximumPartitions)]
    public int PostPartitions { get; set; }

    /// <summary>The address users open (e.g. https://dolmapper.example.org/), for links in invitations and password resets.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Behind a reverse proxy that terminates TLS: take the client's scheme and address from X-Forwarded-Proto and X-Forwarded-For.</summary>
    public bool ForwardedHeaders { get; set; }
}

/// <summary>
/// How the Data Protection keys (which protect source tokens, sign-in cookies and links) are
/// encrypted at rest (docs/security.md): with a certificate kept outside the database, so a backup
/// of the database alone reveals no token. Without one the keys are stored in the database
/// unencrypted and the web and worker processes say so at every start.
/// </summary>
public sealed class KeyProtectionOptions
{
    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }
    /// <summary>Its password, if it has one (give it as an environment variable).</summary>
    public string? CertificatePassword { get; set; }
    public bool Configured => !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>Potential adverse events (docs/compliance.md): how soon the safety team must have each.</summary>
public sealed class SafetyOptions
{
    /// <summary>Hours from a post's first storing to the review deadline.</summary>
    [Range(1, 24 * 30)]
    public int DeadlineHours { get; set; } = 24;

    /// <summary>Where overdue items are e-mailed (once each, with SMTP configured); empty: nobody is e-mailed.</summary>
    public string? Email { get; set; }
}

/// <summary>How files are imported (docs/import.md, "Parallel writing").</summary>
public sealed class ImportSettings
{
    /// <summary>
    /// Database sessions an import writes with at once, each owning a share of the authors; 0: one
    /// per core of this machine but the one parsing takes, at most four. More helps when the
    /// database has cores to spare; 1 writes everything in one session.
    /// </summary>
    [Range(0, 64)]
    public int WriterSessions { get; set; }
}

/// <summary>How much rejected input is kept, and for how long (docs/operations.md, "What is kept and for how long").</summary>
public sealed class RetentionOptions
{
    /// <summary>
    /// Months a post's text is kept (0: for ever). Older posts keep their time, author, counts,
    /// hashtags, links and the interactions they made, so aggregates, rankings and insights over
    /// older windows stay; only the words go (docs/compliance.md).
    /// </summary>
    [Range(0, 600)]
    public int PostTextMonths { get; set; } = 24;

    /// <summary>Rejected lines kept in quarantine per run; the run still counts all of them.</summary>
    [Range(0, 1_000_000)]
    public int QuarantineLinesPerRun { get; set; } = Ingestion.QuarantineLimits.DefaultLinesPerRun;

    /// <summary>Characters of each rejected line kept.</summary>
    [Range(64, 1_048_576)]
    public int QuarantineLineChars { get; set; } = Ingestion.QuarantineLimits.DefaultLineChars;

    /// <summary>Quarantined lines older than this are deleted.</summary>
    [Range(1, 3650)]
    public int QuarantineDays { get; set; } = 30;

    /// <summary>The stored content of an upload whose import failed or never ran is deleted after this many days.</summary>
    [Range(1, 3650)]
    public int FailedUploadDays { get; set; } = 7;

    public Ingestion.QuarantineLimits QuarantineLimits() => new(QuarantineLinesPerRun, QuarantineLineChars);
}

/// <summary>
/// Optional single sign-on with OpenID Connect (Entra ID, Okta, Keycloak…), off by default. Roles
/// come from a claim: each value in <see cref="RoleMap"/> maps to a DolMapper role; the strongest
/// mapped role wins and is set again at every sign-in.
/// </summary>
public sealed class SsoOptions
{
    public bool Enabled { get; set; }
    /// <summary>The issuer, e.g. https://login.microsoftonline.com/TENANT/v2.0.</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>The button's words on the sign-in page.</summary>
    public string DisplayName { get; set; } = "Sign in with single sign-on";
    /// <summary>The claim that carries groups or app roles (Entra ID: roles; Keycloak: groups, or a mapper's name).</summary>
    public string RoleClaim { get; set; } = "roles";
    /// <summary>Claim value → DolMapper role (Admin, Analyst, BrandManager).</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The role of a signed-in user none of whose claims map; empty: they are refused.</summary>
    public string? DefaultRole { get; set; }
    /// <summary>Extra scopes beyond openid, profile and email.</summary>
    public string[] Scopes { get; set; } = [];
    /// <summary>Require HTTPS for the provider's metadata (turn off only for a local test provider).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>Outgoing mail for invitations and password resets. Without a host, the admin is shown a one-time link to pass on.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    [Range(1, 65535)]
    public int Port { get; set; } = 587;
    /// <summary>
    /// StartTls (the default: TLS required after connecting), SslOnConnect, or — only when set
    /// explicitly, for a relay on a trusted network — StartTlsWhenAvailable or None (MailKit's
    /// SecureSocketOptions). An unknown value stops the start with a message.
    /// </summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>The values <see cref="Security"/> may take.</summary>
    public static readonly string[] SecurityValues = ["StartTls", "SslOnConnect", "StartTlsWhenAvailable", "None"];
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>The sender, e.g. <c>DolMapper &lt;dolmapper@example.com&gt;</c>.</summary>
    public string From { get; set; } = "DolMapper <dolmapper@localhost>";
    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}

public sealed class AuthOptions
{
    /// <summary>Sign-in, password-setting and single sign-on attempts (POST) allowed per client address per minute.</summary>
    [Range(1, 10_000)]
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>How often a signed-in session is checked against the user (disabled, role or password changed).</summary>
    [Range(0, 3600)]
    public int SessionCheckSeconds { get; set; } = 30;
    /// <summary>How long an invitation or password-reset link works.</summary>
    [Range(1, 720)]
    public int LinkLifetimeHours { get; set; } = 72;
}

public sealed class DemoWorldSettings
{
    /// <summary>With <see cref="DolMapperOptions.Demo"/>: seed this world into an empty database (false: demo users only).</summary>
    public bool Enabled { get; set; } = true;
    [Range(10, 5_000_000)]
    public int Persons { get; set; } = Demo.DemoWorldOptions.DefaultPersons;
    [Range(0, long.MaxValue)]
    public long Posts { get; set; } = Demo.DemoWorldOptions.DefaultPosts;
    public ulong Seed { get; set; } = Demo.DemoWorldOptions.DefaultSeed;
}

public sealed class AdminOptions
{
    /// <summary>The first admin's e-mail, created at start if no admin exists.</summary>
    public string? Email { get; set; }
    /// <summary>The first admin's password; when absent a random one is generated and printed once.</summary>
    public string? Password { get; set; }
}

public sealed class LocalDatabaseOptions
{
    /// <summary>A folder holding initdb, pg_ctl and postgres; by default found on PATH or under /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; set; }
    /// <summary>Where to look for versioned PostgreSQL installs after PATH; default /usr/lib/postgresql and /usr/pgsql-*.</summary>
    public string[]? SearchRoots { get; set; }
    /// <summary>The unprivileged operating-system user that runs the server when DolMapper runs as root.</summary>
    public string ServerUser { get; set; } = "postgres";
    /// <summary>The database name inside the local cluster.</summary>
    public string Database { get; set; } = "dolmapper";
    [Range(5, 600)]
    public int StartTimeoutSeconds { get; set; } = 60;
    /// <summary>Trade durability for speed (no fsync); for test clusters only.</summary>
    public bool Unsafe { get; set; }
}

public sealed class LogFileOptions
{
    /// <summary>Also write rolling daily log files (kept 14 days) to the data directory's logs folder.</summary>
    public bool Enabled { get; set; }
    /// <summary>Overrides the log folder.</summary>
    public string? Directory { get; set; }
}

public sealed class JobsOptions
{
    /// <summary>Hangfire workers in this process.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>
    /// Whether <c>serve</c> runs a job server beside the web app (<c>serve --no-jobs</c> sets it
    /// false: the web app only, with <c>worker</c> processes doing the jobs). A worker always runs one.
    /// </summary>
    public bool Server { get; set; } = true;

    public const int DefaultInvisibilityTimeoutSeconds = 300;

    /// <summary>
    /// How long a job whose process died (kill -9, a lost machine) stays invisible before another
    /// job server takes it up again. A running job keeps renewing its claim, so a long import or
    /// scoring run is never handed on while its process lives; shorter means quicker recovery and
    /// more renewals. Every process on one database should use the same value.
    /// </summary>
    [Range(10, 86_400)]
    public int InvisibilityTimeoutSeconds { get; set; } = DefaultInvisibilityTimeoutSeconds;
}

/// <summary>Checks what DataAnnotations cannot, with messages that say what to set.</summary>
internal sealed class DolMapperOptionsValidator : IValidateOptions<DolMapperOptions>
{
    public ValidateOptionsResult Validate(string? name, DolMapperOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Check(DolMapperOptions options)
    {
        var errors = new List<string>();
        Validate(options.LocalDatabase, "DolMapper:LocalDatabase", errors);
        Validate(options.Jobs, "DolMapper:Jobs", errors);
        Validate(options.Retention, "DolMapper:Retention", errors);
        Validate(options.Auth, "DolMapper:Auth", errors);

        if (!string.IsNullOrWhiteSpace(options.DataDirectory) && !Path.IsPathRooted(options.DataDirectory))
        {
            errors.Add($"DolMapper:DataDirectory must be an absolute path; got '{options.DataDirectory}'.");
        }
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var publicUrl) || publicUrl.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(publicUrl.Query)))
        {
            errors.Add($"DolMapper:PublicBaseUrl must be an absolute http(s) address such as https://dolmapper.example.org/; got '{options.PublicBaseUrl}'.");
        }
        if (options.DataProtection.Configured && !File.Exists(options.DataProtection.CertificatePath))
        {
            errors.Add($"DolMapper:DataProtection:CertificatePath is '{options.DataProtection.CertificatePath}', which does not exist: give the .pfx file that encrypts the keys.");
        }
        if (!SmtpOptions.SecurityValues.Contains(options.Smtp.Security, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"DolMapper:Smtp:Security is '{options.Smtp.Security}'; it must be one of {string.Join(", ", SmtpOptions.SecurityValues)} (StartTls, the default, requires TLS).");
        }
        if (options.Sso.Enabled)
        {
            if (string.IsNullOrWhiteSpace(options.Sso.Authority) || string.IsNullOrWhiteSpace(options.Sso.ClientId))
            {
                errors.Add("DolMapper:Sso:Enabled is true but DolMapper:Sso:Authority or DolMapper:Sso:ClientId is not set.");
            }
            foreach (var (claim, role) in options.Sso.RoleMap)
            {
                if (!Auth.Roles.All.Contains(role))
                {
                    errors.Add($"DolMapper:Sso:RoleMap:{claim} is '{role}'; roles are {string.Join(", ", Auth.Roles.All)}.");
                }
            }
            if (!string.IsNullOrEmpty(options.Sso.DefaultRole) && !Auth.Roles.All.Contains(options.Sso.DefaultRole))
            {
                errors.Add($"DolMapper:Sso:DefaultRole is '{options.Sso.DefaultRole}'; roles are {string.Join(", ", Auth.Roles.All)}.");
            }
        }
        var admin = options.Admin;
        if (!string.IsNullOrWhiteSpace(admin.Email) && !new EmailAddressAttribute().IsValid(admin.Email))
        {
            errors.Add($"DolMapper:Admin:Email is not an e-mail address: '{admin.Email}'.");
        }
        if (!string.IsNullOrEmpty(admin.Password) && string.IsNullOrWhiteSpace(admin.Email))
        {
            errors.Add("DolMapper:Admin:Password is set but DolMapper:Admin:Email is not: set both, or neither.");
        }
        if (!string.IsNullOrEmpty(admin.Password) && admin.Password.Length < 8)
        {
            errors.Add("DolMapper:Admin:Password must have at least 8 characters.");
        }
        if (string.IsNullOrWhiteSpace(options.LocalDatabase.ServerUser))
        {
            errors.Add("DolMapper:LocalDatabase:ServerUser must name an operating-system user.");
        }
        if (string.IsNullOrWhiteSpace(options.LocalDatabase.Database))
        {
            errors.Add("DolMapper:LocalDatabase:Database must not be empty.");
        }
        return errors;
    }

    private static void Validate(object section, string prefix, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"{prefix}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
