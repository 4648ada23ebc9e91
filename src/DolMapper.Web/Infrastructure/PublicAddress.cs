using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Infrastructure;

/// <summary>
/// The address users open, for links DolMapper sends or prints (invitations, password resets):
/// <c>DolMapper:PublicBaseUrl</c>, else the address this process listens on. Never the request's
/// Host header, which whoever sends the request chooses.
/// </summary>
public sealed class PublicAddress(IOptions<DolMapperOptions> options, IServer? server = null)
{
    /// <summary>Where the README's run command listens when nothing else is known (a command-line process).</summary>
    public const string LocalDefault = "http://localhost:5000/";

    public Uri Base
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl))
            {
                return WithSlash(options.Value.PublicBaseUrl);
            }
            var listening = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (listening is null)
            {
                return new Uri(LocalDefault);
            }
            // A wildcard binding is not an address anyone can open.
            var uri = new UriBuilder(listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (uri.Host is "0.0.0.0" or "[::]" or "::")
            {
                uri.Host = "localhost";
            }
            return WithSlash(uri.Uri.ToString());
        }
    }

    private static Uri WithSlash(string url) => new(url.EndsWith('/') ? url : url + "/");
}
