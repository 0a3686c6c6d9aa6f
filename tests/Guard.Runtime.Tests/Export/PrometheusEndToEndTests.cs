using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using Guard.Runtime.Tests.EndToEnd;
using Guard.Tests.Shared;

namespace Guard.Runtime.Tests.Export;

/// <summary>
/// `--prometheus`: a real Prometheus server (Debian's package) scrapes guard while a target starves its thread pool,
/// and its HTTP API returns the finding. Skipped, with the reason, where the prometheus binary is not installed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class PrometheusEndToEndTests
{
    private const string Install = "install it (apt-get install -y prometheus) to run this test; see docs/runtime.md, Prometheus";

    [RequiresProgramFact("prometheus", Install)]
    public void Prometheus_scrapes_the_finding_and_the_signals_while_a_target_starves()
    {
        var work = RepositoryPaths.NewTempFolder("guard-prometheus");
        try
        {
            var guardPort = ExternalTools.FreePort();
            var prometheusPort = ExternalTools.FreePort();
            using var target = CliProcess.Target("starve", "--delay", "4", "--duration", "90");
            using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "60", "--prometheus", $"127.0.0.1:{guardPort}");

            var config = Path.Combine(work, "prometheus.yml");
            File.WriteAllText(config, $"global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: guard\n    static_configs:\n      - targets: ['127.0.0.1:{guardPort}']\n");
            using var prometheus = new ExternalProcess(ExternalTools.Find("prometheus")!, "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(work, "data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var api = $"http://127.0.0.1:{prometheusPort}/api/v1/query?query=";
            JsonElement[] Query(string promql)
            {
                try
                {
                    using var document = JsonDocument.Parse(http.GetStringAsync(api + Uri.EscapeDataString(promql)).GetAwaiter().GetResult());
                    return document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => r.Clone()).ToArray();
                }
                catch (Exception e) when (e is HttpRequestException or System.Threading.Tasks.TaskCanceledException or JsonException or IOException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException)
                {
                    return Array.Empty<JsonElement>();
                }
            }

            // Bounded: the starvation comes ~2 s after the onset, Prometheus scrapes every second.
            JsonElement[] findings = Array.Empty<JsonElement>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !prometheus.HasExited)
            {
                findings = Query($"guard_findings_total{{kind=\"threadpool-starvation\",pid=\"{target.Id}\"}}");
                if (findings.Length > 0)
                    break;
                Thread.Sleep(500);
            }
            var state = Query($"max(guard_detector_state{{kind=\"threadpool-starvation\",pid=\"{target.Id}\"}})");
            var queue = Query($"guard_threadpool_queue_length{{pid=\"{target.Id}\"}}");
            var paused = Query("guard_gc_paused_percent");
            guard.Interrupt();
            guard.WaitForExit(TimeSpan.FromSeconds(30));

            var context = $"guard:\n{guard.Transcript}\nprometheus:\n{prometheus.Output}";
            var finding = Assert.Single(findings, f => f.GetProperty("metric").GetProperty("severity").GetString() == "warning");
            Assert.Equal("Guard.TestTargets", finding.GetProperty("metric").GetProperty("process").GetString());
            Assert.True(double.Parse(finding.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 1, context);
            Assert.True(state.Length == 1 && state[0].GetProperty("value")[1].GetString() is "1" or "2", "detector state\n" + context);
            Assert.True(queue.Length == 1, "queue length gauge\n" + context);
            Assert.NotEmpty(paused);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
