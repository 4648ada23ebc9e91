using System.Text.Json;
using Npgsql;

namespace DolMapper.Web.Data;

/// <summary>
/// Appends to the audit log from Npgsql code (EF Core code adds an <see cref="Entities.AuditLogEntry"/>
/// instead). The table is append-only: a database trigger rejects UPDATE, DELETE and TRUNCATE.
/// </summary>
public static class AuditLog
{
    /// <summary>
    /// What the log keeps of free text a user typed to find people (a name, a handle): that there
    /// was one and how long it was, never the text. The log is append-only, so text naming a person
    /// could never be erased from it.
    /// </summary>
    public static string? Withheld(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : $"[search text withheld, {text.Trim().Length} characters]";

    /// <summary>Appends one entry in <paramref name="transaction"/> (if any); <paramref name="details"/> is serialised as JSON.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string? user, string action, string? target, object details,
        CancellationToken cancellationToken, string? userId = null)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO audit_log (at, user_id, user_name, action, target, details) VALUES (now(), @id, @user, @action, @target, @details::jsonb)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)userId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)user ?? DBNull.Value });
        command.Parameters.AddWithValue("action", action);
        command.Parameters.Add(new NpgsqlParameter("target", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)target ?? DBNull.Value });
        command.Parameters.AddWithValue("details", details as string ?? JsonSerializer.Serialize(details));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
