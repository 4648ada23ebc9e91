using DolMapper.Web.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace DolMapper.Web.Tests.Infrastructure;

public class CrossProcessLockTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Only_one_holder_at_a_time_and_release_hands_it_on()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var a = new CrossProcessLock(connectionString, NullLogger<CrossProcessLock>.Instance);
        var b = new CrossProcessLock(connectionString, NullLogger<CrossProcessLock>.Instance);
        var name = CrossProcessLock.Names.Scoring("Oncology");

        var held = await a.TryAcquireAsync(name);
        Assert.NotNull(held);
        Assert.Null(await b.TryAcquireAsync(name));
        // A different name is a different lock.
        await using (var other = await b.TryAcquireAsync(CrossProcessLock.Names.Scoring("Cardiology")))
        {
            Assert.NotNull(other);
        }

        var waiting = b.AcquireAsync(name, TimeSpan.FromSeconds(30));
        await Task.Delay(600);
        Assert.False(waiting.IsCompleted, "The waiter must not get the lock while it is held.");
        await held!.DisposeAsync();
        await using var second = await waiting;
        Assert.Equal(name, second.Name);
    }

    [Fact]
    public async Task A_waiter_gives_up_after_its_timeout()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var locks = new CrossProcessLock(connectionString, NullLogger<CrossProcessLock>.Instance);
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.Ingestion("x"));

        var e = await Assert.ThrowsAsync<TimeoutException>(() => locks.AcquireAsync(CrossProcessLock.Names.Ingestion("x"), TimeSpan.FromMilliseconds(300)));
        Assert.Contains("ingest:x", e.Message);
    }

    [Fact]
    public void Keys_are_stable_across_processes_and_versions()
    {
        // A changed key would let an old and a new process run the same work at once.
        Assert.Equal(CrossProcessLock.KeyOf("migrations"), CrossProcessLock.KeyOf("migrations"));
        Assert.NotEqual(CrossProcessLock.KeyOf("score:a"), CrossProcessLock.KeyOf("score:b"));
        Assert.Equal(1325174485, CrossProcessLock.KeyOf("migrations"));
    }

    [Fact]
    public async Task Another_dolmapper_process_waits_for_a_lock_this_process_holds()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        var locks = new CrossProcessLock(connectionString, NullLogger<CrossProcessLock>.Instance);
        var held = await locks.AcquireAsync(CrossProcessLock.Names.Migrations);

        await using var child = CliProcess.Start(["migrate"], new Dictionary<string, string?> { ["ConnectionStrings__DolMapper"] = connectionString });
        try
        {
            await child.WaitForErrorOutputAsync("Waiting for lock 'migrations'", TimeSpan.FromSeconds(60));
            await Task.Delay(500);
            Assert.False(child.HasExited, "migrate finished while another process held the migrations lock.");
        }
        finally
        {
            await held.DisposeAsync();
        }

        await child.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, child.ExitCode);
        Assert.Contains("Acquired lock 'migrations'", child.StandardError);
        Assert.Contains("up to date", child.StandardOutput);
    }
}
