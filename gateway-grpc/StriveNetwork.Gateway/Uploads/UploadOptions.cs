namespace StriveNetwork.Gateway.Uploads;

/// <summary>
/// How UploadObservations applies a stream (configuration section <c>Strive:Uploads</c>, e.g. env
/// <c>Strive__Uploads__BatchRows=1000</c>); validated when the host starts. Rows are applied in batches of
/// <see cref="BatchRows"/> as they arrive, and the gateway holds at most <see cref="MaxBufferedRows"/> rows of a
/// stream at any time (it stops reading the stream while a batch is written), whatever the stream's length.
/// </summary>
public sealed class UploadOptions
{
    /// <summary>Configuration section the host binds.</summary>
    public const string SectionName = "Strive:Uploads";

    /// <summary>Most rows of one <c>UploadChunk</c> (strive.v1 documents 1..1,000): the buffer must hold a chunk more than a batch.</summary>
    public const int MaxChunkRows = 1_000;

    /// <summary>Largest accepted <see cref="BatchRows"/>.</summary>
    public const int MaxBatchRows = 5_000;

    /// <summary>Largest accepted <see cref="MaxBufferedRows"/>.</summary>
    public const int MaxBufferLimit = 100_000;

    /// <summary>Rows per batch, each batch one write per indicator it reaches (default 1,000; 1..5,000).</summary>
    public int BatchRows { get; set; } = 1_000;

    /// <summary>
    /// Most rows of one stream held by the gateway: received and not yet answered by their indicator (default 10,000;
    /// at least <see cref="BatchRows"/> + 1,000, at most 100,000).
    /// </summary>
    public int MaxBufferedRows { get; set; } = 10_000;

    /// <summary>Every problem with the settings, each naming its configuration key; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BatchRows is < 1 or > MaxBatchRows)
        {
            problems.Add($"{SectionName}:BatchRows must be within 1..{MaxBatchRows} (got {BatchRows})");
        }

        if (MaxBufferedRows < BatchRows + MaxChunkRows || MaxBufferedRows > MaxBufferLimit)
        {
            problems.Add($"{SectionName}:MaxBufferedRows must be within BatchRows + {MaxChunkRows} ({BatchRows + MaxChunkRows})..{MaxBufferLimit} (got {MaxBufferedRows})");
        }

        return problems;
    }
}
