using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace StriveNetwork.Providers.Azure;

/// <summary>Grain state on Azure Blob Storage, with store failures reported as the project's storage exceptions.</summary>
public static class AzureSiloBuilderExtensions
{
    /// <summary>The name of Orleans' blob storage provider behind the default one.</summary>
    public const string BlobStorageName = "strive-azure-blob";

    /// <summary>
    /// Makes Orleans' Azure Blob grain storage the default storage, behind <see cref="FailureReportingGrainStorage"/>.
    /// Every write is conditional on the blob's ETag (a stale activation's write fails with InconsistentStateException).
    /// </summary>
    public static ISiloBuilder AddAzureGrainStateAsDefault(this ISiloBuilder builder, Action<AzureBlobStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configureOptions);
        builder.AddAzureBlobGrainStorage(BlobStorageName, configureOptions);
        builder.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (services, _) => new FailureReportingGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(BlobStorageName),
            "blob",
            services.GetRequiredService<ILogger<FailureReportingGrainStorage>>()));
        return builder;
    }
}
