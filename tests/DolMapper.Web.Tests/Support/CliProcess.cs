using System.Diagnostics;
using System.Text;

namespace DolMapper.Web.Tests.Support;

/// <summary>Runs the real dolmapper executable (the built host) as a separate process.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process) => _process = process;

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }
    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;
    public int ExitCode => _process.ExitCode;

    public static string HostAssembly => typeof(Program).Assembly.Location;

    /// <summary>The dotnet host running these tests (tests may run the child with a PATH that lacks it).</summary>
    private static string DotnetHost
    {
        get
        {
            if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
            {
                return path;
            }
            // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/dotnet
            var root = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            return File.Exists(candidate) ? candidate : "dotnet";
        }
    }

    public static CliProcess Start(IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? standardInput = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = DotnetHost,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostAssembly);
        const string Connection = "--ConnectionStrings:DolMapper=";
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
            // Two roles, as an installation has them (PostgresFixture): the owner migrates and grants.
            if (arg.StartsWith(Connection, StringComparison.Ordinal) && PostgresFixture.OwnerFor(arg[Connection.Length..]) is { } owner)
            {
                start.ArgumentList.Add($"--ConnectionStrings:DolMapperOwner={owner}");
            }
        }
        // Keep test settings from leaking in from the developer's environment.
        start.Environment.Remove("ConnectionStrings__DolMapper");
        start.Environment.Remove("ConnectionStrings__DolMapperOwner");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        if (start.Environment.TryGetValue("ConnectionStrings__DolMapper", out var app) && app is not null
            && !start.Environment.ContainsKey("ConnectionStrings__DolMapperOwner") && PostgresFixture.OwnerFor(app) is { } appOwner)
        {
            start.Environment["ConnectionStrings__DolMapperOwner"] = appOwner;
        }

        var process = new Process { StartInfo = start };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (cli._stdout) { cli._stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (cli._stderr) { cli._stderr.AppendLine(e.Data); } } };
        process.Start();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs to the end and returns the exit code; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<CliProcess> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? standardInput = null)
    {
        var cli = Start(args, environment, standardInput);
        await cli.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return cli;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dolmapper did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }
        _process.WaitForExit();
    }

    /// <summary>Waits until standard error contains <paramref name="text"/>.</summary>
    public async Task WaitForErrorOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!StandardError.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Never saw '{text}' (exited: {_process.HasExited}).\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>kill -9: the process gets no chance to clean up.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
