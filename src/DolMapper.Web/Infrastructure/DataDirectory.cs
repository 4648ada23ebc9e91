namespace DolMapper.Web.Infrastructure;

/// <summary>Where the zero-setup local database and log files live (README, "Configuration").</summary>
public static class DataDirectory
{
    /// <summary>
    /// The configured folder, else /var/lib/dolmapper when running as root (the unprivileged
    /// database user cannot enter /root), else the user's local data folder.
    /// </summary>
    public static string Resolve(DolMapperOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            return Path.GetFullPath(options.DataDirectory);
        }
        if (UnixUser.IsRoot)
        {
            return "/var/lib/dolmapper";
        }
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(local))
        {
            local = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(local, "dolmapper");
    }
}
