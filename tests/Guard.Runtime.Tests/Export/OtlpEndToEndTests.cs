using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Guard.Runtime.Tests.EndToEnd;

namespace Guard.Runtime.Tests.Export;

/// <summary>
/// `--otlp`: a tiny OTLP/HTTP receiver (an HttpListener on 127.0.0.1) gets guard's metrics at /v1/metrics and the
/// finding as a log record at /v1/logs, protobuf-encoded; then it goes away, and guard warns and watches on.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class OtlpEndToEndTests
{
    private sealed record Request(string Path, string? ContentType, byte[] Body);

    /// <summary>Accepts every POST with 200 and keeps it, until disposed (then the port refuses connections).</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<Request> _requests = new();
        private readonly Task _loop;

        public Receiver(int port)
        {
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _loop = Task.Run(Loop);
        }

        private async Task Loop()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_requests)
                    _requests.Add(new Request(context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public IReadOnlyList<Request> Requests { get { lock (_requests) return _requests.ToList(); } }

        public bool WaitFor(Func<Request, bool> match, TimeSpan timeout)
        {
            for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; Thread.Sleep(100))
            {
                if (Requests.Any(match))
                    return true;
            }
            return Requests.Any(match);
        }

        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private static bool Has(byte[] body, string text) => Encoding.UTF8.GetString(body).Contains(text, StringComparison.Ordinal);

    [Fact]
    public void Metrics_and_the_finding_reach_an_OTLP_receiver_and_a_receiver_that_goes_away_is_a_warning()
    {
        var port = ExternalTools.FreePort();
        var receiver = new Receiver(port);
        try
        {
            using var target = CliProcess.Target("starve", "--delay", "2", "--duration", "60");
            using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "40", "--otlp", $"http://127.0.0.1:{port}");

            // Logs are batched for a second, metrics exported every 5 s: both within seconds of the finding.
            var logged = receiver.WaitFor(r => r.Path == "/v1/logs" && Has(r.Body, "threadpool-starvation"), TimeSpan.FromSeconds(40));
            // An export after the finding (it may come seconds after the first export: it waits for its stack burst).
            var measured = receiver.WaitFor(r => r.Path == "/v1/metrics" && Has(r.Body, "guard.detector.state") && Has(r.Body, "guard.threadpool_queue_length")
                && Has(r.Body, "guard.findings"), TimeSpan.FromSeconds(20));
            var requests = receiver.Requests;
            Assert.True(logged, "no finding at /v1/logs\n" + guard.Transcript);
            Assert.True(measured, "no metrics at /v1/metrics\n" + guard.Transcript);
            Assert.All(requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
            Assert.Contains(requests, r => r.Path == "/v1/metrics" && Has(r.Body, "guard.findings"));

            // The collector goes away: the next metric export fails, guard says so once and goes on.
            receiver.Dispose();
            var warned = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline && !warned; Thread.Sleep(200))
                warned = guard.StandardError.Any(l => l.Contains("did not take", StringComparison.Ordinal));
            Assert.True(warned, guard.Transcript);
            Assert.True(Guard.Runtime.Session.TargetProcesses.Exists(guard.Id), "guard stopped with the collector\n" + guard.Transcript);
            guard.Interrupt();
            Assert.Equal(1, guard.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Contains(guard.StandardError, l => l.StartsWith("guard: watched process", StringComparison.Ordinal));
        }
        finally
        {
            receiver.Dispose();
        }
    }

    [Fact]
    public void A_collector_that_refuses_at_start_is_one_line_and_exit_code_2_before_attaching()
    {
        using var target = CliProcess.Target("healthy", "--duration", "30");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--otlp", $"http://127.0.0.1:{ExternalTools.FreePort()}", "--duration", "5");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exit == 2, guard.Transcript);
        Assert.Contains("connection refused", Assert.Single(guard.StandardError));
    }
}
