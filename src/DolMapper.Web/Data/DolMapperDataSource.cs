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
        return builder.ConnectionString;
    }
}
