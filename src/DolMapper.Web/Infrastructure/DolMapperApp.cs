using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Infrastructure.Health;
using DolMapper.Web.Infrastructure.Jobs;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Extensions.Logging;

namespace DolMapper.Web.Infrastructure;

/// <summary>What a process does: serve the web app and jobs, run jobs only, or run one command.</summary>
public enum HostRole
{
    Web,
    Worker,
    Command,
}

/// <summary>
/// One DolMapper process's host, built the same way for every verb and for tests: options read and
/// validated, logging set up, the database resolved (configured or local), services registered.
/// Disposing it stops the host and then, when this process should, the local database.
/// </summary>
public sealed class DolMapperApp : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    private DolMapperApp(IHost host, DatabaseEndpoint database, DolMapperOptions options, HostRole role)
    {
        _host = host;
        Database = database;
        Options = options;
        Role = role;
    }

    public DatabaseEndpoint Database { get; }
    public DolMapperOptions Options { get; }
    public HostRole Role { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>The addresses the web app listens on, once started.</summary>
    public IReadOnlyList<string> Urls =>
        Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <param name="role">What the process does.</param>
    /// <param name="args">Configuration switches (<c>--Key=Value</c>), after the verb's own options.</param>
    /// <param name="configure">Lets tests add configuration before anything is read.</param>
    public static async Task<DolMapperApp> CreateAsync(
        HostRole role, string[] args, Action<IHostApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var applicationName = typeof(DolMapperApp).Assembly.GetName().Name!;
        IHostApplicationBuilder builder = role == HostRole.Web
            ? WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = args,
                ApplicationName = applicationName,
                ContentRootPath = AppContext.BaseDirectory,
            })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = args,
                ApplicationName = applicationName,
                ContentRootPath = AppContext.BaseDirectory,
            });
        configure?.Invoke(builder);

        var options = ReadOptions(builder.Configuration);
        var serilog = Logging.Create(builder.Configuration, options);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(serilog, dispose: true);
        using var startupLoggers = new SerilogLoggerFactory(serilog);
        var startupLogger = startupLoggers.CreateLogger("DolMapper.Startup");

        DatabaseEndpoint database;
        try
        {
            database = await DatabaseEndpoint.ResolveAsync(builder.Configuration, options, startupLogger, cancellationToken);
        }
        catch (LocalDatabaseException e)
        {
            throw new StartupException(e.Message, e);
        }

        try
        {
            builder.Configuration[$"ConnectionStrings:{DatabaseEndpoint.ConnectionStringName}"] = database.ConnectionString;
            builder.Services.AddSingleton(new DatabaseConnections(database.ConnectionString, database.OwnerConnectionString));
            AddServices(builder, role, options, database);
            ProtectKeys(builder.Services, options.DataProtection, role, startupLogger);
            IHost host;
            if (builder is WebApplicationBuilder web)
            {
                UseDefaultUrlIfNoneConfigured(web);
                var app = web.Build();
                WebPipeline.Configure(app);
                host = app;
            }
            else
            {
                host = ((HostApplicationBuilder)builder).Build();
            }
            return new DolMapperApp(host, database, options, role);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Encrypts the Data Protection keys with the configured certificate (new keys are written
    /// encrypted; keys written before stay readable until they expire), or says at start that they
    /// are stored unencrypted.
    /// </summary>
    private static void ProtectKeys(IServiceCollection services, KeyProtectionOptions keys, HostRole role, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (!keys.Configured)
        {
            if (role != HostRole.Command)
            {
                logger.LogWarning("Data Protection keys are stored unencrypted in the database, so a backup of the database alone reveals the source tokens they protect. " +
                    "Set DolMapper:DataProtection:CertificatePath (a .pfx kept outside the database) to encrypt them (docs/security.md).");
            }
            return;
        }
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        try
        {
            certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(keys.CertificatePath!, keys.CertificatePassword);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new StartupException($"DolMapper:DataProtection:CertificatePath '{keys.CertificatePath}' could not be read as a .pfx with its password: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new StartupException($"DolMapper:DataProtection:CertificatePath '{keys.CertificatePath}' has no private key: the keys could be encrypted but never read again.");
        }
        services.AddDataProtection().ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>Reads the DolMapper section and reports every invalid setting at once.</summary>
    public static DolMapperOptions ReadOptions(IConfiguration configuration)
    {
        var options = new DolMapperOptions();
        try
        {
            configuration.GetSection(DolMapperOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException($"Invalid DolMapper configuration: {e.Message}", e);
        }
        var errors = DolMapperOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            throw new StartupException("Invalid DolMapper configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        }
        return options;
    }

    private static void AddServices(IHostApplicationBuilder builder, HostRole role, DolMapperOptions options, DatabaseEndpoint database)
    {
        var connectionString = database.ConnectionString;
        var services = builder.Services;
        services.AddOptions<DolMapperOptions>()
            .Bind(builder.Configuration.GetSection(DolMapperOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DolMapperOptions>, DolMapperOptionsValidator>();

        services.AddDolMapperData(connectionString, database.ReadOnlyConnectionString);
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<InterruptedWork>();

        // Keys live in PostgreSQL so every process (web, workers, CLI) can read what another protected.
        services.AddDataProtection()
            .SetApplicationName("DolMapper")
            .PersistKeysToDbContext<DolMapperDbContext>();

        services.AddIdentityCore<DolMapperUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<DolMapperDbContext>()
            .AddDefaultTokenProviders()
            .AddSignInManager();
        services.AddOptions<DataProtectionTokenProviderOptions>()
            .Configure<IOptions<DolMapperOptions>>((o, d) => o.TokenLifespan = TimeSpan.FromHours(d.Value.Auth.LinkLifetimeHours));
        // A disabled user, a role change or a new password ends sessions within this interval.
        services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<DolMapperOptions>>((o, d) => o.ValidationInterval = TimeSpan.FromSeconds(d.Value.Auth.SessionCheckSeconds));
        services.AddSingleton<Mail.MailSender>();
        services.AddSingleton(sp => new PublicAddress(
            sp.GetRequiredService<IOptions<DolMapperOptions>>(), sp.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()));
        services.AddScoped<UserSeeder>();
        services.AddSingleton<Demo.DemoSeeder>();
        Ingestion.Sources.SourceServiceCollectionExtensions.AddIngestion(services, builder.Configuration);
        Scoring.ScoringServiceCollectionExtensions.AddScoring(services);
        Events.EventServiceCollectionExtensions.AddEvents(services);
        Features.FeatureServiceCollectionExtensions.AddFeatures(services);
        // The adverse-event screen runs in every process that runs jobs, and before the CLI's export.
        services.AddSingleton<Compliance.AdverseEventQueue>();

        AddJobs(services, role, options, connectionString);
        if (role == HostRole.Web)
        {
            WebPipeline.AddServices(services, builder.Configuration);
            services.AddHealthChecks()
                .AddDbContextCheck<DolMapperDbContext>("database", tags: ["ready"])
                .AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"]);
        }
    }

    /// <summary>Whether a process of <paramref name="role"/> runs a Hangfire job server.</summary>
    private static bool RunsJobs(HostRole role, DolMapperOptions options) =>
        role == HostRole.Worker || (role == HostRole.Web && options.Jobs.Server);

    /// <summary>Whether this process runs a Hangfire job server (<c>serve</c> unless <c>--no-jobs</c>, and <c>worker</c>).</summary>
    public bool RunsJobs() => RunsJobs(Role, Options);

    private static void AddJobs(IServiceCollection services, HostRole role, DolMapperOptions options, string connectionString)
    {
        var storageOptions = DatabaseMigrator.JobStorageOptions(prepareSchema: false, options.Jobs.InvisibilityTimeoutSeconds);
        // Registered before AddHangfire, so every Hangfire component of this host uses this
        // storage rather than the process-wide JobStorage.Current.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions));
        // Likewise the activator: AddHangfire's default is the process-wide JobActivator.Current,
        // which the last host built in a process would own, so a job of one host would be
        // activated with another host's services (and database).
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        if (RunsJobs(role, options))
        {
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = sp.GetRequiredService<IOptions<DolMapperOptions>>().Value.Jobs.WorkerCount;
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{role.ToString().ToLowerInvariant()}";
            });
        }
    }

    private static void UseDefaultUrlIfNoneConfigured(WebApplicationBuilder web)
    {
        var c = web.Configuration;
        if (!string.IsNullOrEmpty(c["urls"]) || !string.IsNullOrEmpty(c["http_ports"]) || !string.IsNullOrEmpty(c["https_ports"])
            || c.GetSection("Kestrel:Endpoints").Exists())
        {
            return;
        }
        // The README promises http://localhost:5000, or a port DolMapper prints when 5000 is taken.
        var port = LoopbackPorts.IsFree(5000) ? 5000 : LoopbackPorts.Free();
        web.WebHost.UseUrls($"http://localhost:{port}");
    }

    /// <summary>Migrates the database and, for the web role, creates roles and first users. Returns logins to print.</summary>
    public async Task<IReadOnlyList<PrintedLogin>> PrepareAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        if (Role is HostRole.Web or HostRole.Worker)
        {
            var over = await DatabaseRoles.OverPrivilegeAsync(Database.ConnectionString, cancellationToken);
            if (over.Count > 0)
            {
                Services.GetRequiredService<ILoggerFactory>().CreateLogger("DolMapper.Startup").LogWarning(
                    "DolMapper connects to the database as '{Role}', which {Reasons}: the application could rewrite or erase its own audit log. " +
                    "Give it a role that owns nothing and set ConnectionStrings:{Owner} to the schema owner's connection (docs/security.md, 'Database roles').",
                    new Npgsql.NpgsqlConnectionStringBuilder(Database.ConnectionString).Username, string.Join(" and ", over), DatabaseEndpoint.OwnerConnectionStringName);
            }
            // Runs a crash left marked running are failed, and their left-over tables dropped, before any new work starts.
            await scope.ServiceProvider.GetRequiredService<InterruptedWork>().RecoverAsync(cancellationToken);
        }
        if (Role != HostRole.Web)
        {
            return [];
        }
        var logins = await scope.ServiceProvider.GetRequiredService<UserSeeder>().SeedAsync(cancellationToken);
        if (Options.Demo && Options.DemoWorld.Enabled)
        {
            if (await Services.GetRequiredService<Demo.DemoSeeder>().SeedIfEmptyAsync(DemoWorldOptions(), cancellationToken) is not null)
            {
                // A fresh demo: its example profiles, and a first ranking to look at as soon as the job server runs.
                var profiles = scope.ServiceProvider.GetRequiredService<Scoring.ScoringProfiles>();
                await profiles.EnsureExamplesAsync("demo", cancellationToken);
                var jobs = scope.ServiceProvider.GetRequiredService<Hangfire.IBackgroundJobClient>();
                foreach (var profile in await profiles.LatestAsync(activeOnly: true, cancellationToken))
                {
                    Scoring.ScoringRunJob.Enqueue(jobs, profile.ProfileId, "demo");
                }
            }
        }
        var recurring = scope.ServiceProvider.GetRequiredService<Hangfire.IRecurringJobManager>();
        recurring.AddOrUpdate<Scoring.ScoringRunJob>(
            Scoring.ScoringRunJob.NightlyJobId, job => job.EnqueueActiveAsync(CancellationToken.None), Scoring.ScoringRunJob.NightlySchedule);
        recurring.AddOrUpdate<Ingestion.Sources.PubMed.PublicationLookupJob>(
            Ingestion.Sources.PubMed.PublicationLookup.RecurringJobId, job => job.RunAsync(CancellationToken.None), Ingestion.Sources.PubMed.PublicationLookupJob.Schedule);
        recurring.AddOrUpdate<InterruptedWork>(InterruptedWork.RecurringJobId, job => job.RecoverAsync(CancellationToken.None), InterruptedWork.Schedule);
        recurring.AddOrUpdate<Ingestion.RetentionJob>(
            Ingestion.RetentionJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Ingestion.RetentionJob.Schedule);
        recurring.AddOrUpdate<Features.SavedViews.SavedViewAlerts>(
            Features.SavedViews.SavedViewAlerts.RecurringJobId, alerts => alerts.RunAsync(CancellationToken.None), Features.SavedViews.SavedViewAlerts.Schedule);
        recurring.AddOrUpdate<Compliance.AdverseEventQueue>(
            Compliance.AdverseEventQueue.RecurringJobId, queue => queue.ScanAsync(CancellationToken.None), Compliance.AdverseEventQueue.Schedule);
        return logins;
    }

    /// <summary>The demo world configured under <c>DolMapper:DemoWorld</c>.</summary>
    public Demo.DemoWorldOptions DemoWorldOptions() => new()
    {
        Persons = Options.DemoWorld.Persons,
        Posts = Options.DemoWorld.Posts,
        Seed = Options.DemoWorld.Seed,
    };

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _host.StartAsync(cancellationToken);
        _started = true;
    }

    /// <summary>Runs until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _host.StopAsync(timeout.Token);
            }
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
            await Database.DisposeAsync();
        }
    }
}
