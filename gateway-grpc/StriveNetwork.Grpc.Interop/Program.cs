using Microsoft.Extensions.Hosting;
using StriveNetwork.Grpc.Interop;

InteropHostOptions options;
try
{
    options = InteropHostOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}

var app = InteropHost.Build(options);
try
{
    await app.StartAsync().ConfigureAwait(false);
    Console.Out.WriteLine($"interop server listening on 127.0.0.1:{InteropHost.BoundPort(app)}");
    Console.Out.Flush();

    if (options.ExitOnStdinEof)
    {
        _ = Task.Run(async () =>
        {
            var buffer = new char[256];
            while (await Console.In.ReadAsync(buffer.AsMemory()).ConfigureAwait(false) > 0)
            {
            }

            await app.StopAsync().ConfigureAwait(false);
        });
    }

    await app.WaitForShutdownAsync().ConfigureAwait(false);
}
finally
{
    await app.DisposeAsync().ConfigureAwait(false);
}

return 0;
