namespace StriveNetwork.Providers;

/// <summary>
/// A state row as a store reads it. <see cref="Version"/> is the ETag; a cleared state is a tombstone (a row with
/// <see cref="RecordExists"/> false and a version), so that a writer that read before the clear still fails.
/// </summary>
/// <param name="Json">The state as JSON text; <c>{}</c> for a tombstone.</param>
/// <param name="SchemaVersion">The payload's schema version column (kept from the old runtime; this provider writes <see cref="StateJson.SchemaVersion"/>).</param>
/// <param name="Version">The row's integer version, positive.</param>
/// <param name="RecordExists">False for a tombstone.</param>
public sealed record StoredGrainState(string Json, int SchemaVersion, long Version, bool RecordExists);
