using DolMapper.Web.Infrastructure.Cli;

return await DolMapperCommandLine.RunAsync(args, Console.Out, Console.Error);

/// <summary>The host's entry point: every verb of docs/cli.md starts here.</summary>
public partial class Program;
