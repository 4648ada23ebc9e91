using System.Globalization;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>Plain SQL against a test database, for setting up and checking what the app wrote.</summary>
public static class Sql
{
    /// <summary>
    /// No pooling: every test makes its own databases, and pooled idle connections to hundreds of
    /// them would exhaust the server's connection slots.
    /// </summary>
    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    public static async Task ExecuteAsync(string connectionString, string sql, int timeoutSeconds = 30)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public static async Task<long> CountAsync(string connectionString, string sql) =>
        Convert.ToInt64(await ScalarAsync(connectionString, sql), CultureInfo.InvariantCulture);

    public static async Task<List<string>> ColumnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}
