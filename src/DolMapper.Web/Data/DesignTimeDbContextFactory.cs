using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DolMapper.Web.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a database or the host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DolMapperDbContext>
{
    public DolMapperDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DolMapperDbContext>();
        DataServiceCollectionExtensions.ConfigureDbContext(options, "Host=localhost;Database=dolmapper_design");
        return new DolMapperDbContext(options.Options);
    }
}
