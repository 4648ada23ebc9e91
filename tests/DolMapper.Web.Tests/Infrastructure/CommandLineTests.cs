using DolMapper.Web.Infrastructure.Cli;

namespace DolMapper.Web.Tests.Infrastructure;

public class CommandLineTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await DolMapperCommandLine.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task An_unknown_verb_exits_2_with_help_on_standard_error()
    {
        var (exit, stdout, stderr) = await RunAsync("frobnicate");
        Assert.Equal(DolMapperCommandLine.Usage, exit);
        Assert.Contains("unknown verb 'frobnicate'", stderr);
        Assert.Contains("serve", stderr);
        Assert.Contains("migrate", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task An_unknown_option_of_a_verb_is_configuration_but_a_stray_word_is_a_usage_error()
    {
        var (exit, _, stderr) = await RunAsync("migrate", "extra");
        Assert.Equal(DolMapperCommandLine.Usage, exit);
        Assert.Contains("unexpected argument 'extra'", stderr);
    }

    [Fact]
    public async Task Help_lists_the_verbs_on_standard_output_and_exits_0()
    {
        var (exit, stdout, _) = await RunAsync("--help");
        Assert.Equal(DolMapperCommandLine.Success, exit);
        Assert.Contains("serve", stdout);
        Assert.Contains("worker", stdout);
        Assert.Contains("migrate", stdout);
    }

    [Fact]
    public async Task Invalid_configuration_exits_1_with_every_problem_named()
    {
        var (exit, _, stderr) = await RunAsync("migrate", "--DolMapper:Admin:Email=not-an-address", "--DolMapper:DataDirectory=relative/path", "--DolMapper:Smtp:Security=Opportunistic");
        Assert.Equal(DolMapperCommandLine.Failure, exit);
        Assert.Contains("DolMapper:Admin:Email is not an e-mail address", stderr);
        Assert.Contains("DolMapper:DataDirectory must be an absolute path", stderr);
        Assert.Contains("DolMapper:Smtp:Security is 'Opportunistic'", stderr);
        Assert.Equal("StartTls", new DolMapper.Web.Infrastructure.SmtpOptions().Security);
    }

    [Fact]
    public async Task The_real_executable_exits_2_on_an_unknown_verb()
    {
        await using var cli = await CliProcess.RunAsync(["frobnicate"]);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("unknown verb", cli.StandardError);
    }

    [Fact]
    public async Task No_connection_string_and_no_server_programs_exits_1_saying_what_to_install_or_set()
    {
        var data = TestPaths.NewTempDirectory("nobin-cli");
        var empty = TestPaths.NewTempDirectory("nobin-root");
        try
        {
            await using var cli = await CliProcess.RunAsync(
                ["migrate", $"--DolMapper:DataDirectory={data}", $"--DolMapper:LocalDatabase:SearchRoots:0={empty}"],
                new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin" });
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("PostgreSQL server programs (initdb, pg_ctl, postgres) were not found", cli.StandardError);
            Assert.Contains("ConnectionStrings__DolMapper", cli.StandardError);
        }
        finally
        {
            TestPaths.DeleteQuietly(data);
            TestPaths.DeleteQuietly(empty);
        }
    }

    [Fact]
    public async Task An_unreachable_database_server_exits_1_with_a_message_not_a_crash()
    {
        var port = DolMapper.Web.Infrastructure.LoopbackPorts.Free();
        var (exit, _, stderr) = await RunAsync("migrate", $"--ConnectionStrings:DolMapper=Host=127.0.0.1;Port={port};Database=x;Username=x;Password=x;Timeout=3");
        Assert.Equal(DolMapperCommandLine.Failure, exit);
        Assert.Contains("cannot use the database", stderr);
        Assert.Contains("ConnectionStrings:DolMapper", stderr);
    }
}
