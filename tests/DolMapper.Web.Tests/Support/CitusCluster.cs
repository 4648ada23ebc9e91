using DolMapper.Web.Infrastructure;
using DolMapper.Web.Infrastructure.LocalDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// A local Citus cluster: a coordinator and workers, each a PostgreSQL cluster made by DolMapper's
/// own launcher in a temporary folder and restarted with <c>shared_preload_libraries = 'citus'</c>;
/// the extension created in the <c>dolmapper</c> database of each, the workers added on the
/// coordinator. Nodes trust each other's loopback connections (Citus connects between nodes as the
/// session's role), which a test cluster on 127.0.0.1 may; a real one uses a .pgpass or certificates.
/// </summary>
internal sealed class CitusCluster : IAsyncDisposable
{
    private readonly string _directory;
    private readonly List<LocalPostgresServer> _nodes;

    private CitusCluster(string directory, List<LocalPostgresServer> nodes)
    {
        _directory = directory;
        _nodes = nodes;
    }

    public LocalPostgresServer Coordinator => _nodes[0];
    public IReadOnlyList<LocalPostgresServer> Workers => _nodes[1..];

    /// <summary>Whether this machine's PostgreSQL has the Citus extension (.ci/run installs it).</summary>
    public static bool Installed => PostgresBinaries.Find(null) is { } binaries
        && File.Exists(Path.Combine(binaries.Directory, "..", "lib", "citus.so"));

    public static async Task<CitusCluster> StartAsync(int workers = 2)
    {
        var directory = TestPaths.NewOwnedTempDirectory("citus");
        var nodes = new List<LocalPostgresServer>();
        try
        {
            for (var i = 0; i <= workers; i++)
            {
                var node = await LocalPostgresServer.StartOrAttachAsync(
                    Path.Combine(directory, i == 0 ? "coordinator" : $"worker{i}"), new LocalDatabaseOptions { Unsafe = true, Database = "dolmapper" }, NullLogger.Instance);
                nodes.Add(node);
                await File.AppendAllTextAsync(Path.Combine(node.ClusterDirectory, "postgresql.conf"), "\nshared_preload_libraries = 'citus'\nmax_connections = 300\n");
                var hba = Path.Combine(node.ClusterDirectory, "pg_hba.conf");
                await File.WriteAllTextAsync(hba, "host all all 127.0.0.1/32 trust\n" + await File.ReadAllTextAsync(hba));
                await node.RestartAsync();
                await Sql.ExecuteAsync(node.OwnerConnectionString, "CREATE EXTENSION IF NOT EXISTS citus");
            }
            var coordinator = nodes[0].OwnerConnectionString;
            await Sql.ExecuteAsync(coordinator, $"SELECT citus_set_coordinator_host('127.0.0.1', {nodes[0].Port})");
            foreach (var worker in nodes.Skip(1))
            {
                await Sql.ExecuteAsync(coordinator, $"SELECT citus_add_node('127.0.0.1', {worker.Port})");
            }
            return new CitusCluster(directory, nodes);
        }
        catch
        {
            await new CitusCluster(directory, nodes).DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            try
            {
                await node.DisposeAsync();
            }
            catch (Exception)
            {
                // The folder goes below; a server left running dies with its data directory's owner check.
            }
        }
        TestPaths.DeleteQuietly(_directory);
    }
}
