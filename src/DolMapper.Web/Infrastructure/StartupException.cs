namespace DolMapper.Web.Infrastructure;

/// <summary>DolMapper cannot start as configured; the message says what to change.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
