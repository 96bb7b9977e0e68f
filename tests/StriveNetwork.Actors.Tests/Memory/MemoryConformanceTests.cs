using StriveNetwork.Actors.Conformance;
using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Tests.Memory;

/// <summary>The shared storage conformance suite against the memory provider (unit tests only), so memory, SQLite and
/// PostgreSQL are held to the same rules.</summary>
public sealed class MemoryConformanceTests : GrainStorageConformanceTests
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new MemoryGrainStorage());
}
