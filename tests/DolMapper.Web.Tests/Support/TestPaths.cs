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
