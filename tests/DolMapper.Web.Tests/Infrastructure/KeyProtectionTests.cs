using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DolMapper.Web.Infrastructure.Auth;

namespace DolMapper.Web.Tests.Infrastructure;

/// <summary>
/// With a certificate configured, the Data Protection keys in the database are encrypted with it,
/// so a dump of the database holds no usable key (docs/security.md); the app still works.
/// </summary>
public sealed class KeyProtectionTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Keys_written_with_a_certificate_configured_are_encrypted_at_rest_and_the_app_still_signs_in()
    {
        var directory = Directory.CreateTempSubdirectory("dolmapper-keys-");
        try
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=DolMapper keys (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var path = Path.Combine(directory.FullName, "keys.pfx");
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "s3cret"));

            var connection = await postgres.CreateMigratedDatabaseAsync();
            await using (var app = await TestApp.StartAsync(connection, new Dictionary<string, string?>
            {
                ["DolMapper:DataProtection:CertificatePath"] = path,
                ["DolMapper:DataProtection:CertificatePassword"] = "s3cret",
            }))
            {
                var client = await app.SignInAsync(Roles.Analyst);
                Assert.Contains("data-testid", await client.GetStringAsync("/"));
            }
            var keys = await Sql.ColumnAsync(connection, "SELECT xml FROM data_protection_keys");
            Assert.NotEmpty(keys);
            // An unencrypted key carries its secret as <masterKey …><value>BASE64</value>; an encrypted one as <encryptedSecret>.
            Assert.All(keys, xml =>
            {
                Assert.Contains("<encryptedSecret", xml);
                Assert.DoesNotContain("<value>", xml);
            });

            // Without a certificate (the default, with a warning at start) the key's secret is in the clear.
            var plain = await postgres.CreateMigratedDatabaseAsync();
            await using (var app = await TestApp.StartAsync(plain))
            {
                await app.SignInAsync(Roles.Analyst);
            }
            var plainKeys = await Sql.ColumnAsync(plain, "SELECT xml FROM data_protection_keys");
            Assert.NotEmpty(plainKeys);
            Assert.All(plainKeys, xml => Assert.Contains("<value>", xml));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
