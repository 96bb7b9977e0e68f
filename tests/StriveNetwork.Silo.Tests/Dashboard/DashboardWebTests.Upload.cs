using System.Net;
using System.Net.Http.Headers;
using System.Text;
using StriveNetwork.Dashboard.Import;

namespace StriveNetwork.Silo.Tests.Dashboard;

/// <summary>
/// The import page's upload over HTTP: streamed into the owner-only spool while it arrives, never into ASP.NET's temp
/// folder (the silo's ASPNETCORE_TEMP stays empty); bounded (over 64 MiB is 413 naming the limit, too many parts 400);
/// the antiforgery token still required.
/// </summary>
public sealed partial class DashboardWebTests
{
    private const long KiB = 1024;

    [Fact]
    public async Task Upload_OverSixtyFourKilobytes_IsSpooledWhileItArrives_AndNeverTouchesAspNetTemp()
    {
        using var browser = await SignedInAdminAsync();
        var token = await browser.AntiforgeryTokenAsync("/import");
        var spooledMidway = false;
        IReadOnlyList<string> tempMidway = ["not looked"];

        // Half the file sent, the rest held back: the spool already holds part of it (form binding would have buffered
        // it all in ASP.NET's temp folder first, and the spool would hold nothing yet).
        async Task Midway()
        {
            spooledMidway = await EventuallyAsync(() => SpoolFiles().Any(f => f.Length >= 128 * KiB));
            tempMidway = Directory.EnumerateFileSystemEntries(silo.AspNetTemp).ToList();
        }

        using var content = new StreamedForm([("__RequestVerificationToken", token)], 512 * KiB, Fields(), Midway, midwayAt: 256 * KiB);
        using var response = await browser.PostAsync("/import/jobs", content);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Matches("^/import/[A-Za-z0-9_-]{22}$", response.Headers.Location?.OriginalString ?? "");
        Assert.True(spooledMidway, "the spool holds the upload's first half before the rest is sent");
        Assert.Empty(tempMidway);
        Assert.Empty(Directory.EnumerateFileSystemEntries(silo.AspNetTemp));
    }

    [Fact]
    public async Task Upload_OverTheLimit_Is413NamingIt_AndLeavesNothing()
    {
        using var browser = await SignedInAdminAsync();
        var token = await browser.AntiforgeryTokenAsync("/import");

        using var content = new StreamedForm([("__RequestVerificationToken", token)], ImportEndpoints.MaxUploadBytes + 1, Fields());
        using var response = await browser.PostAsync("/import/jobs", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 64 MiB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(SpoolFiles(), f => f.Length >= 1024 * KiB);
        Assert.Empty(Directory.EnumerateFileSystemEntries(silo.AspNetTemp));
    }

    [Fact]
    public async Task Upload_WithoutAntiforgeryToken_Is400_AndSpoolsNothing()
    {
        using var browser = await SignedInAdminAsync();
        const long size = (200 * KiB) + 7;

        using var content = new StreamedForm([], size, Fields());
        using var response = await browser.PostAsync("/import/jobs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form has expired: reload the page and try again.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(SpoolFiles(), f => f.Length == size);
    }

    [Fact]
    public async Task Upload_WithTooManyParts_Is400()
    {
        using var browser = await SignedInAdminAsync();
        var token = await browser.AntiforgeryTokenAsync("/import");
        var many = Enumerable.Range(0, 20).Select(i => ("extra" + i, "x")).Prepend(("__RequestVerificationToken", token)).ToList();

        using var content = new StreamedForm(many, 1 * KiB, Fields());
        using var response = await browser.PostAsync("/import/jobs", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form could not be read", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static IReadOnlyList<(string Name, string Value)> Fields() =>
        [("partnership", DashboardSilo.Town), ("kind", "observations"), ("indicator", "upload-reading"), ("layout", "long")];

    private async Task<Browser> SignedInAdminAsync()
    {
        var browser = silo.NewBrowser();
        using var signedIn = await browser.SignInAsync(silo.Admin);
        Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
        return browser;
    }

    // The silo creates the spool with the import service, when that is first used: there may be none yet.
    private List<FileInfo> SpoolFiles() => Directory.Exists(silo.ImportSpool) ? [.. new DirectoryInfo(silo.ImportSpool).EnumerateFiles()] : [];

    /// <summary>Polls <paramref name="condition"/> for at most 30 seconds.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>
    /// A multipart import form written as a browser sends it (token first, then the file, then the fields), chunked,
    /// the file generated on the fly; <c>midway</c> runs once <c>midwayAt</c> bytes of the file are sent and flushed.
    /// </summary>
    private sealed class StreamedForm : HttpContent
    {
        private const string Boundary = "strive-upload-test-7f3a9c";
        private readonly IReadOnlyList<(string Name, string Value)> _before;
        private readonly long _fileBytes;
        private readonly IReadOnlyList<(string Name, string Value)> _after;
        private readonly Func<Task>? _midway;
        private readonly long _midwayAt;

        public StreamedForm(IReadOnlyList<(string Name, string Value)> before, long fileBytes, IReadOnlyList<(string Name, string Value)> after, Func<Task>? midway = null, long midwayAt = 0)
        {
            (_before, _fileBytes, _after, _midway, _midwayAt) = (before, fileBytes, after, midway, midwayAt);
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            foreach (var (name, value) in _before)
            {
                await WriteAsync(stream, $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
            }

            await WriteAsync(stream, $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.csv\"\r\nContent-Type: text/csv\r\n\r\n");
            var row = "2024,All,All students,10,20\n"u8.ToArray();
            var chunk = Enumerable.Repeat(row, (int)(64 * KiB) / row.Length).SelectMany(r => r).ToArray();
            var (sent, paused) = (0L, false);
            while (sent < _fileBytes)
            {
                var n = (int)Math.Min(chunk.Length, _fileBytes - sent);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                sent += n;
                if (!paused && _midway is not null && sent >= _midwayAt)
                {
                    paused = true;
                    await stream.FlushAsync();
                    await _midway();
                }
            }

            await WriteAsync(stream, "\r\n");
            foreach (var (name, value) in _after)
            {
                await WriteAsync(stream, $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
            }

            await WriteAsync(stream, $"--{Boundary}--\r\n");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }

        private static Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();
    }
}
