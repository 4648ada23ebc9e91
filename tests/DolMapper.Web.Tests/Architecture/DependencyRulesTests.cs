using NetArchTest.Rules;

namespace DolMapper.Web.Tests.Architecture;

/// <summary>The dependency rules of docs/architecture.md, checked on the compiled code (method bodies included).</summary>
public class DependencyRulesTests
{
    private static readonly System.Reflection.Assembly Web = typeof(Program).Assembly;
    private static readonly System.Reflection.Assembly Scoring = typeof(DolMapper.Scoring.Questions).Assembly;

    private static void Holds(TestResult result, string rule) =>
        Assert.True(result.IsSuccessful, $"{rule} is broken by: {string.Join(", ", result.FailingTypeNames ?? [])}");

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("Npgsql")]
    [InlineData("Hangfire")]
    [InlineData("DolMapper.Web")]
    public void The_scoring_library_knows_no_web_database_or_jobs(string forbidden) =>
        Holds(Types.InAssembly(Scoring).ShouldNot().HaveDependencyOn(forbidden).GetResult(), $"DolMapper.Scoring must not use {forbidden}");

    [Theory]
    [InlineData("DolMapper.Web.Features")]
    [InlineData("DolMapper.Web.Ingestion")]
    [InlineData("DolMapper.Web.Scoring")]
    [InlineData("DolMapper.Web.Compliance")]
    public void Data_knows_no_features_ingestion_or_scoring(string forbidden) =>
        Holds(Types.InAssembly(Web).That().ResideInNamespace("DolMapper.Web.Data").ShouldNot().HaveDependencyOn(forbidden).GetResult(),
            $"DolMapper.Web.Data must not use {forbidden}");

    [Theory]
    [InlineData("DolMapper.Web.Ingestion")]
    [InlineData("DolMapper.Web.Scoring")]
    public void Ingestion_and_scoring_know_no_features(string layer) =>
        Holds(Types.InAssembly(Web).That().ResideInNamespace(layer).ShouldNot().HaveDependencyOn("DolMapper.Web.Features").GetResult(),
            $"{layer} must not use DolMapper.Web.Features");

    [Fact]
    public void Ingestion_knows_no_scoring() =>
        Holds(Types.InAssembly(Web).That().ResideInNamespace("DolMapper.Web.Ingestion").ShouldNot().HaveDependencyOn("DolMapper.Web.Scoring").GetResult(),
            "DolMapper.Web.Ingestion must not use DolMapper.Web.Scoring");

    [Fact]
    public void A_broken_rule_is_reported()
    {
        // The check itself works: the host's infrastructure does use the features (it wires them up).
        var result = Types.InAssembly(Web).That().ResideInNamespace("DolMapper.Web.Infrastructure").ShouldNot().HaveDependencyOn("DolMapper.Web.Features").GetResult();
        Assert.False(result.IsSuccessful);
    }
}
