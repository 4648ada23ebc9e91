using System.Text.RegularExpressions;

namespace DolMapper.Web.Infrastructure.LocalDatabase;

/// <summary>The PostgreSQL server programs the local database is made with.</summary>
public sealed partial record PostgresBinaries(string Directory, int MajorVersion)
{
    public const int MinimumMajorVersion = 15;

    public string InitDb => Path.Combine(Directory, "initdb");
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>Default places to look after PATH: Debian/Ubuntu and RHEL layouts.</summary>
    public static readonly IReadOnlyList<string> DefaultSearchRoots = ["/usr/lib/postgresql", "/usr/pgsql-*"];

    /// <summary>
    /// Finds initdb, pg_ctl and postgres: in <paramref name="configuredDirectory"/> if given, else
    /// on PATH, else under /usr/lib/postgresql/*/bin (the newest version). Throws a
    /// <see cref="LocalDatabaseException"/> that says what to install or set when they are missing.
    /// </summary>
    public static PostgresBinaries Find(string? configuredDirectory, IEnumerable<string>? searchRoots = null, bool searchPath = true)
    {
        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            return FromDirectory(configuredDirectory)
                ?? throw new LocalDatabaseException(
                    $"DolMapper:LocalDatabase:BinDirectory is '{configuredDirectory}', but initdb, pg_ctl and postgres are not all there.");
        }

        var candidates = new List<string>();
        var onPath = searchPath ? ProcessRunner.FindOnPath("pg_ctl") : null;
        if (onPath is not null)
        {
            candidates.Add(Path.GetDirectoryName(ResolveLinks(onPath))!);
        }
        foreach (var root in searchRoots ?? DefaultSearchRoots)
        {
            candidates.AddRange(VersionFolders(root));
        }

        foreach (var candidate in candidates)
        {
            var found = FromDirectory(candidate);
            if (found is not null)
            {
                return found;
            }
        }
        throw new LocalDatabaseException(
            "No database is configured and the PostgreSQL server programs (initdb, pg_ctl, postgres) were not found " +
            "on PATH or under /usr/lib/postgresql/*/bin. Either install PostgreSQL " + MinimumMajorVersion + " or newer " +
            "(Debian/Ubuntu: 'sudo apt-get install postgresql'; Fedora/RHEL: 'sudo dnf install postgresql-server'; macOS: 'brew install postgresql@16') " +
            "so DolMapper can run its own local database, or point DolMapper at a PostgreSQL server by setting " +
            "ConnectionStrings__DolMapper (e.g. 'Host=db.example.org;Database=dolmapper;Username=dolmapper;Password=...').");
    }

    private static IEnumerable<string> VersionFolders(string root)
    {
        // "/usr/pgsql-*" style: the wildcard is in the last segment.
        var parent = root.Contains('*') ? Path.GetDirectoryName(root)! : root;
        var pattern = root.Contains('*') ? Path.GetFileName(root) : "*";
        if (!System.IO.Directory.Exists(parent))
        {
            return [];
        }
        return System.IO.Directory.GetDirectories(parent, pattern)
            .Select(d => Path.Combine(d, "bin"))
            .OrderByDescending(d => ParseLeadingNumber(Path.GetFileName(Path.GetDirectoryName(d)!)));
    }

    private static PostgresBinaries? FromDirectory(string directory)
    {
        string[] required = ["initdb", "pg_ctl", "postgres"];
        if (!required.All(p => File.Exists(Path.Combine(directory, p))))
        {
            return null;
        }
        var version = ReadVersion(directory);
        if (version < MinimumMajorVersion)
        {
            throw new LocalDatabaseException(
                $"PostgreSQL {version} was found in {directory}, but DolMapper needs {MinimumMajorVersion} or newer. " +
                "Install a newer PostgreSQL or set DolMapper:LocalDatabase:BinDirectory to its bin folder.");
        }
        return new PostgresBinaries(directory, version);
    }

    private static int ReadVersion(string directory)
    {
        // The version file of a Debian install sits beside bin; asking pg_ctl works everywhere.
        var result = ProcessRunner.RunAsync(Path.Combine(directory, "pg_ctl"), ["--version"], null, TimeSpan.FromSeconds(20), CancellationToken.None)
            .GetAwaiter().GetResult();
        var match = VersionPattern().Match(result.StandardOutput);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static int ParseLeadingNumber(string text)
    {
        var match = LeadingNumber().Match(text);
        return match.Success ? int.Parse(match.Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static string ResolveLinks(string path)
    {
        var info = new FileInfo(path);
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? info.FullName;
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"\d+")]
    private static partial Regex LeadingNumber();
}
