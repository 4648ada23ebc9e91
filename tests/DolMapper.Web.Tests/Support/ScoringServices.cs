using DolMapper.Web.Features;
using DolMapper.Web.Features.Rankings;
using DolMapper.Scoring.Hcp;
using DolMapper.Web.Data;
using DolMapper.Web.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DolMapper.Web.Tests.Support;

/// <summary>
/// The scoring services on a test database, as the app registers them. The HCP model is trained
/// once per test run and stored into the template database (training is covered by its own tests,
/// which remove it first), so a test does not pay for training again.
/// </summary>
public sealed class ScoringServices : IAsyncDisposable
{
    private static readonly Lazy<byte[]> Model = new(() =>
    {
        using var stream = new MemoryStream();
        HcpClassifier.Train(HcpCorpus.Load()).Save(stream);
        return stream.ToArray();
    });

    /// <summary>What the shared model is trained on (stored with it, so the service does not train again).</summary>
    private static readonly Lazy<string> TrainedOn = new(() => HcpCorpus.Fingerprint(HcpCorpus.Load()));

    /// <summary>The HCP classifier trained once per test run on the whole corpus (the one stored into test databases).</summary>
    internal static HcpClassifier SharedClassifier()
    {
        using var stream = new MemoryStream(Model.Value);
        return HcpClassifier.Load(stream);
    }

    private readonly ServiceProvider _provider;

    private ScoringServices(string connectionString)
    {
        ConnectionString = connectionString;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddDolMapperData(connectionString);
        DolMapper.Web.Ingestion.Sources.SourceServiceCollectionExtensions.AddIngestion(services, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddScoring();
        DolMapper.Web.Events.EventServiceCollectionExtensions.AddEvents(services);
        services.AddFeatures();
        _provider = services.BuildServiceProvider();
    }

    public string ConnectionString { get; }

    /// <summary>
    /// The services on <paramref name="connectionString"/>. With <paramref name="storeModel"/> the
    /// database gets the run's shared HCP model when it has none (migrated test databases already
    /// have it from the template).
    /// </summary>
    public static async Task<ScoringServices> CreateAsync(string connectionString, bool storeModel = true)
    {
        if (storeModel)
        {
            await StoreSharedModelAsync(connectionString);
        }
        return new ScoringServices(connectionString);
    }

    /// <summary>Stores the HCP model trained once per test run as the active one, unless the database has an active one.</summary>
    public static async Task StoreSharedModelAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO trained_models (kind, version, content, metrics, is_active, created_at)
            SELECT 'hcp_classifier', 1, @content, jsonb_build_object('corrections', 0, 'trained_on', @trainedOn::text), true, now()
            WHERE NOT EXISTS (SELECT 1 FROM trained_models WHERE kind = 'hcp_classifier' AND is_active)
            """, connection);
        command.Parameters.AddWithValue("content", Model.Value);
        command.Parameters.AddWithValue("trainedOn", TrainedOn.Value);
        await command.ExecuteNonQueryAsync();
    }

    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Seeds a demo world into the database through the import path (as <c>demo seed</c> does).</summary>
    public Task<DolMapper.Web.Ingestion.Import.ImportReport> SeedDemoWorldAsync(DolMapper.Web.Demo.DemoWorldOptions options) =>
        new DolMapper.Web.Demo.DemoSeeder(Get<DolMapper.Web.Ingestion.Import.FileImporter>(), Get<NpgsqlDataSource>(), Get<DolMapper.Web.Infrastructure.CrossProcessLock>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DolMapper.Web.Demo.DemoSeeder>.Instance).SeedAsync(options, truthPath: null, progress: null);

    /// <summary>Runs <paramref name="work"/> with a scope's services (profiles and the runner are scoped).</summary>
    public async Task<TResult> InScopeAsync<TResult>(Func<IServiceProvider, Task<TResult>> work)
    {
        await using var scope = _provider.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<ProfileSaveResult> SaveProfileAsync(DolMapper.Scoring.ProfileDefinition profile) =>
        InScopeAsync(sp => sp.GetRequiredService<ScoringProfiles>().SaveAsync(profile, "test", CancellationToken.None));

    public Task<IReadOnlyList<ScoringRunReport>> ScoreAsync(string? profile = null) =>
        InScopeAsync(sp => sp.GetRequiredService<ScoringRunner>().RunAsync(profile, "test", null, CancellationToken.None));

    public async Task<string> ExportAsync(string profile, int? top = null)
    {
        var writer = new StringWriter();
        var result = await Get<RankingCsv>().WriteAsync(new RankingExportRequest(profile, top), writer, CancellationToken.None);
        return result is null ? "" : writer.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
