using System.CommandLine;
using DolMapper.Web.Demo;
using DolMapper.Web.Infrastructure.Auth;
using DolMapper.Web.Ingestion.Import;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DolMapper.Web.Infrastructure.Cli;

/// <summary>
/// The verbs of docs/cli.md. Anything a verb does not know that looks like
/// <c>--Key=Value</c> is passed on as configuration. Results go to standard output, logs to
/// standard error. Exit codes: 0 success, 1 a failure the message explains, 2 wrong usage.
/// </summary>
public static class DolMapperCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = Build(stdout);
        var parse = root.Parse(args);

        var usageError = UsageError(parse);
        if (usageError is not null)
        {
            await stderr.WriteLineAsync(usageError);
            await stderr.WriteLineAsync();
            await WriteHelpAsync(parse, stderr);
            return Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                // The host handles Ctrl+C and SIGTERM itself and shuts down gracefully (stopping the local database).
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            }, cancellationToken);
        }
        catch (Exception e) when (e is StartupException or OptionsValidationException)
        {
            await stderr.WriteLineAsync($"dolmapper: {e.Message}");
            return Failure;
        }
        catch (ImportFailedException e)
        {
            await stderr.WriteLineAsync($"dolmapper: import run {e.RunId} {e.Message}");
            return Failure;
        }
        catch (NpgsqlException e)
        {
            await stderr.WriteLineAsync($"dolmapper: cannot use the database: {e.Message}");
            await stderr.WriteLineAsync("Check ConnectionStrings:DolMapper (or leave it unset to use the zero-setup local database) and that the server is running.");
            return Failure;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("dolmapper: cancelled.");
            return Failure;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"dolmapper: unexpected error: {e}");
            return Failure;
        }
    }

    private static RootCommand Build(TextWriter stdout)
    {
        var root = new RootCommand(
            "DolMapper finds, profiles and ranks healthcare professionals who lead opinion online. " +
            "With no verb it runs 'serve'. Configuration switches such as --DolMapper:DataDirectory=/path may follow any verb.");

        var demoOption = new Option<bool>("--demo") { Description = "Demo mode (as DolMapper:Demo=true): seed the demo world into an empty database and create one user per role." };
        var noJobsOption = new Option<bool>("--no-jobs") { Description = "Run the web app only (as DolMapper:Jobs:Server=false): 'worker' processes run the jobs." };
        var serve = new Command("serve", "Run the web app and the job server (the default).") { demoOption, noJobsOption };
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction((parse, ct) => ServeAsync(parse.GetValue(demoOption), parse.GetValue(noJobsOption), parse.UnmatchedTokens, stdout, ct));

        var worker = new Command("worker", "Run the job server only (a worker role beside a web process).");
        worker.TreatUnmatchedTokensAsErrors = false;
        worker.SetAction((parse, ct) => WorkerAsync(parse.UnmatchedTokens, stdout, ct));

        var migrate = new Command("migrate", "Apply database migrations and exit.");
        migrate.TreatUnmatchedTokensAsErrors = false;
        migrate.SetAction((parse, ct) => MigrateAsync(parse.UnmatchedTokens, stdout, ct));

        var partitionCount = new Option<int>("--partitions") { Description = "Hash partitions by author for posts and interactions (0: plain tables).", DefaultValueFactory = _ => Data.PostPartitioning.DefaultPartitions };
        var partition = new Command("partition", "Rebuild posts and interactions with hash partitions by author, moving their rows (docs/operations.md, 'Partitioned posts and interactions'); blocks the two tables while it runs.") { partitionCount };
        partition.TreatUnmatchedTokensAsErrors = false;
        partition.SetAction((parse, ct) => PartitionAsync(parse.GetValue(partitionCount), parse.UnmatchedTokens, stdout, ct));

        var files = new Argument<string[]>("FILE") { Description = "JSON Lines files (.jsonl, or gzip-compressed .jsonl.gz) in the format of docs/import.md.", Arity = ArgumentArity.OneOrMore };
        var batchSize = new Option<int>("--batch-size") { Description = "Lines written per transaction.", DefaultValueFactory = _ => ImportOptions.DefaultBatchSize };
        var sessions = new Option<int>("--sessions") { Description = "Database sessions writing at once, split by author (default: DolMapper:Import:WriterSessions, else one per core, at most four)." };
        var import = new Command("import", "Import JSON Lines files (accounts, posts, deletions, CRM relationships) and print a report. Exit code 1 if any line was rejected.") { files, batchSize, sessions };
        import.TreatUnmatchedTokensAsErrors = false;
        import.SetAction((parse, ct) => ImportAsync(parse.GetValue(files)!, parse.GetValue(batchSize), parse.GetValue(sessions), parse.UnmatchedTokens, stdout, ct));

        var persons = new Option<int?>("--persons") { Description = $"People in the world (default {DemoWorldOptions.DefaultPersons:N0}; DolMapper:DemoWorld:Persons)." };
        var posts = new Option<long?>("--posts") { Description = $"Posts over the year (default {DemoWorldOptions.DefaultPosts:N0}; DolMapper:DemoWorld:Posts)." };
        var seed = new Option<ulong?>("--seed") { Description = $"The seed: the same seed and sizes give byte-identical files (default {DemoWorldOptions.DefaultSeed})." };
        var output = new Option<string?>("--out") { Description = "Write JSON Lines here (gzip when it ends in .gz) instead of importing." };
        var truth = new Option<string?>("--truth") { Description = "Where the ground-truth file goes (default: beside --out as NAME.truth.jsonl.gz, else ./demo-ground-truth.jsonl.gz)." };
        var seedVerb = new Command("seed", "Generate the demo world (and its ground-truth file) and import it, or write it with --out.") { persons, posts, seed, output, truth };
        seedVerb.TreatUnmatchedTokensAsErrors = false;
        seedVerb.SetAction((parse, ct) => DemoSeedAsync(
            parse.GetValue(persons), parse.GetValue(posts), parse.GetValue(seed), parse.GetValue(output), parse.GetValue(truth), parse.UnmatchedTokens, stdout, ct));
        var demo = new Command("demo", "The demo world: a synthetic HCP social network with known right answers (docs/demo-world.md).") { seedVerb };

        var sourceArgument = new Argument<string>("SOURCE") { Description = "x, bluesky, mastodon or pubmed." };
        var baseUrl = new Option<string?>("--base-url") { Description = "The API root (default: the source's saved setting, then https://api.x.com)." };
        var query = new Option<string?>("--query") { Description = "What to search for, e.g. \"#oncology OR #bcsm\"." };
        var token = new Option<string?>("--token") { Description = "The credential (X: the bearer token; Bluesky: HANDLE:APP_PASSWORD; Mastodon: an optional access token; PubMed: an optional NCBI API key)." };
        var ingest = new Command("ingest", "Run one ingestion pass of a source now, following every page, and print fetched / new / updated / duplicates / rejected.") { sourceArgument, baseUrl, query, token };
        ingest.TreatUnmatchedTokensAsErrors = false;
        ingest.SetAction((parse, ct) => IngestAsync(parse.GetValue(sourceArgument)!, parse.GetValue(baseUrl), parse.GetValue(query), parse.GetValue(token), parse.UnmatchedTokens, stdout, ct));

        var profileFile = new Argument<string>("FILE") { Description = "A JSON file: one profile object or an array (docs/formats.md, 'Scoring profile')." };
        var profilesImport = new Command("import", "Import scoring profiles; a profile whose name exists gets a new version. Nothing is saved if any profile is invalid.") { profileFile };
        profilesImport.TreatUnmatchedTokensAsErrors = false;
        profilesImport.SetAction((parse, ct) => ProfilesImportAsync(parse.GetValue(profileFile)!, parse.UnmatchedTokens, stdout, ct));
        var profileName = new Argument<string?>("NAME") { Description = "The profile to export (default: all, as a JSON array).", Arity = ArgumentArity.ZeroOrOne };
        var profilesExport = new Command("export", "Print scoring profiles as JSON.") { profileName };
        profilesExport.TreatUnmatchedTokensAsErrors = false;
        profilesExport.SetAction((parse, ct) => ProfilesExportAsync(parse.GetValue(profileName), parse.UnmatchedTokens, stdout, ct));
        var profilesVerb = new Command("profiles", "Scoring profiles as JSON: import and export.") { profilesImport, profilesExport };

        var scoreProfile = new Option<string?>("--profile") { Description = "The profile to score (default: every active profile)." };
        var score = new Command("score", "Run a scoring run now and wait for it (holding the same lock as the scheduled job).") { scoreProfile };
        score.TreatUnmatchedTokensAsErrors = false;
        score.SetAction((parse, ct) => ScoreAsync(parse.GetValue(scoreProfile), parse.UnmatchedTokens, stdout, ct));

        var exportProfile = new Option<string>("--profile") { Description = "The profile whose latest complete run to export.", Required = true };
        var top = new Option<int?>("--top") { Description = "Only the first N rows." };
        var exportOut = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)." };
        var bom = new Option<bool>("--bom") { Description = "Start the file with a UTF-8 byte order mark (for Excel)." };
        var export = new Command("export", "Write the latest ranking of a profile as CSV (docs/formats.md).") { exportProfile, top, exportOut, bom };
        export.TreatUnmatchedTokensAsErrors = false;
        export.SetAction((parse, ct) => ExportAsync(parse.GetValue(exportProfile)!, parse.GetValue(top), parse.GetValue(exportOut), parse.GetValue(bom), parse.UnmatchedTokens, stdout, ct));

        var trendsProfile = new Option<string>("--profile") { Description = "The profile whose latest complete run's trends to write.", Required = true };
        var trendsOut = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)." };
        var insightsTrends = new Command("trends", "Write a profile's topic trends as CSV: rank,kind,item,posts_window,posts_baseline,hcp_authors,trend_score,status (docs/insights.md).") { trendsProfile, trendsOut };
        insightsTrends.TreatUnmatchedTokensAsErrors = false;
        insightsTrends.SetAction((parse, ct) => InsightsCsvAsync("trends", parse.GetValue(trendsProfile)!, parse.GetValue(trendsOut), parse.UnmatchedTokens, stdout, ct));
        var concernsProfile = new Option<string>("--profile") { Description = "The profile whose latest complete run's concern themes to write.", Required = true };
        var concernsOut = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)." };
        var insightsConcerns = new Command("concerns", "Write a profile's themes of concerns and unmet needs as CSV: theme,posts,hcp_authors,example_post_ids (docs/insights.md).") { concernsProfile, concernsOut };
        insightsConcerns.TreatUnmatchedTokensAsErrors = false;
        insightsConcerns.SetAction((parse, ct) => InsightsCsvAsync("concerns", parse.GetValue(concernsProfile)!, parse.GetValue(concernsOut), parse.UnmatchedTokens, stdout, ct));
        var productsProfile = new Option<string>("--profile") { Description = "The profile whose latest complete run's product counts to write.", Required = true };
        var productsOut = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)." };
        var insightsProducts = new Command("products", "Write a profile's HCP mentions per product and week as CSV: product,week,hcp_mentions,share_of_voice,positive,negative,neutral (docs/insights.md).") { productsProfile, productsOut };
        insightsProducts.TreatUnmatchedTokensAsErrors = false;
        insightsProducts.SetAction((parse, ct) => InsightsCsvAsync("products", parse.GetValue(productsProfile)!, parse.GetValue(productsOut), parse.UnmatchedTokens, stdout, ct));
        var insightsVerb = new Command("insights", "Conversation insights of a profile as CSV (docs/insights.md).") { insightsTrends, insightsConcerns, insightsProducts };

        var productFile = new Argument<string>("FILE") { Description = "A JSON file: one product list {\"profile\": …, \"products\": […]} or an array of them (docs/insights.md)." };
        var productsImport = new Command("import", "Import product lists; each replaces its profile's list. Nothing is saved if any list is invalid.") { productFile };
        productsImport.TreatUnmatchedTokensAsErrors = false;
        productsImport.SetAction((parse, ct) => ProductsImportAsync(parse.GetValue(productFile)!, parse.UnmatchedTokens, stdout, ct));
        var productsExportProfile = new Option<string?>("--profile") { Description = "Only this profile's list (default: every profile that has products)." };
        var productsExport = new Command("export", "Print product lists as JSON (an array of lists).") { productsExportProfile };
        productsExport.TreatUnmatchedTokensAsErrors = false;
        productsExport.SetAction((parse, ct) => ProductsExportAsync(parse.GetValue(productsExportProfile), parse.UnmatchedTokens, stdout, ct));
        var productsVerb = new Command("products", "Product lists per profile as JSON: import and export (docs/insights.md).") { productsImport, productsExport };
        var eventFile = new Argument<string>("FILE") { Description = "A JSON file: one event or an array of them (docs/events.md)." };
        var eventsImport = new Command("import", "Import events; an existing name gets a new version. Nothing is saved if any event is invalid.") { eventFile };
        eventsImport.TreatUnmatchedTokensAsErrors = false;
        eventsImport.SetAction((parse, ct) => EventsImportAsync(parse.GetValue(eventFile)!, parse.UnmatchedTokens, stdout, ct));
        var eventsExportName = new Argument<string?>("NAME") { Description = "Only this event (default: every event, as an array).", Arity = ArgumentArity.ZeroOrOne };
        var eventsExport = new Command("export", "Print events as JSON.") { eventsExportName };
        eventsExport.TreatUnmatchedTokensAsErrors = false;
        eventsExport.SetAction((parse, ct) => EventsExportAsync(parse.GetValue(eventsExportName), parse.UnmatchedTokens, stdout, ct));
        var eventsReportName = new Argument<string>("NAME") { Description = "The event's name." };
        var eventsReportOut = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)." };
        var eventsReport = new Command("report", "Write an event's participants, ranked by engagement during it, as CSV: rank,person_id,name,handles,profession,specialty,country,posts_during,engagement_during,reach_during,hcp_audience_share,posts_before,new_voice,dol_score,profile (docs/events.md). Reads the event first when its reading is missing or out of date.") { eventsReportName, eventsReportOut };
        eventsReport.TreatUnmatchedTokensAsErrors = false;
        eventsReport.SetAction((parse, ct) => EventsReportAsync(parse.GetValue(eventsReportName)!, parse.GetValue(eventsReportOut), parse.UnmatchedTokens, stdout, ct));
        var eventsVerb = new Command("events", "Congresses, launches, awareness days and campaigns: import, export and report (docs/events.md).") { eventsImport, eventsExport, eventsReport };
        var aeStatus = new Option<string>("--status") { Description = "open (default): items waiting for a decision; all: decided ones too." };
        aeStatus.AcceptOnlyFromAmong("open", "all");
        var aeOut = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)." };
        var aeUnmask = new Option<bool>("--unmask") { Description = "Write text that may identify a patient as posted (default: masked)." };
        var aeExport = new Command("export", "Screen new posts, then write the potential adverse-event queue as CSV for the safety team: " + string.Join(",", Features.Safety.SafetyCsv.Header) + " (docs/compliance.md).") { aeStatus, aeOut, aeUnmask };
        aeExport.TreatUnmatchedTokensAsErrors = false;
        aeExport.SetAction((parse, ct) => AdverseEventsExportAsync(parse.GetValue(aeStatus) == "all", parse.GetValue(aeOut), parse.GetValue(aeUnmask), parse.UnmatchedTokens, stdout, ct));
        var aeVerb = new Command("ae", "Potential adverse events in stored posts: export the review queue (docs/compliance.md).") { aeExport };

        var userEmail = new Argument<string?>("EMAIL") { Description = "The user's e-mail address.", Arity = ArgumentArity.ZeroOrOne };
        var emailOption = new Option<string?>("--email") { Description = "The user's e-mail address (as the EMAIL argument)." };
        var roleOption = new Option<string>("--role") { Description = "Admin, Analyst or BrandManager.", Required = true };
        var nameOption = new Option<string?>("--name") { Description = "The name shown in the app." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (nothing is echoed or stored in the shell's history)." };
        var linkOption = new Option<bool>("--link") { Description = "Create the user without a password and print a one-time link where they choose it (e-mailed too when SMTP is set)." };
        var usersAdd = new Command("add", "Create a user. Without --password-stdin or --link a password is generated and printed once.")
        {
            userEmail, emailOption, roleOption, nameOption, passwordStdin, linkOption,
        };
        usersAdd.TreatUnmatchedTokensAsErrors = false;
        usersAdd.SetAction((parse, ct) =>
        {
            // The optional EMAIL argument swallows a configuration switch that takes its place; give it back.
            var argument = parse.GetValue(userEmail);
            IReadOnlyList<string> unmatched = parse.UnmatchedTokens;
            if (argument?.StartsWith("--", StringComparison.Ordinal) == true)
            {
                unmatched = [argument, .. unmatched];
                argument = null;
            }
            return UsersAddAsync(argument ?? parse.GetValue(emailOption), parse.GetValue(roleOption)!, parse.GetValue(nameOption),
                parse.GetValue(passwordStdin), parse.GetValue(linkOption), unmatched, stdout, ct);
        });
        var usersList = new Command("list", "List users: e-mail, role, status, created.");
        usersList.TreatUnmatchedTokensAsErrors = false;
        usersList.SetAction((parse, ct) => UsersListAsync(parse.UnmatchedTokens, stdout, ct));
        var disableEmail = new Argument<string>("EMAIL") { Description = "The user's e-mail address." };
        var usersDisable = new Command("disable", "Disable a user and end their sessions (the last enabled admin cannot be disabled).") { disableEmail };
        usersDisable.TreatUnmatchedTokensAsErrors = false;
        usersDisable.SetAction((parse, ct) => UsersDisableAsync(parse.GetValue(disableEmail)!, enable: false, parse.UnmatchedTokens, stdout, ct));
        var enableEmail = new Argument<string>("EMAIL") { Description = "The user's e-mail address." };
        var usersEnable = new Command("enable", "Enable a disabled user, or unlock one locked out by failed sign-ins.") { enableEmail };
        usersEnable.TreatUnmatchedTokensAsErrors = false;
        usersEnable.SetAction((parse, ct) => UsersDisableAsync(parse.GetValue(enableEmail)!, enable: true, parse.UnmatchedTokens, stdout, ct));
        var usersVerb = new Command("users", "Users without a browser: add, list, disable, enable (audited like the admin pages).") { usersAdd, usersList, usersDisable, usersEnable };

        root.Subcommands.Add(serve);
        root.Subcommands.Add(worker);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(partition);
        root.Subcommands.Add(import);
        root.Subcommands.Add(demo);
        root.Subcommands.Add(ingest);
        root.Subcommands.Add(profilesVerb);
        root.Subcommands.Add(score);
        root.Subcommands.Add(export);
        root.Subcommands.Add(insightsVerb);
        root.Subcommands.Add(productsVerb);
        root.Subcommands.Add(eventsVerb);
        root.Subcommands.Add(aeVerb);
        root.Subcommands.Add(usersVerb);

        // No verb: serve, with whatever configuration switches were given.
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((parse, ct) => ServeAsync(false, false, parse.UnmatchedTokens, stdout, ct));
        return root;
    }

    /// <summary>A verb-level usage error, or null. Unknown verbs are bare words where a verb or switch was expected.</summary>
    private static string? UsageError(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            return "dolmapper: " + string.Join(Environment.NewLine + "dolmapper: ", parse.Errors.Select(e => e.Message));
        }
        var unmatched = parse.UnmatchedTokens;
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            var isSwitch = token.StartsWith('-') || token.StartsWith('/');
            var isValueOfPreviousSwitch = i > 0 && IsSwitchWithoutValue(unmatched[i - 1]);
            if (!isSwitch && !isValueOfPreviousSwitch)
            {
                return parse.CommandResult.Command is RootCommand && i == 0
                    ? $"dolmapper: unknown verb '{token}'."
                    : $"dolmapper: unexpected argument '{token}'.";
            }
        }
        return null;
    }

    private static bool IsSwitchWithoutValue(string token) =>
        (token.StartsWith('-') || token.StartsWith('/')) && !token.Contains('=');

    private static async Task WriteHelpAsync(ParseResult parse, TextWriter writer)
    {
        var command = parse.CommandResult.Command;
        var help = command.Parse("--help");
        await help.InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer });
    }

    private static string[] ConfigurationArgs(IReadOnlyList<string> unmatched, params string[] extra) =>
        [.. unmatched, .. extra];

    private static async Task<int> ServeAsync(bool demo, bool noJobs, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        string[] extra = [.. demo ? ["--DolMapper:Demo=true"] : Array.Empty<string>(), .. noJobs ? ["--DolMapper:Jobs:Server=false"] : Array.Empty<string>()];
        var args = ConfigurationArgs(unmatched, extra);
        await using var app = await DolMapperApp.CreateAsync(HostRole.Web, args, cancellationToken: cancellationToken);
        var logins = await app.PrepareAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await WriteBannerAsync(stdout, app.Urls, logins, app.RunsJobs());
        await app.WaitForShutdownAsync(cancellationToken);
        return Success;
    }

    private static async Task<int> WorkerAsync(IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await DolMapperApp.CreateAsync(HostRole.Worker, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        await app.PrepareAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await stdout.WriteLineAsync($"DolMapper worker is running ({app.Options.Jobs.WorkerCount} job workers). Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(cancellationToken);
        return Success;
    }

    /// <summary>A command-line process's app for the user verbs: migrated, with roles in place.</summary>
    private static async Task<DolMapperApp> UsersAppAsync(IReadOnlyList<string> unmatched, CancellationToken cancellationToken)
    {
        var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            await scope.ServiceProvider.GetRequiredService<UserSeeder>().EnsureRolesAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static string CliActor => $"cli:{Environment.UserName}";

    private static async Task<int> UsersAddAsync(string? email, string role, string? name, bool passwordFromStdin, bool link, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            throw new StartupException("name the user: dolmapper users add EMAIL --role ROLE.");
        }
        if (passwordFromStdin && link)
        {
            throw new StartupException("choose one: --password-stdin or --link.");
        }
        var canonicalRole = Roles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
            ?? throw new StartupException($"unknown role '{role}': choose {string.Join(", ", Roles.All)}.");
        string? password = null;
        if (passwordFromStdin)
        {
            // A byte order mark (some writers put one first) is not part of the password.
            password = (await Console.In.ReadLineAsync(cancellationToken))?.TrimStart('\uFEFF').TrimEnd('\r');
            if (string.IsNullOrEmpty(password))
            {
                throw new StartupException("--password-stdin: standard input gave no password.");
            }
        }
        await using var app = await UsersAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<Features.Admin.Users.UserAdministration>();
        if (link)
        {
            var site = scope.ServiceProvider.GetRequiredService<PublicAddress>().Base;
            var invited = await administration.InviteAsync(email, name, canonicalRole, CliActor, site, cancellationToken);
            if (!invited.Done)
            {
                throw new StartupException(invited.Message);
            }
            await stdout.WriteLineAsync(invited.Message);
            if (invited.Link is not null)
            {
                await stdout.WriteLineAsync(invited.Link);
            }
            return Success;
        }
        var generated = password is null;
        password ??= GeneratePassword();
        var created = await administration.CreateWithPasswordAsync(email, name, canonicalRole, password, CliActor, cancellationToken);
        if (!created.Done)
        {
            throw new StartupException(created.Message);
        }
        await stdout.WriteLineAsync(created.Message);
        if (generated)
        {
            await stdout.WriteLineAsync($"Password (shown once): {password}");
        }
        return Success;
    }

    private static string GeneratePassword() =>
        "Dm-" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y') + "-7";

    private static async Task<int> UsersListAsync(IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await UsersAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<Features.Admin.Users.UserAdministration>().ListAsync(cancellationToken);
        var width = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => r.Email.Length));
        await stdout.WriteLineAsync($"{"email".PadRight(width)}  {"role",-12}  {"status",-10}  created");
        foreach (var row in rows)
        {
            await stdout.WriteLineAsync($"{row.Email.PadRight(width)}  {row.Role ?? "-",-12}  {StatusWord(row.Status),-10}  {row.CreatedAt:yyyy-MM-dd}");
        }
        return Success;
    }

    private static string StatusWord(Features.Admin.Users.UserStatus status) => status switch
    {
        Features.Admin.Users.UserStatus.Invited => "invited",
        Features.Admin.Users.UserStatus.LockedOut => "locked",
        Features.Admin.Users.UserStatus.Disabled => "disabled",
        _ => "active",
    };

    private static async Task<int> UsersDisableAsync(string email, bool enable, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await UsersAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<Features.Admin.Users.UserAdministration>();
        var id = await administration.IdOfAsync(email) ?? throw new StartupException($"no user has the address {email}.");
        var result = enable
            ? await administration.EnableAsync(id, CliActor, cancellationToken)
            : await administration.DisableAsync(id, CliActor, cancellationToken);
        if (!result.Done)
        {
            throw new StartupException(result.Message);
        }
        await stdout.WriteLineAsync(result.Message);
        return Success;
    }

    private static async Task<int> MigrateAsync(IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var applied = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await stdout.WriteLineAsync(applied.Count == 0
            ? "The database schema is up to date."
            : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
        return Success;
    }

    private static async Task<int> PartitionAsync(int partitions, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (partitions is < 0 or > Data.PostPartitioning.MaximumPartitions)
        {
            throw new StartupException($"--partitions must be between 0 (plain tables) and {Data.PostPartitioning.MaximumPartitions}.");
        }
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var migrator = scope.ServiceProvider.GetRequiredService<DatabaseMigrator>();
        await migrator.MigrateAsync(cancellationToken);
        bool changed;
        try
        {
            changed = await migrator.PartitionAsync(partitions, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException(e.Message, e);
        }
        await stdout.WriteLineAsync(!changed
            ? $"posts and interactions already have {(partitions == 0 ? "no partitions" : $"{partitions} partitions")}."
            : partitions == 0 ? "posts and interactions are plain tables again." : $"posts and interactions now have {partitions} hash partitions by author.");
        return Success;
    }

    private static async Task<int> ImportAsync(string[] arguments, int batchSize, int sessions, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        // The file list swallows configuration switches that follow it; give them back.
        var files = arguments.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        unmatched = [.. unmatched, .. arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal))];
        if (files.Length == 0)
        {
            throw new StartupException("name at least one file to import.");
        }
        var missing = files.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            throw new StartupException($"no such file: {string.Join(", ", missing)}");
        }
        if (batchSize < 1)
        {
            throw new StartupException("--batch-size must be at least 1.");
        }
        if (sessions is < 0 or > 64)
        {
            throw new StartupException("--sessions must be between 1 and 64.");
        }
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            // A run an earlier process left marked running (killed, crashed) is failed before this one starts.
            await scope.ServiceProvider.GetRequiredService<Jobs.InterruptedWork>().RecoverAsync(cancellationToken);
        }
        var importer = app.Services.GetRequiredService<FileImporter>();
        var total = files.Sum(f => new FileInfo(f).Length);
        // The command line is the operator's own: it counts as an Admin (relationship lines apply).
        var report = await TerminalProgress.RunAsync("Importing", total, progress =>
            importer.ImportFilesAsync(files, new ImportOptions(AllowRelationships: true, $"cli:{Environment.UserName}", batchSize, progress, WriterSessions: sessions), cancellationToken));
        await stdout.WriteAsync(report.ToText());
        await stdout.FlushAsync(cancellationToken);
        return report.Clean ? Success : Failure;
    }

    private static async Task<int> DemoSeedAsync(int? persons, long? posts, ulong? seed, string? output, string? truth, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (output is not null)
        {
            // Writing a file needs no database; the defaults are the documented ones.
            var options = new DemoWorldOptions
            {
                Persons = persons ?? DemoWorldOptions.DefaultPersons,
                Posts = posts ?? DemoWorldOptions.DefaultPosts,
                Seed = seed ?? DemoWorldOptions.DefaultSeed,
            };
            CheckDemoOptions(options);
            var truthPath = truth ?? TruthPathBeside(output);
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var summary = await DemoWorldWriter.WriteFileAsync(options, output, truthPath, cancellationToken);
            var seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 0.001);
            await stdout.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Wrote {output}: {summary.Lines:N0} lines ({summary.Persons:N0} persons, {summary.Accounts:N0} accounts, {summary.Posts:N0} posts, {summary.Deletions:N0} deletions, {summary.Relationships:N0} relationships, {summary.AccountLines - summary.Accounts:N0} re-observed accounts) in {seconds:0.0} s ({summary.Posts / seconds:N0} posts/s)."));
            await stdout.WriteLineAsync($"Ground truth: {truthPath}");
            return Success;
        }

        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            // A run an earlier process left marked running (killed, crashed) is failed before this one starts.
            await scope.ServiceProvider.GetRequiredService<Jobs.InterruptedWork>().RecoverAsync(cancellationToken);
        }
        var configured = app.DemoWorldOptions();
        var world = configured with
        {
            Persons = persons ?? configured.Persons,
            Posts = posts ?? configured.Posts,
            Seed = seed ?? configured.Seed,
        };
        CheckDemoOptions(world);
        var truthFile = truth ?? Path.GetFullPath("demo-ground-truth.jsonl.gz");
        var seeder = app.Services.GetRequiredService<DemoSeeder>();
        var report = await TerminalProgress.RunAsync("Seeding the demo world", null, progress => seeder.SeedAsync(world, truthFile, progress, cancellationToken));
        await stdout.WriteAsync(report.ToText());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var added = await scope.ServiceProvider.GetRequiredService<Scoring.ScoringProfiles>().EnsureExamplesAsync($"cli:{Environment.UserName}", cancellationToken);
            if (added > 0)
            {
                await stdout.WriteLineAsync($"Added {added} example scoring profile(s): {string.Join(", ", Scoring.ExampleProfiles.All.Concat(Scoring.ExampleProfiles.Patients).Select(p => p.Name))}.");
            }
        }
        await stdout.WriteLineAsync($"Ground truth: {truthFile}");
        return report.Clean ? Success : Failure;
    }

    private static void CheckDemoOptions(DemoWorldOptions options)
    {
        var problems = options.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new StartupException(string.Join(" ", problems));
        }
    }

    /// <summary>world.jsonl.gz → world.truth.jsonl.gz</summary>
    internal static string TruthPathBeside(string output)
    {
        var name = output;
        foreach (var suffix in new[] { ".gz", ".jsonl", ".json" })
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^suffix.Length];
            }
        }
        return name + ".truth.jsonl.gz";
    }

    private static async Task<int> IngestAsync(string source, string? baseUrl, string? query, string? token, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        source = source.ToLowerInvariant();
        if (source is not ("x" or "bluesky" or "mastodon" or "pubmed"))
        {
            throw new StartupException($"unknown source '{source}': expected x, bluesky, mastodon or pubmed.");
        }
        await using var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        await using (var migrate = app.Services.CreateAsyncScope())
        {
            await migrate.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            // A run an earlier process left marked running (killed, crashed) is failed before this one starts.
            await migrate.ServiceProvider.GetRequiredService<Jobs.InterruptedWork>().RecoverAsync(cancellationToken);
        }
        var options = app.Services.GetRequiredService<IOptions<Ingestion.Sources.SourcesOptions>>().Value;
        var (defaultUrl, defaultToken, defaultQuery, tokenName, section) = source switch
        {
            "x" => (options.X.BaseUrl, options.X.Token, options.X.Query, "an X bearer token", "X"),
            "bluesky" => (options.Bluesky.BaseUrl, options.Bluesky.Token, options.Bluesky.Query, "Bluesky credentials (HANDLE:APP_PASSWORD)", "Bluesky"),
            "pubmed" => (options.PubMed.BaseUrl, options.PubMed.Token, options.PubMed.Query, "", "PubMed"),
            _ => (options.Mastodon.BaseUrl, options.Mastodon.Token, options.Mastodon.Query, "", "Mastodon"),
        };
        var url = baseUrl ?? defaultUrl;
        // Mastodon's public hashtag timelines need no token, nor does PubMed (a key only raises its limit).
        var credential = token ?? defaultToken ?? (source is "mastodon" or "pubmed" ? "" : throw new StartupException($"no credentials: give {tokenName} with --token or set DolMapper:Sources:{section}:Token."));
        var search = query ?? defaultQuery ?? throw new StartupException($"no query: give --query or set DolMapper:Sources:{section}:Query.");
        var maxWait = TimeSpan.FromMinutes(options.MaxWaitMinutes);

        async Task<bool> WaitForResetAsync(Ingestion.Sources.RateLimitedException limited, CancellationToken ct)
        {
            var wait = limited.ResetAt - DateTimeOffset.UtcNow;
            if (wait > maxWait)
            {
                return false;
            }
            var pause = wait < TimeSpan.Zero ? TimeSpan.Zero : wait + TimeSpan.FromSeconds(1);
            await stdout.WriteLineAsync($"Rate limited by {limited.Platform} until {limited.ResetAt:HH:mm:ss} UTC; waiting {pause.TotalSeconds:0} s.");
            await Task.Delay(pause, ct);
            return true;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var user = $"cli:{Environment.UserName}";
        var pass = scope.ServiceProvider.GetRequiredKeyedService<Ingestion.Sources.ISourcePass>(source);
        var report = await pass.RunAsync(new Ingestion.Sources.SourcePassSettings(url, credential, WaitForResetAsync, user), search, cancellationToken);
        await stdout.WriteLineAsync(report.ToText());
        return report.Stopped is null ? Success : Failure;
    }

    private static async Task<DolMapperApp> CommandAppAsync(IReadOnlyList<string> unmatched, CancellationToken cancellationToken)
    {
        var app = await DolMapperApp.CreateAsync(HostRole.Command, ConfigurationArgs(unmatched), cancellationToken: cancellationToken);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            // A run an earlier process left marked running (killed, crashed) is failed before this one starts.
            await scope.ServiceProvider.GetRequiredService<Jobs.InterruptedWork>().RecoverAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task<int> ProfilesImportAsync(string file, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new StartupException($"no such file: {file}");
        }
        var json = await File.ReadAllTextAsync(file, cancellationToken);
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var (saved, problems) = await scope.ServiceProvider.GetRequiredService<Scoring.ScoringProfiles>().ImportAsync(json, $"cli:{Environment.UserName}", cancellationToken);
        if (problems.Count > 0)
        {
            throw new StartupException($"{file}: nothing imported:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
        foreach (var result in saved)
        {
            var profile = result.Profile!;
            await stdout.WriteLineAsync(result.Created ? $"Created '{profile.Definition.Name}' (version 1)."
                : result.NewVersion ? $"Saved '{profile.Definition.Name}' as version {profile.Version}."
                : $"'{profile.Definition.Name}' is unchanged (version {profile.Version}).");
        }
        return Success;
    }

    private static async Task<int> ProfilesExportAsync(string? name, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var json = await scope.ServiceProvider.GetRequiredService<Scoring.ScoringProfiles>().ExportAsync(name, cancellationToken)
            ?? throw new StartupException($"no scoring profile named '{name}'.");
        await stdout.WriteLineAsync(json);
        return Success;
    }

    private static async Task<int> ProductsImportAsync(string file, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new StartupException($"no such file: {file}");
        }
        var json = await File.ReadAllTextAsync(file, cancellationToken);
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<Scoring.ProductLists>().ImportAsync(json, $"cli:{Environment.UserName}", cancellationToken);
        if (!result.Ok)
        {
            throw new StartupException($"{file}: nothing imported:" + Environment.NewLine + string.Join(Environment.NewLine, result.Problems.Select(p => "  - " + p)));
        }
        foreach (var list in result.Saved)
        {
            await stdout.WriteLineAsync($"Saved {list.Products.Count} products for '{list.Profile}'; its next scoring run counts them.");
        }
        return Success;
    }

    private static async Task<int> ProductsExportAsync(string? profile, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var lists = await scope.ServiceProvider.GetRequiredService<Scoring.ProductLists>().ExportAsync(profile, cancellationToken)
            ?? throw new StartupException($"no scoring profile named '{profile}'.");
        await stdout.WriteLineAsync(DolMapper.Scoring.Insights.ProductList.ToJson(lists));
        return Success;
    }

    private static async Task<int> EventsImportAsync(string file, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new StartupException($"no such file: {file}");
        }
        var json = await File.ReadAllTextAsync(file, cancellationToken);
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<Events.EventStore>().ImportAsync(json, $"cli:{Environment.UserName}", cancellationToken);
        if (!result.Ok)
        {
            throw new StartupException($"{file}: nothing imported:" + Environment.NewLine + string.Join(Environment.NewLine, result.Problems.Select(p => "  - " + p)));
        }
        foreach (var (stored, created, newVersion) in result.Saved)
        {
            await stdout.WriteLineAsync(created ? $"Created '{stored.Definition.Name}' (version 1)."
                : newVersion ? $"Saved '{stored.Definition.Name}' as version {stored.Version}."
                : $"'{stored.Definition.Name}' is unchanged (version {stored.Version}).");
        }
        await stdout.WriteLineAsync("Each event is read by the server's next job run, or now by 'events report NAME'.");
        return Success;
    }

    private static async Task<int> EventsExportAsync(string? name, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var json = await scope.ServiceProvider.GetRequiredService<Events.EventStore>().ExportAsync(name, cancellationToken)
            ?? throw new StartupException($"no event named '{name}' (see 'events export' for the names).");
        await stdout.WriteLineAsync(json);
        return Success;
    }

    private static async Task<int> AdverseEventsExportAsync(bool all, string? output, bool unmask, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        var queued = await app.Services.GetRequiredService<Compliance.AdverseEventQueue>().ScanAsync(cancellationToken);
        var csv = app.Services.GetRequiredService<Features.Safety.SafetyCsv>();
        var rows = await WriteOutputAsync(output, false, stdout, writer => csv.WriteCsvAsync(all, unmask, writer, cancellationToken), _ => true, cancellationToken);
        if (output is not null)
        {
            await stdout.WriteLineAsync($"Wrote {rows:N0} {(all ? "" : "open ")}potential adverse events to {output} ({queued:N0} newly found).");
        }
        await csv.AuditExportAsync(null, $"cli:{Environment.UserName}", rows, new { status = all ? "all" : "open", unmask, file = output }, cancellationToken);
        return Success;
    }

    private static async Task<int> EventsReportAsync(string name, string? output, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<Events.EventStore>();
        var query = scope.ServiceProvider.GetRequiredService<Events.EventQuery>();
        var stored = await store.LatestAsync(name, cancellationToken)
            ?? throw new StartupException($"no event named '{name}' (see 'events export' for the names).");
        var state = await query.StateAsync(stored, cancellationToken);
        if (state.Shown is null || state.FromOlderVersion)
        {
            var report = await scope.ServiceProvider.GetRequiredService<Events.EventAnalyzer>().AnalyzeAsync(stored, cancellationToken);
            if (!report.Succeeded)
            {
                throw new StartupException(report.Message);
            }
            state = await query.StateAsync(stored, cancellationToken);
        }
        var reading = state.Shown!;
        var written = await WriteOutputAsync(output, bom: false, stdout, writer => Events.EventReport.WriteCsvAsync(
            query.StreamAsync(reading.Id, stored.Definition.Profile, limit: null, newVoicesOnly: false, cancellationToken), writer, cancellationToken), _ => true, cancellationToken);
        if (output is not null)
        {
            await stdout.WriteLineAsync(written == 0
                ? $"Nobody posted in the conversation of '{name}' during {stored.Definition.DatesInWords()}; wrote the header only to {output}."
                : $"Wrote {written:N0} participants of '{name}' (read {reading.CompletedAt:yyyy-MM-dd HH:mm} UTC) to {output}.");
        }
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Data.AuditLog.WriteAsync(connection, null, $"cli:{Environment.UserName}", "export.event.csv", name, new { analysis = reading.Id, version = stored.Version, rows = written, file = output }, cancellationToken);
        return Success;
    }

    private static async Task<int> ScoreAsync(string? profile, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<Scoring.ScoringRunner>();
        var reports = await TerminalProgress.RunStagesAsync("Scoring", progress => runner.RunAsync(profile, $"cli:{Environment.UserName}", progress, cancellationToken));
        if (reports.Count == 0)
        {
            throw new StartupException("no active scoring profile: import one with 'profiles import FILE' (or run 'demo seed' for the examples).");
        }
        var personas = app.Services.GetRequiredService<Scoring.PersonaTraining>();
        foreach (var report in reports)
        {
            await stdout.WriteLineAsync(report.Message);
            // Personas after the run, as the job does (not part of the run's time); a failure keeps the last ones.
            if (report.Complete && report.RunId is { } run)
            {
                var trained = await personas.TrainAsync(run, cancellationToken);
                await stdout.WriteLineAsync($"{report.Profile}: {trained.Message}");
                var suggested = await scope.ServiceProvider.GetRequiredService<Scoring.EngagementSuggestions>().ComputeAsync(run, cancellationToken);
                await stdout.WriteLineAsync($"{report.Profile}: {suggested.Message}");
                if (await scope.ServiceProvider.GetRequiredService<Scoring.LearnedRanking>().ApplyActiveAsync(run, cancellationToken))
                {
                    await stdout.WriteLineAsync($"{report.Profile}: the learned ranking is applied to the run.");
                }
            }
        }
        return reports.All(r => r.Complete) ? Success : Failure;
    }

    private static async Task<int> ExportAsync(string profile, int? top, string? output, bool bom, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (top is < 1)
        {
            throw new StartupException("--top must be at least 1.");
        }
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        var patients = app.Services.GetRequiredService<Features.Patients.PatientQuery>();
        if (await patients.LatestRunAsync(profile, brandManager: false, cancellationToken) is { } patientRun)
        {
            // A patient influencer profile (docs/patients.md): its own columns; every export of patient rows is audited.
            var rows = await WriteOutputAsync(output, bom, stdout, writer => patients.WriteCsvAsync(patientRun, null, null, null, null, writer, cancellationToken, top), _ => true, cancellationToken);
            if (output is not null)
            {
                await stdout.WriteLineAsync($"Wrote {rows:N0} patient influencer rows of '{profile}' (version {patientRun.Version}, run {patientRun.RunId} of {patientRun.RunAt:yyyy-MM-dd HH:mm} UTC) to {output}.");
            }
            await patients.AuditExportAsync(null, $"cli:{Environment.UserName}", patientRun, rows, new { top, file = output }, cancellationToken);
            return Success;
        }
        var csv = app.Services.GetRequiredService<Features.Rankings.RankingCsv>();
        var result = await WriteOutputAsync(output, bom, stdout, writer => csv.WriteAsync(new Features.Rankings.RankingExportRequest(profile, top), writer, cancellationToken),
            written => written is not null, cancellationToken);
        if (result is null)
        {
            throw new StartupException($"'{profile}' has no complete scoring run yet: run 'score --profile \"{profile}\"' first (or check the name with 'profiles export').");
        }
        if (output is not null)
        {
            await stdout.WriteLineAsync($"Wrote {result.Rows:N0} rows of '{profile}' (version {result.ProfileVersion}, run {result.RunId} of {result.RunAt:yyyy-MM-dd HH:mm} UTC) to {output}.");
        }
        await csv.AuditAsync(null, $"cli:{Environment.UserName}", profile, result, new { top, file = output }, cancellationToken);
        return Success;
    }

    /// <summary>
    /// Writes an export to standard output, or to <paramref name="output"/> through a ".partial" file
    /// moved into place when complete (so a failed or empty export never leaves half a file; one that
    /// <paramref name="keep"/> refuses is dropped).
    /// </summary>
    private static async Task<T> WriteOutputAsync<T>(string? output, bool bom, TextWriter stdout, Func<TextWriter, Task<T>> write, Func<T, bool> keep, CancellationToken cancellationToken)
    {
        if (output is null)
        {
            var written = await write(stdout);
            await stdout.FlushAsync(cancellationToken);
            return written;
        }
        var temporary = output + ".partial";
        T result;
        await using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: bom)))
        {
            result = await write(writer);
        }
        if (keep(result))
        {
            File.Move(temporary, output, overwrite: true);
        }
        else
        {
            File.Delete(temporary);
        }
        return result;
    }

    /// <summary><c>insights trends</c> and <c>insights concerns</c>: one of the latest run's insight tables as CSV, audited like the download.</summary>
    private static async Task<int> InsightsCsvAsync(string table, string profile, string? output, IReadOnlyList<string> unmatched, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var app = await CommandAppAsync(unmatched, cancellationToken);
        var insights = app.Services.GetRequiredService<Features.Insights.InsightsQuery>();
        var run = await insights.LatestRunAsync(profile, cancellationToken);
        if (run is null && await app.Services.GetRequiredService<Features.Patients.PatientQuery>().LatestRunAsync(profile, brandManager: false, cancellationToken) is not null)
        {
            throw new StartupException($"'{profile}' is a patient influencer profile: insights are kept for HCP profiles read in their topic (see docs/patients.md).");
        }
        if (run is null)
        {
            throw new StartupException(await insights.ProfileExistsAsync(profile, cancellationToken)
                ? $"'{profile}' has no complete scoring run yet: run 'score --profile \"{profile}\"' first."
                : $"there is no profile called '{profile}' (see 'profiles export' for the names).");
        }
        if (run.Definition is { TopicScoped: false } && table != "products")
        {
            throw new StartupException($"'{profile}' is read over everything a person posts (scope \"all\"): insights are kept for profiles read in their topic.");
        }
        var rows = await WriteOutputAsync(output, bom: false, stdout, writer => table switch
        {
            "trends" => insights.WriteTrendsCsvAsync(run.RunId, writer, cancellationToken),
            "products" => insights.WriteProductsCsvAsync(run.RunId, writer, cancellationToken),
            _ => insights.WriteConcernsCsvAsync(run.RunId, writer, cancellationToken),
        }, _ => true, cancellationToken);
        if (output is not null)
        {
            var what = table switch { "trends" => "trends", "products" => "product weeks", _ => "concern themes" };
            await stdout.WriteLineAsync($"Wrote {rows:N0} {what} of '{profile}' (run {run.RunId} of {run.RunAt:yyyy-MM-dd HH:mm} UTC) to {output}.");
        }
        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Data.AuditLog.WriteAsync(connection, null, $"cli:{Environment.UserName}", $"export.{table}.csv", profile, new { run = run.RunId, version = run.Version, rows, file = output }, cancellationToken);
        return Success;
    }

    private static async Task WriteBannerAsync(TextWriter stdout, IReadOnlyList<string> urls, IReadOnlyList<PrintedLogin> logins, bool runsJobs)
    {
        var url = urls.FirstOrDefault() ?? "(unknown address)";
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync($"DolMapper is running at {url}");
        await stdout.WriteLineAsync($"Sign in at {url.TrimEnd('/')}{WebPipeline.LoginPath}");
        if (!runsJobs)
        {
            await stdout.WriteLineAsync("This process runs no jobs (--no-jobs): 'dolmapper worker' processes on the same database run them.");
        }
        if (logins.Count > 0)
        {
            await stdout.WriteLineAsync();
            await stdout.WriteLineAsync("Logins:");
            foreach (var login in logins)
            {
                await stdout.WriteLineAsync($"  {login.Role,-13} {login.Email,-32} {login.Password}");
            }
        }
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync("Press Ctrl+C to stop.");
        await stdout.FlushAsync();
    }
}
