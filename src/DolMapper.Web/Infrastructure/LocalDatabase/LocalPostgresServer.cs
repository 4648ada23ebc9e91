using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DolMapper.Web.Infrastructure.LocalDatabase;

/// <summary>
/// The zero-setup local database: a private PostgreSQL cluster in the data directory, made with
/// the machine's server programs, listening on a loopback port that every DolMapper process finds
/// from the data directory. The first process that needs it starts it; a process stops it on exit
/// only if it started it and no other DolMapper process is connected.
/// </summary>
/// <remarks>
/// Layout under <c>{data}/postgres</c>: <c>cluster/</c> (PGDATA, owned by the server user),
/// <c>log/</c> (server log), <c>password</c> (the superuser password, readable by DolMapper's
/// user only), <c>app-password</c> (the application role's) and <c>launcher.lock</c> (serialises
/// start and stop between processes).
/// Two roles, as docs/security.md asks of any installation: the superuser owns the schema and runs
/// migrations; the application connects as <see cref="AppUser"/>, which owns nothing.
/// </remarks>
public sealed partial class LocalPostgresServer : IAsyncDisposable
{
    /// <summary>DolMapper connections carry this application-name prefix, so a stopping process can see who else is connected.</summary>
    public const string ApplicationNamePrefix = "dolmapper:";
    private const string LauncherApplicationName = "dolmapper-launcher";
    private const string SuperUser = "postgres";

    /// <summary>The role the application connects as: it owns nothing and may only read and append the audit log.</summary>
    public const string AppUser = "dolmapper_app";

    private readonly PostgresBinaries _binaries;
    private readonly LocalDatabaseOptions _options;
    private readonly ILogger _logger;
    private readonly string _root;
    private readonly string? _serverUser;
    private bool _disposed;
    private int? _postmasterPid;

    private LocalPostgresServer(string dataDirectory, PostgresBinaries binaries, LocalDatabaseOptions options, ILogger logger)
    {
        _binaries = binaries;
        _options = options;
        _logger = logger;
        _root = Path.Combine(dataDirectory, "postgres");
        _serverUser = UnixUser.IsRoot ? options.ServerUser : null;
    }

    public string ClusterDirectory => Path.Combine(_root, "cluster");
    private string LogDirectory => Path.Combine(_root, "log");
    private string PasswordFile => Path.Combine(_root, "password");
    private string AppPasswordFile => Path.Combine(_root, "app-password");
    private string LockFile => Path.Combine(_root, "launcher.lock");

    public int Port { get; private set; }
    public bool StartedByThisProcess { get; private set; }
    private string Password { get; set; } = "";
    private string AppPassword { get; set; } = "";

    /// <summary>The connection string DolMapper uses (the application role), tagged with this process's application name.</summary>
    public string ConnectionString => BuildConnectionString(_options.Database, ApplicationNamePrefix + Environment.ProcessId, AppUser, AppPassword);

    /// <summary>The schema owner's connection string (the cluster's superuser): migrations and grants.</summary>
    public string OwnerConnectionString => BuildConnectionString(_options.Database, ApplicationNamePrefix + Environment.ProcessId);

    /// <summary>A superuser connection string for another database in the same cluster (tests create their own).</summary>
    public string ConnectionStringFor(string database) => BuildConnectionString(database, ApplicationNamePrefix + Environment.ProcessId);

    /// <summary>Starts the local cluster, creating it on first use, or attaches to it if another process runs it.</summary>
    public static async Task<LocalPostgresServer> StartOrAttachAsync(
        string dataDirectory, LocalDatabaseOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Find(options.BinDirectory, options.SearchRoots);
        var server = new LocalPostgresServer(dataDirectory, binaries, options, logger);
        await server.StartOrAttachAsync(cancellationToken);
        return server;
    }

    private async Task StartOrAttachAsync(CancellationToken cancellationToken)
    {
        PrepareFolders();
        await using var launcherLock = await AcquireLauncherLockAsync(cancellationToken);

        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            await InitialiseClusterAsync(cancellationToken);
        }
        Password = ReadPassword();

        if (await IsRunningAsync(cancellationToken))
        {
            Port = ReadRunningPort();
            _logger.LogInformation("Using the local database already running on 127.0.0.1:{Port} ({Cluster})", Port, ClusterDirectory);
        }
        else
        {
            await StartAsync(cancellationToken);
            StartedByThisProcess = true;
        }
        await EnsureDatabaseAsync(cancellationToken);
        await EnsureAppRoleAsync(cancellationToken);
    }

    private void PrepareFolders()
    {
        try
        {
            Directory.CreateDirectory(_root);
            if (!OperatingSystem.IsWindows())
            {
                // The server user must be able to pass through to its own folders.
                File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new LocalDatabaseException(
                $"Cannot create the local database folder {_root}: {e.Message} Set DolMapper:DataDirectory to a folder this user may write to.", e);
        }
    }

    private async Task InitialiseClusterAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Creating the local database cluster in {Cluster} with PostgreSQL {Version}", ClusterDirectory, _binaries.MajorVersion);
        if (Directory.Exists(ClusterDirectory) && Directory.EnumerateFileSystemEntries(ClusterDirectory).Any())
        {
            throw new LocalDatabaseException(
                $"{ClusterDirectory} exists but holds no PostgreSQL cluster (a failed first start?). Remove it and start again.");
        }
        if (_serverUser is not null)
        {
            await CheckServerUserCanReachAsync(cancellationToken);
        }
        Directory.CreateDirectory(ClusterDirectory);
        Directory.CreateDirectory(LogDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ClusterDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var passwordForInitDb = Path.Combine(LogDirectory, ".initdb-password");
        await WriteSecretAsync(passwordForInitDb, password + "\n", cancellationToken);
        try
        {
            if (_serverUser is not null)
            {
                await ChownAsync(ClusterDirectory, cancellationToken);
                await ChownAsync(LogDirectory, cancellationToken);
                await ChownAsync(passwordForInitDb, cancellationToken);
            }

            var arguments = new List<string>
            {
                "-D", ClusterDirectory, "-U", SuperUser, "-A", "scram-sha-256", $"--pwfile={Path.GetFullPath(passwordForInitDb)}",
                "-E", "UTF8", "--locale=C.UTF-8",
            };
            if (_options.Unsafe)
            {
                arguments.Add("--no-sync");
            }
            var result = await RunServerToolAsync(_binaries.InitDb, arguments, TimeSpan.FromMinutes(2), cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new LocalDatabaseException($"initdb failed (exit {result.ExitCode}): {result.Output}");
            }
        }
        finally
        {
            File.Delete(passwordForInitDb);
        }

        var port = LoopbackPorts.Free();
        var settings = $"""

            # --- DolMapper local database ---
            listen_addresses = '127.0.0.1'
            port = {port}
            unix_socket_directories = ''
            max_connections = 200
            shared_buffers = 512MB
            work_mem = 32MB
            maintenance_work_mem = 256MB
            effective_cache_size = 4GB
            random_page_cost = 1.1
            max_wal_size = 4GB
            {(_options.Unsafe ? "fsync = off\nsynchronous_commit = off\nfull_page_writes = off" : "")}
            """;
        await File.AppendAllTextAsync(Path.Combine(ClusterDirectory, "postgresql.conf"), settings, cancellationToken);

        await WriteSecretAsync(PasswordFile, password, cancellationToken);
    }

    /// <summary>
    /// Writes a file only its owner can read, from the moment it exists: created with mode 0600
    /// (not written first and restricted after, which leaves it readable by anyone for a moment).
    /// </summary>
    internal static async Task WriteSecretAsync(string path, string content, CancellationToken cancellationToken)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content), cancellationToken);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = ReadConfiguredPort();
        if (!LoopbackPorts.IsFree(port))
        {
            var newPort = LoopbackPorts.Free();
            _logger.LogWarning("Port {Port} of the local database is taken by another program; moving it to {NewPort}", port, newPort);
            RewriteConfiguredPort(newPort);
            port = newPort;
        }

        _logger.LogInformation("Starting the local database on 127.0.0.1:{Port}", port);
        var logFile = Path.Combine(LogDirectory, "server.log");
        var result = await RunServerToolAsync(
            _binaries.PgCtl,
            ["-D", ClusterDirectory, "-l", logFile, "-w", "-t", _options.StartTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "start"],
            TimeSpan.FromSeconds(_options.StartTimeoutSeconds + 15),
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new LocalDatabaseException(
                $"The local database did not start (pg_ctl exit {result.ExitCode}): {result.Output}{Environment.NewLine}Server log ({logFile}):{Environment.NewLine}{Tail(logFile)}");
        }
        Port = port;
        try
        {
            // Kept in memory: if the folder is deleted under us, this is how the server is still reached.
            _postmasterPid = int.Parse(File.ReadLines(Path.Combine(ClusterDirectory, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            _postmasterPid = null;
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(BuildConnectionString("postgres", LauncherApplicationName));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", _options.Database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(_options.Database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            _logger.LogInformation("Created database {Database} in the local cluster", _options.Database);
        }
    }

    /// <summary>
    /// The application's role: made on first use (clusters made before it existed get it too),
    /// its password kept beside the superuser's and set again on every start, so a lost or
    /// replaced file is never a locked door. Its privileges are granted after each migration.
    /// </summary>
    private async Task EnsureAppRoleAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(AppPasswordFile))
        {
            await WriteSecretAsync(AppPasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), cancellationToken);
        }
        AppPassword = File.ReadAllText(AppPasswordFile).Trim();
        await using var connection = new NpgsqlConnection(BuildConnectionString("postgres", LauncherApplicationName));
        await connection.OpenAsync(cancellationToken);
        // The password is hex made here, never input; the role gets no attribute beyond LOGIN.
        await using var role = new NpgsqlCommand($"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AppUser}') THEN
                    CREATE ROLE {AppUser} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
                END IF;
            END $$;
            ALTER ROLE {AppUser} PASSWORD '{AppPassword}';
            """, connection);
        await role.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Restarts the server on the same port, dropping every connection (the fault tests' "database restarted under a running app").</summary>
    internal async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        var logFile = Path.Combine(LogDirectory, "server.log");
        var result = await RunServerToolAsync(_binaries.PgCtl, ["-D", ClusterDirectory, "-l", logFile, "-w", "-m", "fast", "restart"],
            TimeSpan.FromSeconds(_options.StartTimeoutSeconds + 15), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new LocalDatabaseException($"pg_ctl restart failed (exit {result.ExitCode}): {result.Output}");
        }
    }

    /// <summary>Whether a server is running on this cluster (as seen by pg_ctl status).</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        var result = await RunServerToolAsync(_binaries.PgCtl, ["-D", ClusterDirectory, "status"], TimeSpan.FromSeconds(30), cancellationToken);
        return result.ExitCode == 0;
    }

    /// <summary>
    /// Stops the server if this process started it and no other DolMapper process is connected;
    /// otherwise leaves it running for them.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!StartedByThisProcess)
        {
            return;
        }
        if (!Directory.Exists(_root))
        {
            // Deleted under the running process: pg_ctl has no cluster to act on. Ask the server
            // itself to shut down fast, so this process can exit instead of waiting on it.
            _logger.LogWarning("The local database's folder {Folder} is gone; shutting its server down through its process", _root);
            await ShutDownOrphanedServerAsync();
            return;
        }
        try
        {
            await using var launcherLock = await AcquireLauncherLockAsync(CancellationToken.None);
            var others = await CountOtherDolMapperProcessesAsync();
            if (others > 0)
            {
                _logger.LogInformation("Leaving the local database running: {Count} other DolMapper process(es) are connected", others);
                return;
            }
            NpgsqlConnection.ClearAllPools();
            await StopAsync();
        }
        catch (Exception e) when (e is LocalDatabaseException or NpgsqlException or IOException)
        {
            _logger.LogWarning(e, "Could not stop the local database cleanly");
        }
    }

    /// <summary>SIGINT (a fast shutdown) to the server's postmaster, whose pid was kept when this process started it.</summary>
    private async Task ShutDownOrphanedServerAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_postmasterPid is not { } pid)
        {
            _logger.LogWarning("Could not shut down the local database whose folder is gone: its process id is unknown");
            return;
        }
        var killed = await ProcessRunner.RunAsync("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)], null, TimeSpan.FromSeconds(10), CancellationToken.None);
        if (killed.ExitCode != 0)
        {
            _logger.LogWarning("Could not shut down the local database whose folder is gone (kill {Pid}: {Output})", pid, killed.Output);
        }
    }

    private async Task<int> CountOtherDolMapperProcessesAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(BuildConnectionString("postgres", LauncherApplicationName) + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT count(DISTINCT application_name)::int FROM pg_stat_activity
                WHERE application_name LIKE 'dolmapper:%' AND application_name <> @mine AND pid <> pg_backend_pid()
                """, connection);
            command.Parameters.AddWithValue("mine", ApplicationNamePrefix + Environment.ProcessId);
            return (int)(await command.ExecuteScalarAsync())!;
        }
        catch (NpgsqlException)
        {
            return 0;
        }
    }

    private async Task StopAsync()
    {
        _logger.LogInformation("Stopping the local database");
        var result = await RunServerToolAsync(_binaries.PgCtl, ["-D", ClusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"], TimeSpan.FromSeconds(75), CancellationToken.None);
        if (result.ExitCode != 0)
        {
            throw new LocalDatabaseException($"pg_ctl stop failed (exit {result.ExitCode}): {result.Output}");
        }
    }

    private async Task<ProcessResult> RunServerToolAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        await ProcessRunner.RunAsync(program, arguments, _serverUser, timeout, cancellationToken);

    private async Task CheckServerUserCanReachAsync(CancellationToken cancellationToken)
    {
        var check = await ProcessRunner.RunAsync("test", ["-x", _root, "-a", "-x", _binaries.PgCtl], _serverUser, TimeSpan.FromSeconds(20), cancellationToken);
        if (check.ExitCode != 0)
        {
            throw new LocalDatabaseException(
                $"DolMapper runs as root, so its local database runs as the unprivileged user '{_serverUser}', who cannot reach {_root}" +
                (string.IsNullOrWhiteSpace(check.Output) ? "" : $" ({check.Output})") +
                ". Choose a DolMapper:DataDirectory outside /root (the default for root is /var/lib/dolmapper), " +
                "or set DolMapper:LocalDatabase:ServerUser to an existing user.");
        }
    }

    private async Task ChownAsync(string path, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("chown", ["-R", $"{_serverUser}:", path], null, TimeSpan.FromSeconds(30), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new LocalDatabaseException(
                $"Could not hand {path} to the database user '{_serverUser}': {result.Output}. " +
                "Create that user (Debian: it comes with the postgresql package) or set DolMapper:LocalDatabase:ServerUser.");
        }
    }

    private async Task<FileStream> AcquireLauncherLockAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(_options.StartTimeoutSeconds + 30);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock that other processes respect.
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (DirectoryNotFoundException e)
            {
                // Waiting cannot help: the data folder is gone (deleted under a running process).
                throw new LocalDatabaseException($"The local database's folder {_root} is gone; the server cannot be managed from here.", e);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (IOException e)
            {
                throw new LocalDatabaseException($"Another process has held {LockFile} for too long; is a DolMapper process stuck?", e);
            }
        }
    }

    private string ReadPassword()
    {
        if (!File.Exists(PasswordFile))
        {
            throw new LocalDatabaseException(
                $"The local database in {ClusterDirectory} exists but its password file {PasswordFile} is missing, so it cannot be reached. " +
                $"Restore the file, or remove {_root} to start with an empty local database.");
        }
        return File.ReadAllText(PasswordFile).Trim();
    }

    private int ReadConfiguredPort()
    {
        var text = File.ReadAllText(Path.Combine(ClusterDirectory, "postgresql.conf"));
        var matches = PortSetting().Matches(text);
        if (matches.Count == 0)
        {
            throw new LocalDatabaseException($"No port is set in {ClusterDirectory}/postgresql.conf.");
        }
        return int.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private void RewriteConfiguredPort(int port)
    {
        var path = Path.Combine(ClusterDirectory, "postgresql.conf");
        var text = File.ReadAllText(path);
        var last = PortSetting().Matches(text)[^1];
        File.WriteAllText(path, string.Concat(text.AsSpan(0, last.Index), $"port = {port}", text.AsSpan(last.Index + last.Length)));
    }

    private int ReadRunningPort()
    {
        // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, ...
        var lines = File.ReadAllLines(Path.Combine(ClusterDirectory, "postmaster.pid"));
        return int.Parse(lines[3].Trim(), CultureInfo.InvariantCulture);
    }

    private string BuildConnectionString(string database, string applicationName, string? user = null, string? password = null) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = user ?? SuperUser,
            Password = password ?? Password,
            Database = database,
            ApplicationName = applicationName,
        }.ConnectionString;

    private static string Tail(string file)
    {
        try
        {
            return string.Join(Environment.NewLine, File.ReadLines(file).TakeLast(20));
        }
        catch (IOException)
        {
            return "(no log)";
        }
        catch (UnauthorizedAccessException)
        {
            return "(log not readable)";
        }
    }

    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^\s*port\s*=\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex PortSetting();
}
