using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Dashboard.Import;

/// <summary>
/// The import form read straight off the request body with a <see cref="MultipartReader"/>. ASP.NET's form binding
/// would first buffer any part over 64 KB in its own temp folder (default permissions, outside the data directory);
/// here the file part is copied into the owner-only spool as it arrives, so no other copy of an upload exists.
/// The antiforgery token must come before the file (the form puts it first) and is checked before a byte of the file
/// is stored. Bounded: at most <see cref="MaxParts"/> parts with small headers, <see cref="MaxFieldBytes"/> per field
/// and <see cref="ImportEndpoints.MaxUploadBytes"/> for the file (the endpoint limits the request as a whole).
/// </summary>
internal sealed class ImportUpload
{
    /// <summary>The most parts a form may have (it has six).</summary>
    public const int MaxParts = 16;

    /// <summary>The longest value of a field other than the file.</summary>
    public const int MaxFieldBytes = 1024;

    /// <summary>The refusal for a file over the limit (413), naming the limit.</summary>
    public const string TooLarge = "file: the file is larger than 64 MiB.";

    /// <summary>The refusal for a missing, misplaced or wrong antiforgery token (400).</summary>
    public const string Expired = "The form has expired: reload the page and try again.";

    private const string Unreadable = "The form could not be read: send it from the import page.";

    private readonly Dictionary<string, string> _fields;

    private ImportUpload(Dictionary<string, string> fields, string? fileName, long fileLength, string? path)
    {
        _fields = fields;
        FileName = fileName;
        FileLength = fileLength;
        Path = path;
    }

    /// <summary>The file's name as the browser sent it (only its extension is used).</summary>
    public string? FileName { get; }

    /// <summary>The bytes of the file stored.</summary>
    public long FileLength { get; }

    /// <summary>The spooled file, owned by the caller (deleted by the job, or by the caller when no job starts); null without a file part.</summary>
    public string? Path { get; }

    /// <summary>A field's value; empty when the form did not send it.</summary>
    public string Field(string name) => _fields.TryGetValue(name, out var value) ? value : string.Empty;

    /// <summary>
    /// Reads the form: the upload, or the status and fixed problem text of a refusal (nothing of the request echoed). A
    /// refused upload leaves nothing in the spool.
    /// </summary>
    public static async Task<(ImportUpload? Upload, int Status, string? Problem)> ReadAsync(
        HttpContext context, ImportJobs jobs, IAntiforgery antiforgery, string tokenField, string tokenHeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(antiforgery);
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            return Refused(StatusCodes.Status400BadRequest, Unreadable);
        }

        var reader = new MultipartReader(boundary, context.Request.Body)
        {
            HeadersCountLimit = 4,
            HeadersLengthLimit = 4096,
            BodyLengthLimit = ImportEndpoints.MaxUploadBytes + (1024 * 1024), // a backstop: the copy below stops first
        };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var (validated, parts, length) = (false, 0, 0L);
        string? fileName = null;
        string? path = null;
        var kept = false;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (++parts > MaxParts
                    || !ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFormDisposition() && !disposition.IsFileDisposition()
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    return Refused(StatusCodes.Status400BadRequest, Unreadable);
                }

                if (string.Equals(name, tokenField, StringComparison.Ordinal))
                {
                    if (validated || await ReadFieldAsync(section.Body, cancellationToken).ConfigureAwait(false) is not { } token)
                    {
                        return Refused(StatusCodes.Status400BadRequest, Expired);
                    }

                    // The token store reads a header before the form: given the field's value there, the check never
                    // reads (and buffers) the body. The value replaces any header the client sent.
                    context.Request.Headers[tokenHeader] = token;
                    await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
                    validated = true;
                    continue;
                }

                if (!validated)
                {
                    return Refused(StatusCodes.Status400BadRequest, Expired);
                }

                if (disposition.IsFileDisposition())
                {
                    if (name != "file" || path is not null)
                    {
                        return Refused(StatusCodes.Status400BadRequest, Unreadable);
                    }

                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? string.Empty;
                    if (fileName.Length == 0)
                    {
                        continue; // no file chosen: the form's check says so
                    }

                    if (TableFormats.FromPath(fileName) is null)
                    {
                        return Refused(StatusCodes.Status400BadRequest, "file: the file must be a .csv or an .xlsx file.");
                    }

                    await using var spooled = jobs.CreatePrivateFile(System.IO.Path.GetExtension(fileName).ToLowerInvariant());
                    path = spooled.Name;
                    length = await CopyBoundedAsync(section.Body, spooled, cancellationToken).ConfigureAwait(false);
                    if (length > ImportEndpoints.MaxUploadBytes)
                    {
                        return Refused(StatusCodes.Status413PayloadTooLarge, TooLarge);
                    }

                    continue;
                }

                if (fields.ContainsKey(name) || await ReadFieldAsync(section.Body, cancellationToken).ConfigureAwait(false) is not { } value)
                {
                    return Refused(StatusCodes.Status400BadRequest, Unreadable);
                }

                fields[name] = value;
            }

            if (!validated)
            {
                return Refused(StatusCodes.Status400BadRequest, Expired);
            }

            kept = true;
            return (new ImportUpload(fields, fileName, length, path), StatusCodes.Status200OK, null);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Refused(StatusCodes.Status413PayloadTooLarge, TooLarge); // the request limit (Kestrel's), met before the file's
        }
        catch (InvalidDataException)
        {
            return Refused(StatusCodes.Status400BadRequest, Unreadable); // malformed multipart, or its header limits
        }
        catch (AntiforgeryValidationException)
        {
            return Refused(StatusCodes.Status400BadRequest, Expired);
        }
        finally
        {
            if (!kept && path is not null)
            {
                File.Delete(path);
            }
        }
    }

    private static (ImportUpload? Upload, int Status, string? Problem) Refused(int status, string problem) => (null, status, problem);

    /// <summary>A field's value as UTF-8 text; null when it is longer than <see cref="MaxFieldBytes"/>.</summary>
    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        return read > MaxFieldBytes ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>Copies the file part; stops once it has passed <see cref="ImportEndpoints.MaxUploadBytes"/> (the result is then larger than it).</summary>
    private static async Task<long> CopyBoundedAsync(Stream body, Stream target, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += n;
            if (total > ImportEndpoints.MaxUploadBytes)
            {
                return total;
            }

            await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }

        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }
}
