namespace DolMapper.Web.Tests.Support;

public static class TestPaths
{
    /// <summary>
    /// A new folder under the system temp folder. Not under the home folder: when tests run as
    /// root, the database server runs as an unprivileged user who cannot enter /root.
    /// </summary>
    public static string NewTempDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dolmapper-test-{purpose}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(path);
        return path;
    }

    private const string OwnerFile = "owner.pid";

    /// <summary>
    /// A new folder like <see cref="NewTempDirectory"/>, marked with this test process's id so that
    /// a later run can tell it was left behind (a test host that is killed, or ends without running
    /// its exit handlers, cannot delete its own PostgreSQL cluster of several GB).
    /// </summary>
    public static string NewOwnedTempDirectory(string purpose)
    {
        DeleteAbandoned(purpose);
        var path = NewTempDirectory(purpose);
        File.WriteAllText(Path.Combine(path, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return path;
    }

    /// <summary>Deletes the owned folders of <paramref name="purpose"/> whose test process is gone.</summary>
    public static void DeleteAbandoned(string purpose)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), $"dolmapper-test-{purpose}-*"))
        {
            var owner = Path.Combine(folder, OwnerFile);
            if (File.Exists(owner) && int.TryParse(File.ReadAllText(owner), out var pid) && !IsRunning(pid))
            {
                DeleteQuietly(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static void DeleteQuietly(string? path)
    {
        if (path is null || !Directory.Exists(path))
        {
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
