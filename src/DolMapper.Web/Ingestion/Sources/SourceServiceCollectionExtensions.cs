using System.Net;
using DolMapper.Web.Data.Entities;
using DolMapper.Web.Ingestion.Sources.X;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace DolMapper.Web.Ingestion.Sources;

public static class SourceServiceCollectionExtensions
{
    /// <summary>
    /// Everything that gets data in: the bulk writer, file imports and uploads, quarantine limits and
    /// retention, and the source clients (one typed HttpClient each) with retries on 5xx and
    /// timeouts (429 is the client's to handle).
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IngestionWriter>();
        services.AddSingleton(sp => sp.GetService<IOptions<Infrastructure.DolMapperOptions>>()?.Value.Retention.QuarantineLimits() ?? QuarantineLimits.Default);
        services.AddSingleton(sp => sp.GetService<IOptions<Infrastructure.DolMapperOptions>>()?.Value.Import ?? new Infrastructure.ImportSettings());
        services.AddSingleton<Import.FileImporter>();
        services.AddSingleton<Import.UploadStore>();
        services.AddScoped<Import.ImportUploadJob>();
        services.AddScoped<RetentionJob>();

        services.AddOptions<SourcesOptions>().Bind(configuration.GetSection(SourcesOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<XClient>().AddResilienceHandler("x", Resilience);
        services.AddHttpClient<Bluesky.BlueskyClient>().AddResilienceHandler("bluesky", Resilience);
        services.AddHttpClient<Mastodon.MastodonClient>().AddResilienceHandler("mastodon", Resilience);
        services.AddHttpClient<PubMed.PubMedClient>().AddResilienceHandler("pubmed", Resilience);
        services.AddScoped<SourceRunner>();
        // One pass per source kind, reached by its kind (SourcePasses, the command line) or by its type (tests).
        AddPass<XIngestion>(services, SourceKinds.X);
        AddPass<Bluesky.BlueskyIngestion>(services, SourceKinds.Bluesky);
        AddPass<Mastodon.MastodonIngestion>(services, SourceKinds.Mastodon);
        AddPass<PubMed.PubMedIngestion>(services, SourceKinds.PubMed);
        services.AddScoped<XReconciliation>();
        services.AddScoped<Bluesky.BlueskyReconciliation>();
        services.AddScoped<Mastodon.MastodonMaintenance>();
        services.AddScoped<PubMed.PublicationLookup>();
        services.AddScoped<PubMed.PublicationLookupJob>();
        services.AddScoped<SourceStore>();
        services.AddScoped<ProfileTerms>();
        services.AddScoped<SourcePasses>();
        services.AddScoped<IngestSourceJob>();
        services.AddScoped<ReconcileSourceJob>();
        return services;
    }

    private static void AddPass<TPass>(IServiceCollection services, string kind) where TPass : class, ISourcePass
    {
        services.AddScoped<TPass>();
        services.AddKeyedScoped<ISourcePass>(kind, (sp, _) => sp.GetRequiredService<TPass>());
    }

    private static void Resilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<SourcesOptions>>().Value;
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result.StatusCode: >= HttpStatusCode.InternalServerError } => true,
                    _ => false,
                }),
            });
        }
        pipeline.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
    }
}
