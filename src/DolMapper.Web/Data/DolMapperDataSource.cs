using Npgsql;

namespace DolMapper.Web.Data;

/// <summary>
/// The one way DolMapper builds its <see cref="NpgsqlDataSource"/>. Every physical connection
/// starts with the session settings the bulk paths need, because some of them cannot be changed
/// later: PostgreSQL refuses to change <c>temp_buffers</c> once a session has touched a temporary
/// table, and pooled connections carry that history from whatever used them before.
/// </summary>
public static class DolMapperDataSource
{
    /// <summary>Room for a batch's staging tables (8 MB by default, far less than a batch). Allocated only when used.</summary>
    public const string TempBuffers = "256MB";

    /// <summary>The key of the dashboard's read-only data source (<see cref="CreateForReads"/>).</summary>
    public const string Reads = "reads";

    /// <summary>
    /// The data source of the dashboard's read queries (the rankings page's): its sessions are
    /// read-only (<c>default_transaction_read_only</c>), so nothing read through it can write or
    /// leave a table behind, and a connection going back to the pool is therefore not reset — the
    /// reset (a round trip and several commands) came after each of a page's seven queries and
    /// cost PostgreSQL more than most of them.
    /// </summary>
    public static NpgsqlDataSource CreateForReads(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(WithSessionSettings(connectionString)) { NoResetOnClose = true };
        builder.Options += " -c default_transaction_read_only=on";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>How many statements each connection keeps prepared (the least used give way).</summary>
    public const int AutoPrepared = 64;

    public static NpgsqlDataSource Create(string connectionString) => new NpgsqlDataSourceBuilder(WithSessionSettings(connectionString)).Build();

    /// <summary><paramref name="connectionString"/> with the session settings added to its startup options.</summary>
    public static string WithSessionSettings(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var setting = $"-c temp_buffers={TempBuffers}";
        if (builder.Options?.Contains("temp_buffers", StringComparison.Ordinal) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? setting : builder.Options + " " + setting;
        }
        // The dashboard asks the same few statements on every page view; parsed and planned anew each
        // time they cost PostgreSQL more than running them (docs/benchmarks.md, web). Npgsql prepares a
        // statement on a connection once it has been used twice there and keeps it across pooled opens.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = AutoPrepared;
            builder.AutoPrepareMinUsages = 2;
        }
        return builder.ConnectionString;
    }
}
