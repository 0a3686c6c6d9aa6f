using System;
using System.Linq;
using System.Text.Json;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;

namespace Guard.Runtime.Tests.Session;

public class FindingJsonTests
{
    private static Finding Sample(bool culprits) => new()
    {
        Kind = FindingKinds.MemoryLeak,
        Severity = Severity.Critical,
        Pid = 4242,
        Process = "TradingBot",
        Time = new DateTime(2026, 11, 22, 5, 0, 12, 345, DateTimeKind.Utc),
        Since = new DateTime(2026, 11, 22, 4, 59, 40, DateTimeKind.Utc),
        Message = "live heap grew 38 MB/min",
        Evidence = new Evidence().Add("growthMBPerMin", 38.1).Add("gen2Collections", 6).Add("heapAfterGen2MB", new[] { 120d, 131d })
            .Add("notFinite", double.NaN).Add("nested", new[] { new Evidence().Add("type", "List<Bot.Order>") }),
        Culprits = culprits ? new[] { new Evidence().Add("type", "Bot.OrderBookSnapshot").Add("share", 0.5) } : Array.Empty<Evidence>(),
        Advice = "look",
    };

    [Fact]
    public void One_line_with_the_contract_fields_in_order()
    {
        var line = FindingJson.Serialize(Sample(culprits: true));
        Assert.DoesNotContain('\n', line);
        using var document = JsonDocument.Parse(line);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "kind", "severity", "pid", "process", "time", "since", "message", "evidence", "culprits", "advice" }, names);

        var root = document.RootElement;
        Assert.Equal("memory-leak", root.GetProperty("kind").GetString());
        Assert.Equal("critical", root.GetProperty("severity").GetString());
        Assert.Equal(4242, root.GetProperty("pid").GetInt32());
        Assert.Equal("2026-11-22T05:00:12.345Z", root.GetProperty("time").GetString());
        Assert.Equal("2026-11-22T04:59:40.000Z", root.GetProperty("since").GetString());
        var evidence = root.GetProperty("evidence");
        Assert.Equal(38.1, evidence.GetProperty("growthMBPerMin").GetDouble());
        Assert.Equal(6, evidence.GetProperty("gen2Collections").GetInt32());
        Assert.Equal(131, evidence.GetProperty("heapAfterGen2MB")[1].GetDouble());
        Assert.Equal(JsonValueKind.Null, evidence.GetProperty("notFinite").ValueKind);
        Assert.Equal("List<Bot.Order>", evidence.GetProperty("nested")[0].GetProperty("type").GetString());
        Assert.Contains("List<Bot.Order>", line);
        Assert.Equal("Bot.OrderBookSnapshot", root.GetProperty("culprits")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void Culprits_are_left_out_when_there_are_none()
    {
        using var document = JsonDocument.Parse(FindingJson.Serialize(Sample(culprits: false)));
        Assert.False(document.RootElement.TryGetProperty("culprits", out _));
        Assert.Equal("warning", FindingJson.SeverityName(Severity.Warning));
    }

    [Fact]
    public void A_resolved_record_says_so_after_the_severity_with_the_same_kind_and_pid()
    {
        var line = FindingJson.Serialize(Sample(culprits: false) with { Resolved = true, Advice = "" });
        using var document = JsonDocument.Parse(line);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "kind", "severity", "resolved", "pid", "process", "time", "since", "message", "evidence", "advice" }, names);
        Assert.True(document.RootElement.GetProperty("resolved").GetBoolean());
        Assert.Equal("memory-leak", document.RootElement.GetProperty("kind").GetString());
        Assert.Equal(4242, document.RootElement.GetProperty("pid").GetInt32());

        // An open finding has no resolved field at all.
        Assert.DoesNotContain("resolved", FindingJson.Serialize(Sample(culprits: false)));
    }
}
