using System.Security.Cryptography;
using DolMapper.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace DolMapper.Web.Infrastructure.Auth;

/// <summary>A login that should be shown to the person who started DolMapper.</summary>
public sealed record PrintedLogin(string Role, string Email, string Password);

/// <summary>
/// Creates the roles, the first admin (from configuration, or with a random password printed
/// once) and, in demo mode, one user per role with documented passwords.
/// </summary>
public sealed class UserSeeder(
    UserManager<DolMapperUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<DolMapperOptions> options,
    CrossProcessLock locks,
    ILogger<UserSeeder> logger)
{
    public const string DefaultAdminEmail = "admin@dolmapper.local";

    /// <summary>The demo users; their passwords are public (README), so demo mode is never for production.</summary>
    public static readonly IReadOnlyList<PrintedLogin> DemoUsers =
    [
        new(Roles.Admin, "admin@demo.dolmapper.local", "Demo-Admin-2026"),
        new(Roles.Analyst, "analyst@demo.dolmapper.local", "Demo-Analyst-2026"),
        new(Roles.BrandManager, "brand@demo.dolmapper.local", "Demo-Brand-2026"),
    ];

    /// <summary>Returns the logins to print: new random admin credentials, or the demo users.</summary>
    public async Task<IReadOnlyList<PrintedLogin>> SeedAsync(CancellationToken cancellationToken = default)
    {
        // One process at a time: another one starting on the same database (a web and a worker,
        // two web processes) would otherwise find the same users missing and create them twice.
        await using var held = await locks.AcquireAsync(CrossProcessLock.Names.UserSeeding, cancellationToken: cancellationToken);
        await EnsureRolesAsync();

        var printed = new List<PrintedLogin>();
        if (options.Value.Demo)
        {
            foreach (var demo in DemoUsers)
            {
                var user = await users.FindByEmailAsync(demo.Email);
                if (user is null)
                {
                    await CreateAsync(demo.Email, demo.Password, demo.Role, $"Demo {demo.Role}");
                }
                else if (!await users.CheckPasswordAsync(user, demo.Password))
                {
                    // Demo logins are documented; keep them working even after someone changed one.
                    Check(await users.RemovePasswordAsync(user), "reset demo password");
                    Check(await users.AddPasswordAsync(user, demo.Password), "reset demo password");
                }
                printed.Add(demo);
            }
        }

        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count == 0)
        {
            var admin = options.Value.Admin;
            var email = string.IsNullOrWhiteSpace(admin.Email) ? DefaultAdminEmail : admin.Email.Trim();
            var password = string.IsNullOrEmpty(admin.Password) ? GeneratePassword() : admin.Password;
            var existing = await users.FindByEmailAsync(email);
            if (existing is not null)
            {
                Check(await users.AddToRoleAsync(existing, Roles.Admin), $"make {email} an admin");
                logger.LogInformation("Made the existing user {Email} the first admin", email);
            }
            else
            {
                await CreateAsync(email, password, Roles.Admin, "Administrator");
                logger.LogInformation("Created the first admin {Email}", email);
                if (string.IsNullOrEmpty(admin.Password))
                {
                    printed.Add(new PrintedLogin(Roles.Admin, email, password));
                }
            }
        }
        return printed;
    }

    /// <summary>The three roles, created where they are missing (a database no web process has started on yet).</summary>
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }
    }

    private async Task CreateAsync(string email, string password, string role, string displayName)
    {
        var user = new DolMapperUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            CreatedAt = DateTime.UtcNow,
        };
        Check(await users.CreateAsync(user, password), $"create user {email}");
        Check(await users.AddToRoleAsync(user, role), $"give {email} the role {role}");
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>A random password that meets the default Identity rules (upper, lower, digit, symbol).</summary>
    internal static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        var chars = new char[18];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }
        return $"{new string(chars, 0, 6)}-{new string(chars, 6, 6)}-{new string(chars, 12, 6)}-Aa1";
    }
}
