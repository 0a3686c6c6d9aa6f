using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Guard.TestTargets;

/// <summary>
/// The scenarios of the HTTP, timer, memory-limit and exception detectors: a process that is rate-limited by a local
/// server and retries at once, one whose connection pool is too small for a slow endpoint, a timer leak, a fill toward
/// the GC heap hard limit (run it under DOTNET_GCHeapHardLimit), an exception storm, and a busy healthy process that
/// does all of it in moderation. The server is in-process and listens on 127.0.0.1 only.
/// </summary>
internal static class ServiceScenarios
{
    private static readonly List<object> Retained = new();
    private static volatile int s_sink;

    public static readonly string[] Names = { "throttled", "pool", "timer-leak", "memlimit", "exceptions", "healthy-busy" };

    /// <summary>What runs during --delay, before the onset: a trickle of exceptions gives the storm a baseline to be far above.</summary>
    public static IDisposable? Baseline(string scenario)
    {
        if (scenario != "exceptions")
            return null;
        return new Timer(_ => Throw("System.Collections.Generic.KeyNotFoundException", 1), null, 0, 500);
    }

    /// <summary>Runs the scenario if it is one of these; --rate means timers/s, MB/s or exceptions/s, by scenario.</summary>
    public static bool TryRun(string scenario, string[] args, Stopwatch clock, TimeSpan duration)
    {
        switch (scenario)
        {
            case "throttled": Throttled(clock, duration); return true;
            case "pool": Pool(clock, duration); return true;
            case "timer-leak": TimerLeak(clock, duration, Setting(args, "--rate", 50)); return true;
            case "memlimit": FillTowardLimit(clock, duration, Setting(args, "--rate", 4)); return true;
            case "exceptions": Exceptions(clock, duration, Setting(args, "--rate", 500)); return true;
            case "healthy-busy": HealthyBusy(clock, duration, Setting(args, "--cache", 32)); return true;
            default: return false;
        }
    }

    private static double Setting(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    // A client that retries a 429 at once, ignoring its Retry-After: the retry storm.
    private static void Throttled(Stopwatch clock, TimeSpan duration)
    {
        using var server = new LocalServer();
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        while (clock.Elapsed < duration)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                using var response = Send(client, "/api/v3/order");
                if (response?.StatusCode != (HttpStatusCode)429)
                    break;
            }
            Thread.Sleep(50);
        }
    }

    // Sixteen callers share a client limited to two connections per server, against an endpoint that takes 400 ms.
    private static void Pool(Stopwatch clock, TimeSpan duration)
    {
        using var server = new LocalServer();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        var callers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                try
                {
                    using var response = await client.GetAsync("/api/v3/slow").ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }
        })).ToArray();
        Task.WaitAll(callers);
    }

    // A callback that schedules a new timer each time it runs and never disposes the old ones: `rate` timers a second.
    private static void TimerLeak(Stopwatch clock, TimeSpan duration, double rate)
    {
        var leaked = new List<Timer>();
        var perTick = Math.Max(1, (int)Math.Round(rate / 10));
        using var scheduler = new Timer(_ =>
        {
            lock (leaked)
            {
                for (var i = 0; i < perTick; i++)
                    leaked.Add(new Timer(_ => s_sink++, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan));
            }
        }, null, 0, 100);
        while (clock.Elapsed < duration)
            Thread.Sleep(100);
        GC.KeepAlive(leaked);
    }

    // Keeps `rate` MB a second until the heap is full (OutOfMemoryException under a hard limit), then holds what it has.
    private static void FillTowardLimit(Stopwatch clock, TimeSpan duration, double rate)
    {
        const int chunk = 64 * 1024;
        var perTick = Math.Max(1, (int)(rate * 1024 * 1024 / chunk / 10));
        var full = false;
        while (clock.Elapsed < duration)
        {
            if (!full)
            {
                try
                {
                    for (var i = 0; i < perTick; i++)
                        Retained.Add(new byte[chunk]);
                }
                catch (OutOfMemoryException)
                {
                    full = true;
                    Console.WriteLine("limit reached");
                }
            }
            Thread.Sleep(100);
        }
    }

    // `rate` a second of failed calls to a dependency that is down (default 500/s), caught and swallowed.
    private static void Exceptions(Stopwatch clock, TimeSpan duration, double rate)
    {
        var perTick = Math.Max(1, (int)(rate / 20));
        while (clock.Elapsed < duration)
        {
            Throw("System.Net.Http.HttpRequestException", perTick);
            Thread.Sleep(50);
        }
    }

    private static void Throw(string type, int count)
    {
        for (var i = 0; i < count; i++)
        {
            try
            {
                if (type == "System.Net.Http.HttpRequestException")
                    throw new HttpRequestException("Connection refused (127.0.0.1:9)");
                throw new KeyNotFoundException("The given key 'BTCUSDT' was not present in the dictionary.");
            }
            catch (Exception e)
            {
                s_sink += e.Message.Length;
            }
        }
    }

    // Busy and healthy: steady HTTP traffic that the pool keeps up with, timers created and disposed, a few exceptions,
    // and a cache held at a steady size (with `--cache MB`, size it near the hard limit the process runs under).
    private static void HealthyBusy(Stopwatch clock, TimeSpan duration, double cacheMB)
    {
        using var server = new LocalServer();
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        const int chunk = 16 * 1024;
        var cache = new byte[(int)(cacheMB * 1024 * 1024 / chunk)][];
        for (var i = 0; i < cache.Length; i++)
            cache[i] = new byte[chunk];
        var random = new Random(11);

        var callers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var n = 0;
            while (clock.Elapsed < duration)
            {
                // A request timeout per call (a timer), disposed with the call.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    using var response = await client.GetAsync(n++ % 5 == 0 ? "/api/v3/depth" : "/api/v3/ticker", timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(40 + worker * 5).ConfigureAwait(false);
            }
        })).ToArray();

        var tick = 0;
        while (clock.Elapsed < duration)
        {
            // Timers created and disposed; the cache replaces entries, never grows; the odd exception.
            using (new Timer(_ => s_sink++, null, 1000, Timeout.Infinite))
            {
                lock (cache)
                    cache[random.Next(cache.Length)] = new byte[chunk];
            }
            if (++tick % 50 == 0)
                Throw("System.Collections.Generic.KeyNotFoundException", 1);
            Thread.Sleep(10);
        }
        Task.WaitAll(callers);
        GC.KeepAlive(cache);
    }

    private static HttpResponseMessage? Send(HttpClient client, string path)
    {
        try
        {
            return client.GetAsync(path).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 (keep-alive, GET only): /api/v3/order answers 429 with Retry-After: 2,
    /// /api/v3/slow answers after 400 ms, everything else 200 at once.
    /// </summary>
    private sealed class LocalServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public LocalServer()
        {
            _listener.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _ = Task.Run(AcceptAsync);
        }

        public Uri Address { get; }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient connection;
                try
                {
                    connection = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(connection));
            }
        }

        private async Task ServeAsync(TcpClient connection)
        {
            using var _ = connection;
            var stream = connection.GetStream();
            var buffer = new byte[8192];
            var pending = new StringBuilder();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                    if (read == 0)
                        return;
                    pending.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    int end;
                    while ((end = pending.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                    {
                        var head = pending.ToString(0, end);
                        pending.Remove(0, end + 4);
                        var path = head.Split(' ', 3).ElementAtOrDefault(1) ?? "/";
                        string response;
                        if (path.StartsWith("/api/v3/order", StringComparison.Ordinal))
                            response = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n";
                        else
                        {
                            if (path.StartsWith("/api/v3/slow", StringComparison.Ordinal))
                                await Task.Delay(400, _stop.Token).ConfigureAwait(false);
                            response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
                        }
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.IO.IOException or SocketException or ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
