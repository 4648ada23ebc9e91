using System.IO.Pipelines;
using DolMapper.Web.Infrastructure;
using DolMapper.Web.Ingestion.Import;
using Npgsql;

namespace DolMapper.Web.Demo;

/// <summary>
/// Puts a demo world into the database through the real import path: the generator writes JSON
/// Lines into a pipe that the importer reads, so nothing touches the disk and memory stays flat.
/// </summary>
public sealed class DemoSeeder(FileImporter importer, NpgsqlDataSource dataSource, CrossProcessLock locks, ILogger<DemoSeeder> logger)
{
    public const string LockName = "demo-seed";

    public async Task<ImportReport> SeedAsync(DemoWorldOptions options, string? truthPath, IProgress<ImportProgress>? progress, CancellationToken cancellationToken = default)
    {
        var world = DemoWorld.Build(options);
        if (truthPath is not null)
        {
            await GroundTruth.WriteAsync(world, truthPath, cancellationToken);
        }
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = Task.Run(async () =>
        {
            try
            {
                await DemoWorldWriter.WriteAsync(world, pipe.Writer.AsStream(leaveOpen: true), compress: false, stop.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, stop.Token);

        var source = new ImportSource(
            $"demo world (seed {options.Seed}, {options.Persons:N0} persons, {options.Posts:N0} posts)",
            _ => Task.FromResult(pipe.Reader.AsStream()),
            Length: null);
        try
        {
            var report = await importer.ImportAsync([source], new ImportOptions(AllowRelationships: true, "demo", Progress: progress), cancellationToken);
            await writing;
            return report;
        }
        catch
        {
            await stop.CancelAsync();
            try
            {
                await writing;
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
            {
                // The import's failure is the one to report.
            }
            throw;
        }
    }

    /// <summary>Seeds the world when the database holds no accounts yet; null when it already had data.</summary>
    public async Task<ImportReport?> SeedIfEmptyAsync(DemoWorldOptions options, CancellationToken cancellationToken = default)
    {
        await using var held = await locks.AcquireAsync(LockName, cancellationToken: cancellationToken);
        await using (var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM accounts)"))
        {
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return null;
            }
        }
        logger.LogInformation("The database is empty: seeding the demo world ({Persons:N0} persons, {Posts:N0} posts, seed {Seed})", options.Persons, options.Posts, options.Seed);
        // The web server starts once the world is in; until then the log says how far it is.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lastLogged = TimeSpan.Zero;
        var progress = new Progress<ImportProgress>(p =>
        {
            if (clock.Elapsed - lastLogged >= TimeSpan.FromSeconds(10))
            {
                lastLogged = clock.Elapsed;
                logger.LogInformation("Seeding the demo world: {Lines:N0} lines imported after {Seconds:0} s", p.Lines, clock.Elapsed.TotalSeconds);
            }
        });
        var report = await SeedAsync(options, truthPath: null, progress, cancellationToken);
        logger.LogInformation("Demo world seeded: {Summary} in {Seconds:0.0} s", report.Summary, report.Elapsed.TotalSeconds);
        return report;
    }
}
