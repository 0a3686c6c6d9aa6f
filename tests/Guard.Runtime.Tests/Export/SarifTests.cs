using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Guard.Cli.Export;
using Guard.Runtime.Detection;
using Guard.Runtime.Tests.EndToEnd;
using Guard.Tests.Shared;
using Json.Schema;

namespace Guard.Runtime.Tests.Export;

/// <summary>
/// The SARIF 2.1.0 schema (draft-07), read from GUARD_SARIF_SCHEMA or ~/.cache/guard/sarif-schema-2.1.0.json. It is not
/// vendored: its licence (OASIS IPR policy) is not the repository's. docs/runtime.md says where to get it.
/// </summary>
internal static class SarifSchema
{
    public static string? Path
    {
        get
        {
            var candidates = new[]
            {
                Environment.GetEnvironmentVariable("GUARD_SARIF_SCHEMA"),
                System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "guard", "sarif-schema-2.1.0.json"),
            };
            return candidates.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        }
    }

    public const string Missing = "the SARIF 2.1.0 schema is not at $GUARD_SARIF_SCHEMA or ~/.cache/guard/sarif-schema-2.1.0.json: "
        + "curl -o ~/.cache/guard/sarif-schema-2.1.0.json https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json (see docs/runtime.md, SARIF)";

    // Built once: the library registers a schema by its $id, and refuses the same id twice.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(Path!));

    /// <summary>Validates a log against the schema; the failures, or an empty string.</summary>
    public static string Validate(string sarifPath)
    {
        var schema = Schema.Value;
        using var document = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
            return "";
        return string.Join("\n", (result.Details ?? new System.Collections.Generic.List<EvaluationResults>())
            .Where(d => d.Errors is { Count: > 0 })
            .Take(20)
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));
    }

    /// <summary>What any consumer needs, checked whether or not the schema is at hand.</summary>
    public static JsonElement[] Structure(string sarifPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var root = document.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal("guard", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToArray();
        var results = run.GetProperty("results").EnumerateArray().Select(r => r.Clone()).ToArray();
        foreach (var result in results)
        {
            Assert.Contains(result.GetProperty("ruleId").GetString(), rules);
            Assert.Equal(result.GetProperty("ruleId").GetString(), rules[result.GetProperty("ruleIndex").GetInt32()]);
            Assert.Contains(result.GetProperty("level").GetString(), new[] { "warning", "error" });
            Assert.False(string.IsNullOrEmpty(result.GetProperty("message").GetProperty("text").GetString()));
            Assert.Equal(JsonValueKind.Object, result.GetProperty("properties").GetProperty("evidence").ValueKind);
            Assert.NotEmpty(result.GetProperty("locations").EnumerateArray());
        }
        return results;
    }
}

public sealed class RequiresSarifSchemaFactAttribute : FactAttribute
{
    public RequiresSarifSchemaFactAttribute()
    {
        if (SarifSchema.Path is null)
            Skip = SarifSchema.Missing;
    }
}

public class SarifTests
{
    private static Finding Finding(string kind, Severity severity, bool resolved = false, Evidence[]? culprits = null) => new()
    {
        Kind = kind,
        Severity = severity,
        Resolved = resolved,
        Pid = 4242,
        Process = "TradingBot",
        Time = new DateTime(2026, 11, 22, 5, 0, 12, DateTimeKind.Utc),
        Since = new DateTime(2026, 11, 22, 4, 59, 40, DateTimeKind.Utc),
        Message = "managed heap after gen2 GCs grew 38 MB/min over 6 collections",
        Evidence = new Evidence().Add("growthMBPerMin", 38.1).Add("gen2Collections", 6).Add("heapAfterGen2MB", new[] { 120.0, 131, 139 }),
        Culprits = culprits ?? Array.Empty<Evidence>(),
        Advice = "Bound the cache.",
    };

    private static string WriteLog(string folder)
    {
        var path = Path.Combine(folder, "guard.sarif");
        using (var sink = SarifSink.Create(path, repositoryRoot: folder))
        {
            sink.Report(Finding(FindingKinds.MemoryLeak, Severity.Warning, culprits: new[]
            {
                new Evidence().Add("type", "Bot.OrderBookSnapshot").Add("countDelta", 48000L).Add("file", Path.Combine(folder, "src", "Bot", "OrderBook.cs")).Add("line", 42),
            }));
            sink.Report(Finding(FindingKinds.ThreadPoolStarvation, Severity.Critical));
            sink.Report(Finding(FindingKinds.ThreadPoolStarvation, Severity.Critical, resolved: true));
            sink.Report(Finding(FindingKinds.GcPressure, Severity.Warning, culprits: new[] { new Evidence().Add("type", "System.Byte[]").Add("share", 0.8) }));
        }
        return path;
    }

    [Fact]
    public void One_result_per_finding_with_rule_ids_evidence_and_a_repository_relative_location()
    {
        var folder = RepositoryPaths.NewTempFolder("guard-sarif");
        try
        {
            var results = SarifSchema.Structure(WriteLog(folder));

            Assert.Equal(new[] { "GRT003", "GRT001", "GRT002" }, results.Select(r => r.GetProperty("ruleId").GetString()));
            Assert.Equal("error", results[1].GetProperty("level").GetString());
            Assert.True(results[1].GetProperty("properties").TryGetProperty("resolvedTime", out _));
            Assert.Equal(38.1, results[0].GetProperty("properties").GetProperty("evidence").GetProperty("growthMBPerMin").GetDouble());
            var artifact = results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.Equal("src/Bot/OrderBook.cs", artifact.GetProperty("uri").GetString());
            Assert.Equal("SRCROOT", artifact.GetProperty("uriBaseId").GetString());
            Assert.Equal(42, results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [RequiresSarifSchemaFact]
    public void The_log_is_valid_against_the_SARIF_2_1_0_schema()
    {
        var folder = RepositoryPaths.NewTempFolder("guard-sarif");
        try
        {
            var path = WriteLog(folder);
            Assert.Equal("", SarifSchema.Validate(path));
            // An empty log (nothing found) is valid too.
            var empty = Path.Combine(folder, "empty.sarif");
            SarifSink.Create(empty).Dispose();
            Assert.Equal("", SarifSchema.Validate(empty));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_schema_check_catches_an_invalid_log()
    {
        if (SarifSchema.Path is null)
            return; // the positive test above says why it is skipped
        var folder = RepositoryPaths.NewTempFolder("guard-sarif");
        try
        {
            var bad = Path.Combine(folder, "bad.sarif");
            File.WriteAllText(bad, "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{}},\"results\":[{\"level\":\"loud\"}]}]}");
            Assert.NotEqual("", SarifSchema.Validate(bad));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

[Collection(EndToEndCollection.Name)]
public class SarifEndToEndTests
{
    [Fact]
    public void Attach_with_sarif_writes_the_finding_as_a_valid_result()
    {
        var folder = RepositoryPaths.NewTempFolder("guard-sarif");
        try
        {
            var path = Path.Combine(folder, "runtime.sarif");
            using var target = CliProcess.Target("starve", "--delay", "2", "--duration", "60");
            using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "30", "--sarif", path);
            var found = guard.WaitForOutput(line => line.Contains("\"kind\":\"threadpool-starvation\"", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
            guard.Interrupt();
            Assert.Equal(1, guard.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.True(found, guard.Transcript);

            var results = SarifSchema.Structure(path);
            Assert.Contains(results, r => r.GetProperty("ruleId").GetString() == "GRT001" && r.GetProperty("properties").GetProperty("pid").GetInt32() == target.Id);
            if (SarifSchema.Path is not null)
                Assert.Equal("", SarifSchema.Validate(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
