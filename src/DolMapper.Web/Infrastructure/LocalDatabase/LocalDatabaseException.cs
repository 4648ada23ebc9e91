namespace DolMapper.Web.Infrastructure.LocalDatabase;

/// <summary>The zero-setup local database cannot be used; the message says what to install or set.</summary>
public sealed class LocalDatabaseException(string message, Exception? inner = null) : Exception(message, inner);
