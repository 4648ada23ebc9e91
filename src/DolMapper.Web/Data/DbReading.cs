using Npgsql;

namespace DolMapper.Web.Data;

/// <summary>
/// Small helpers for hand-written SQL: columns read by name (not by position, so a reordered SELECT
/// cannot shift values into the wrong field) and typed parameters.
/// </summary>
public static class DbReading
{
    /// <summary>The column's value, or the type's default (null for references and nullable values) when SQL NULL.</summary>
    public static T? Get<T>(this NpgsqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? default : reader.GetFieldValue<T>(ordinal);
    }

    /// <summary>A <c>timestamptz</c> (or <c>timestamp</c>) column as a UTC <see cref="DateTime"/>, or null.</summary>
    public static DateTime? GetUtc(this NpgsqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
    }

    /// <summary>Adds a parameter whose database type follows <typeparamref name="T"/> (no boxing, no guessing from a null).</summary>
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, string name, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T>(name, value));
        return command;
    }
}
