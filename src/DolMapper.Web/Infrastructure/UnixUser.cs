using System.Runtime.InteropServices;

namespace DolMapper.Web.Infrastructure;

internal static partial class UnixUser
{
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    /// <summary>True when this process runs as root (effective uid 0) on Linux or macOS.</summary>
    public static bool IsRoot { get; } = !OperatingSystem.IsWindows() && GetEffectiveUserId() == 0;
}
