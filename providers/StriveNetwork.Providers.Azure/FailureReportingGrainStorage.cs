using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace StriveNetwork.Providers.Azure;

/// <summary>
/// Wraps Orleans' Azure Blob grain storage: a store failure becomes <see cref="GrainStorageUnavailableException"/> or
/// <see cref="GrainStorageFullException"/> (serializable across grain calls, mapped to UNAVAILABLE and
/// RESOURCE_EXHAUSTED by the front door), and the Azure SDK's exception behind it is logged here instead of sent to the
/// caller. Version conflicts and other errors (a permission, a missing container) pass through unchanged; the front door
/// answers those INTERNAL with an error id.
/// </summary>
internal sealed partial class FailureReportingGrainStorage(IGrainStorage inner, string storeName, ILogger<FailureReportingGrainStorage> logger) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Report(() => inner.ReadStateAsync(stateName, grainId, grainState), "read", stateName, grainId);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Report(() => inner.WriteStateAsync(stateName, grainId, grainState), "write", stateName, grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Report(() => inner.ClearStateAsync(stateName, grainId, grainState), "clear", stateName, grainId);

    private async Task Report(Func<Task> operation, string what, string stateName, GrainId grainId)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (Exception exception) when (AzureStoreFailures.Classify(exception) is var kind && kind is StoreFailureKind.Unavailable or StoreFailureKind.Full)
        {
            LogStoreFailed(logger, what, stateName, grainId, kind, exception);
            throw kind == StoreFailureKind.Full
                ? new GrainStorageFullException($"Azure Storage ({storeName}) is full: the {what} of {stateName} was not applied.")
                : new GrainStorageUnavailableException($"Azure Storage ({storeName}) cannot be reached: the {what} of {stateName} may not have been applied.");
        }
    }

    [LoggerMessage(EventId = 7200, EventName = "AzureStoreFailed", Level = LogLevel.Warning,
        Message = "Azure Storage {Operation} of {StateName} for {GrainId} failed ({Kind})")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string stateName, GrainId grainId, StoreFailureKind kind, Exception exception);
}
