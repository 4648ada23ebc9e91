using System.Text.Json;
using DolMapper.Scoring.Insights;
using DolMapper.Web.Data;
using DolMapper.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace DolMapper.Web.Scoring;

/// <summary>What importing product lists did.</summary>
public sealed record ProductImportResult(IReadOnlyList<ProductList> Saved, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// The product lists admins keep per profile (docs/insights.md, "Products"): importing a profile's
/// list replaces it whole, in one transaction with every other list of the same file, so a file with
/// any problem stores nothing. Each replaced list is written to the audit log.
/// </summary>
public sealed class ProductLists(DolMapperDbContext db)
{
    /// <summary>Reads and stores the lists in <paramref name="json"/> (one list or an array).</summary>
    public async Task<ProductImportResult> ImportAsync(string json, string? user, CancellationToken cancellationToken)
    {
        var lists = ProductList.ParseMany(json, out var problems);
        if (problems.Count > 0)
        {
            return new ProductImportResult([], problems);
        }
        return await SaveAsync(lists, user, cancellationToken);
    }

    /// <summary>Stores valid lists, each replacing its profile's; refused whole when a profile does not exist.</summary>
    public async Task<ProductImportResult> SaveAsync(IReadOnlyList<ProductList> lists, string? user, CancellationToken cancellationToken)
    {
        var problems = lists.SelectMany(l => l.Validate()).ToList();
        var names = lists.Select(l => l.Profile).ToList();
        var profiles = await db.ScoringProfiles.AsNoTracking().Where(p => names.Contains(p.Name)).ToDictionaryAsync(p => p.Name, p => p.Id, cancellationToken);
        problems.AddRange(lists.Where(l => !profiles.ContainsKey(l.Profile))
            .Select(l => $"There is no profile named '{l.Profile}': create it first (dolmapper profiles import), or check the spelling."));
        if (problems.Count > 0)
        {
            return new ProductImportResult([], problems);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = DateTime.UtcNow;
        foreach (var list in lists.Select(l => l.Normalised()))
        {
            var profileId = profiles[list.Profile];
            var before = await db.Products.Where(p => p.ProfileId == profileId).Select(p => p.Name).ToListAsync(cancellationToken);
            await db.Products.Where(p => p.ProfileId == profileId).ExecuteDeleteAsync(cancellationToken);
            db.Products.AddRange(list.Products.Select((p, i) => new Product
            {
                ProfileId = profileId, Position = i, Name = p.Name, GenericName = p.GenericName, Synonyms = [.. p.Synonyms],
                Competitors = [.. p.Competitors], LaunchDate = p.LaunchDate, UpdatedAt = now, UpdatedBy = user,
            }));
            db.AuditLog.Add(new AuditLogEntry
            {
                At = now,
                UserName = user,
                Action = "products.saved",
                Target = list.Profile,
                Details = JsonSerializer.Serialize(new { products = list.Products.Select(p => p.Name), removed = before.Except(list.Products.Select(p => p.Name), StringComparer.OrdinalIgnoreCase) }),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ProductImportResult([.. lists.Select(l => l.Normalised())], []);
    }

    /// <summary>The lists of every profile that has products (or of <paramref name="profile"/> only, empty when it has none); null when that profile does not exist.</summary>
    public async Task<IReadOnlyList<ProductList>?> ExportAsync(string? profile, CancellationToken cancellationToken)
    {
        var query = db.ScoringProfiles.AsNoTracking().AsQueryable();
        if (profile is not null)
        {
            query = query.Where(p => p.Name == profile);
        }
        var profiles = await query.OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken);
        if (profile is not null && profiles.Count == 0)
        {
            return null;
        }
        var ids = profiles.Select(p => p.Id).ToList();
        var products = (await db.Products.AsNoTracking().Where(p => ids.Contains(p.ProfileId)).OrderBy(p => p.Position).ToListAsync(cancellationToken))
            .GroupBy(p => p.ProfileId).ToDictionary(g => g.Key, g => g.ToList());
        return [.. profiles.Where(p => profile is not null || products.ContainsKey(p.Id)).Select(p => new ProductList
        {
            Profile = p.Name,
            Products = [.. (products.GetValueOrDefault(p.Id) ?? []).Select(ToDefinition)],
        })];
    }

    /// <summary>A profile's products as the run reads them, in the list's order.</summary>
    public static async Task<IReadOnlyList<ProductDefinition>> ForProfileAsync(Npgsql.NpgsqlConnection connection, int profileId, CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT name, generic_name, synonyms, competitors, launch_date FROM products WHERE profile_id = @profile ORDER BY position", connection);
        command.Parameters.AddWithValue("profile", profileId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<ProductDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new ProductDefinition
            {
                Name = reader.GetString(0),
                GenericName = reader.IsDBNull(1) ? null : reader.GetString(1),
                Synonyms = reader.GetFieldValue<string[]>(2),
                Competitors = reader.GetFieldValue<string[]>(3),
                LaunchDate = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
            });
        }
        return result;
    }

    private static ProductDefinition ToDefinition(Product p) => new()
    {
        Name = p.Name, GenericName = p.GenericName, Synonyms = p.Synonyms, Competitors = p.Competitors, LaunchDate = p.LaunchDate,
    };
}
