using Npgsql;

namespace DolMapper.Web.Infrastructure;

/// <summary>Recognises a lost database connection (a restart, a failover, a network cut) anywhere in an exception's chain.</summary>
public static class DatabaseFailures
{
    public static bool IsConnectionLost(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // admin_shutdown, crash_shutdown, cannot_connect_now: the server went or is going away.
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" }:
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or EndOfStreamException }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Drops every idle pooled connection, of the app's data source and of EF Core's connections alike.</summary>
    public static void ForgetPooledConnections(IServiceProvider services)
    {
        services.GetService<NpgsqlDataSource>()?.Clear();
        NpgsqlConnection.ClearAllPools();
    }
}
