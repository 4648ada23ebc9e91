using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace DolMapper.Web.Tests.Support;

public static class HostBuilderExtensions
{
    /// <summary>Points the app at a test database and keeps test output quiet.</summary>
    public static IHostApplicationBuilder UseTestDatabase(this IHostApplicationBuilder builder, string connectionString, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:DolMapper"] = connectionString,
            // Two roles, as an installation has them (PostgresFixture): the owner migrates and grants.
            ["ConnectionStrings:DolMapperOwner"] = PostgresFixture.OwnerFor(connectionString),
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["DolMapper:Jobs:WorkerCount"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(values);
        return builder;
    }
}
