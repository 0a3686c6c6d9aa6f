using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Tests.EndToEnd;

/// <summary>
/// guard against test targets that produce the incidents of the HTTP, timer, memory-limit and exception detectors:
/// a local server on 127.0.0.1 that answers 429 with Retry-After, a client with two connections per server against a
/// slow endpoint, a timer leak, a fill under DOTNET_GCHeapHardLimit, an exception storm. Assertions are on the kind of
/// finding and what it names, never on timings; every wait is bounded and every process is killed on dispose. Where a
/// default threshold waits for minutes of history (timers, exceptions), the test shortens it with -t, as a user can.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ServiceEndToEndTests
{
    private static bool IsFinding(string line, string kind) =>
        line.StartsWith("{", StringComparison.Ordinal) && line.Contains($"\"kind\":\"{kind}\"", StringComparison.Ordinal);

    /// <summary>Attaches with JSON output, waits for a finding of the kind, stops guard with Ctrl+C, and returns the finding.</summary>
    private static JsonElement AttachAndExpect(string kind, TimeSpan within, IReadOnlyDictionary<string, string>? environment, string[] thresholds, params string[] scenario)
    {
        using var target = CliProcess.Target(environment, scenario);
        var arguments = new List<string> { "attach", target.Id.ToString(), "--format", "json", "--duration", ((int)within.TotalSeconds).ToString() };
        foreach (var threshold in thresholds)
            arguments.AddRange(new[] { "-t", threshold });
        using var guard = CliProcess.Guard(arguments.ToArray());
        var found = guard.WaitForOutput(line => IsFinding(line, kind), within + TimeSpan.FromSeconds(10));
        guard.Interrupt();
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(found, $"no {kind} finding\n" + guard.Transcript);
        Assert.Equal(1, exit);
        var finding = JsonDocument.Parse(guard.StandardOutput.First(line => IsFinding(line, kind))).RootElement.Clone();
        Assert.Equal(target.Id, finding.GetProperty("pid").GetInt32());
        Assert.Equal(JsonValueKind.Object, finding.GetProperty("evidence").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(finding.GetProperty("advice").GetString()));
        Assert.True(finding.GetProperty("since").GetDateTime() <= finding.GetProperty("time").GetDateTime());
        return finding;
    }

    [Fact]
    public void Attach_reports_a_429_retry_storm_with_host_and_endpoint()
    {
        var finding = AttachAndExpect(FindingKinds.RateLimited, TimeSpan.FromSeconds(20), null, Array.Empty<string>(), "throttled", "--delay", "2", "--duration", "60");

        Assert.Equal("critical", finding.GetProperty("severity").GetString());
        var culprit = finding.GetProperty("culprits")[0];
        Assert.StartsWith("127.0.0.1:", culprit.GetProperty("host").GetString());
        Assert.Equal("/api/v3/order", culprit.GetProperty("endpoint").GetString());
        Assert.True(finding.GetProperty("evidence").GetProperty("earlyRequests").GetInt32() >= 5);
        Assert.Contains("GRD001", finding.GetProperty("advice").GetString());
        Assert.Contains("GRD003", finding.GetProperty("advice").GetString());
    }

    [Fact]
    public void Attach_reports_a_saturated_connection_pool_with_host_and_endpoint()
    {
        var finding = AttachAndExpect(FindingKinds.ConnectionPoolSaturation, TimeSpan.FromSeconds(25), null, Array.Empty<string>(), "pool", "--delay", "2", "--duration", "60");

        var evidence = finding.GetProperty("evidence");
        Assert.True(evidence.GetProperty("medianWaitMs").GetDouble() >= 100);
        Assert.Equal("1.1", evidence.GetProperty("httpVersion").GetString());
        var culprit = finding.GetProperty("culprits")[0];
        Assert.StartsWith("127.0.0.1:", culprit.GetProperty("host").GetString());
        Assert.Equal("/api/v3/slow", culprit.GetProperty("endpoint").GetString());
    }

    [Fact]
    public void Attach_reports_a_timer_leak_with_its_growth_rate()
    {
        var finding = AttachAndExpect(FindingKinds.TimerLeak, TimeSpan.FromSeconds(30), null, new[] { "timer.min-span=10", "timer.growth=200" },
            "timer-leak", "--delay", "2", "--rate", "50", "--duration", "60");

        Assert.InRange(finding.GetProperty("culprits")[0].GetProperty("timerGrowthPerMinute").GetDouble(), 600, 6000);
    }

    [Fact]
    public void Attach_reports_a_heap_filling_toward_its_hard_limit_with_the_time_left()
    {
        var hardLimit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x6400000" }; // 100 MiB
        var finding = AttachAndExpect(FindingKinds.MemoryLimit, TimeSpan.FromSeconds(60), hardLimit, new[] { "memlimit.percent=40" },
            "memlimit", "--delay", "2", "--rate", "2", "--duration", "90");

        var evidence = finding.GetProperty("evidence");
        Assert.Equal(100, evidence.GetProperty("limitMB").GetDouble());
        Assert.Equal("GCHeapHardLimit", evidence.GetProperty("limitSource").GetString());
        Assert.True(evidence.GetProperty("secondsLeft").GetDouble() < 120, finding.ToString());
    }

    [Fact]
    public void Attach_reports_an_exception_storm_with_type_and_message()
    {
        var finding = AttachAndExpect(FindingKinds.ExceptionStorm, TimeSpan.FromSeconds(40), null, new[] { "exception.baseline-min=8" },
            "exceptions", "--delay", "12", "--duration", "60");

        var culprit = finding.GetProperty("culprits")[0];
        Assert.Equal("System.Net.Http.HttpRequestException", culprit.GetProperty("type").GetString());
        Assert.Equal("Connection refused (127.0.0.1:9)", culprit.GetProperty("message").GetString());
        Assert.True(finding.GetProperty("evidence").GetProperty("baselinePerSecond").GetDouble() < 10);
    }

    [Fact]
    public void A_busy_healthy_process_near_its_hard_limit_gives_no_finding()
    {
        // Steady HTTP traffic the pool keeps up with, timers created and disposed, a few exceptions, and a 120 MB cache at
        // a steady size under a 200 MiB hard limit. The 10-minute run of the same scenario is in docs/benchmarks.md.
        var hardLimit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0xC800000" };
        using var target = CliProcess.Target(hardLimit, "healthy-busy", "--cache", "120", "--duration", "60");
        using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "15");
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, guard.Transcript);
        Assert.Empty(guard.StandardOutput);
        Assert.Contains(guard.StandardError, line => line.Contains("nothing found", StringComparison.Ordinal));
    }
}
