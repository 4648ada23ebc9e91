using DolMapper.Web.Ingestion.Import;
using Spectre.Console;

namespace DolMapper.Web.Infrastructure.Cli;

/// <summary>
/// A progress bar on standard error when it is a terminal (standard output carries only the
/// result); nothing at all when it is redirected, so logs and scripts stay clean.
/// </summary>
internal static class TerminalProgress
{
    public static bool Enabled => !Console.IsErrorRedirected;

    public static async Task<T> RunAsync<T>(string description, long? total, Func<IProgress<ImportProgress>?, Task<T>> work)
    {
        if (!Enabled)
        {
            return await work(null);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total ?? 1, 1));
                task.IsIndeterminate = total is null;
                var result = await work(new ImportProgressReporter(task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    /// <summary>A spinner with the current stage's words (a scoring run's steps have no byte count).</summary>
    public static async Task<T> RunStagesAsync<T>(string description, Func<IProgress<string>?, Task<T>> work)
    {
        if (!Enabled)
        {
            return await work(null);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Status().StartAsync(Markup.Escape(description), async context =>
        {
            var progress = new Progress<string>(stage => context.Status(Markup.Escape($"{description}: {stage}")));
            return await work(progress);
        });
    }

    private sealed class ImportProgressReporter(ProgressTask task) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            task.Value = value.BytesRead;
            task.Description = Markup.Escape($"{Path.GetFileName(value.Source)}  {value.Lines:N0} lines, {value.Rejected:N0} rejected");
        }
    }
}
