using StriveNetwork.Actors.Conformance;
using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Sqlite.Tests;

/// <summary>
/// The shared storage conformance suite against the memory provider, so memory, SQLite and PostgreSQL are held
/// to the same rules. It lives here (a project that already compiles the shared suite) until
/// tests/StriveNetwork.Actors.Tests includes ../StriveNetwork.Actors.Conformance/**/*.cs; then it moves to that
/// project's Memory/ folder unchanged but for the namespace.
/// </summary>
public sealed class MemoryConformanceTests : GrainStorageConformanceTests
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new MemoryGrainStorage());
}
