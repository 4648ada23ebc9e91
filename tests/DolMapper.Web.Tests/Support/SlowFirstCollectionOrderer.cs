using Xunit.Abstractions;

[assembly: TestCollectionOrderer("DolMapper.Web.Tests.Support.SlowFirstCollectionOrderer", "DolMapper.Web.Tests")]

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// Starts the test classes that carry <c>[Trait("Category", "Slow")]</c> (on the class or a test) first, so the long ones
/// overlap the many short ones instead of running alone at the end of a parallel run.
/// </summary>
public sealed class SlowFirstCollectionOrderer : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(IsSlow).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static bool IsSlow(ITestCollection collection)
    {
        if (!collection.DisplayName.StartsWith(PerClassPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var type = typeof(SlowFirstCollectionOrderer).Assembly.GetType(collection.DisplayName[PerClassPrefix.Length..]);
        return type is not null && type.GetMethods().Cast<System.Reflection.MemberInfo>().Append(type)
            .SelectMany(m => m.CustomAttributes)
            .Any(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments.Select(x => x.Value as string).SequenceEqual(["Category", "Slow"]));
    }
}
