using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Guard.Runtime;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;

namespace Guard.Cli.Export;

/// <summary>
/// --sarif: the findings as a SARIF 2.1.0 log, one result per finding (a resolved record marks the result it ends),
/// rule ids GRT001.. for the runtime kinds, the evidence and culprits in the result's properties, and a source
/// location, relative to the repository, where a culprit names a file and line. The file is written when guard starts
/// (so an unwritable path is known before attaching), rewritten whole after each finding (a crash leaves a valid log)
/// and at the end.
/// </summary>
internal sealed class SarifSink : IWatchSink
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
    private const string RepositoryUrl = "https://github.com/guard-dotnet/guard";

    /// <summary>The runtime rules: id, kind, one-line description.</summary>
    public static readonly IReadOnlyList<(string Id, string Kind, string Description)> Rules = new[]
    {
        ("GRT001", FindingKinds.ThreadPoolStarvation, "The thread pool is starved: queued work waits for threads that are blocked."),
        ("GRT002", FindingKinds.GcPressure, "The process spends too much time paused for garbage collection."),
        ("GRT003", FindingKinds.MemoryLeak, "The live heap after full collections keeps growing."),
        ("GRT004", FindingKinds.RateLimited, "A server answers 429/503 and the client retries too soon."),
        ("GRT005", FindingKinds.ConnectionPoolSaturation, "Requests queue for a pooled HTTP connection."),
        ("GRT006", FindingKinds.TimerLeak, "Scheduled timers keep growing."),
        ("GRT007", FindingKinds.MemoryLimit, "The heap is heading for the process's memory limit."),
        ("GRT008", FindingKinds.ExceptionStorm, "Exceptions are thrown far above the process's baseline."),
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly string _path;
    private readonly string? _repositoryRoot;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly List<Entry> _results = new();
    private readonly object _lock = new();

    private sealed class Entry
    {
        public required Finding Finding { get; init; }
        public DateTime? ResolvedTime { get; set; }
    }

    private SarifSink(string path, string? repositoryRoot)
    {
        _path = path;
        _repositoryRoot = repositoryRoot;
    }

    public static SarifSink Create(string path, string? repositoryRoot = null)
    {
        var sink = new SarifSink(path, repositoryRoot ?? FindRepositoryRoot(Directory.GetCurrentDirectory()));
        try
        {
            sink.Write(final: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ExportException($"cannot write the SARIF file {path}: {GuardCommandLine.OneLine(e.Message)}", e);
        }
        return sink;
    }

    public void Attached(int pid, string process) { }

    public void Sample(int pid, string process, MetricsSample sample) { }

    public void Detached(int pid, string process) { }

    public void Report(Finding finding)
    {
        lock (_lock)
        {
            if (finding.Resolved)
            {
                var open = _results.LastOrDefault(r => r.Finding.Kind == finding.Kind && r.Finding.Pid == finding.Pid && r.ResolvedTime is null);
                if (open is null)
                    return;
                // Every result of that condition ends with it (a warning that became critical is two results).
                foreach (var result in _results.Where(r => r.Finding.Kind == finding.Kind && r.Finding.Pid == finding.Pid && r.ResolvedTime is null))
                    result.ResolvedTime = finding.Time;
            }
            else
                _results.Add(new Entry { Finding = finding });
            Write(final: false);
        }
    }

    public void Dispose()
    {
        lock (_lock)
            Write(final: true);
    }

    private void Write(bool final)
    {
        var json = Serialize(final);
        // Whole or not at all: a reader (or a crash) never sees half a log.
        var temporary = _path + ".tmp";
        File.WriteAllBytes(temporary, json);
        File.Move(temporary, _path, overwrite: true);
    }

    internal byte[] Serialize(bool final)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("$schema", SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "guard");
            w.WriteString("semanticVersion", GuardInfo.Version);
            w.WriteString("version", GuardInfo.Version);
            w.WriteString("informationUri", RepositoryUrl);
            w.WriteStartArray("rules");
            foreach (var (id, kind, description) in Rules)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("name", kind);
                w.WriteStartObject("shortDescription");
                w.WriteString("text", description);
                w.WriteEndObject();
                w.WriteString("helpUri", $"{RepositoryUrl}/blob/main/docs/runtime.md#{kind}");
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", "warning");
                w.WriteEndObject();
                w.WriteStartObject("properties");
                w.WriteStartArray("tags");
                w.WriteStringValue("runtime");
                w.WriteStringValue("reliability");
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            if (_repositoryRoot is not null)
            {
                w.WriteStartObject("originalUriBaseIds");
                w.WriteStartObject("SRCROOT");
                w.WriteString("uri", new Uri(_repositoryRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).AbsoluteUri);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", true);
            w.WriteString("startTimeUtc", FindingJson.Timestamp(_started));
            if (final)
                w.WriteString("endTimeUtc", FindingJson.Timestamp(DateTime.UtcNow));
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartArray("results");
            foreach (var entry in _results)
                WriteResult(w, entry);
            w.WriteEndArray();

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private void WriteResult(Utf8JsonWriter w, Entry entry)
    {
        var finding = entry.Finding;
        var ruleIndex = -1;
        for (var i = 0; i < Rules.Count; i++)
        {
            if (Rules[i].Kind == finding.Kind)
                ruleIndex = i;
        }
        w.WriteStartObject();
        w.WriteString("ruleId", ruleIndex >= 0 ? Rules[ruleIndex].Id : "GRT000");
        if (ruleIndex >= 0)
            w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("kind", "fail");
        w.WriteString("level", finding.Severity == Severity.Critical ? "error" : "warning");
        w.WriteStartObject("message");
        w.WriteString("text", $"{finding.Message} (in {finding.Process}, pid {finding.Pid})");
        w.WriteEndObject();

        w.WriteStartArray("locations");
        var sources = SourceLocations(finding).Take(5).ToList();
        if (sources.Count == 0)
        {
            // No source for a runtime condition: the process is the place.
            w.WriteStartObject();
            WriteProcessLocation(w, finding);
            w.WriteEndObject();
        }
        foreach (var (file, line) in sources)
        {
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            var relative = Relative(file);
            if (relative is not null)
            {
                w.WriteString("uri", relative);
                w.WriteString("uriBaseId", "SRCROOT");
            }
            else
                w.WriteString("uri", new Uri(Path.GetFullPath(file)).AbsoluteUri);
            w.WriteEndObject();
            if (line > 0)
            {
                w.WriteStartObject("region");
                w.WriteNumber("startLine", line);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            WriteProcessLocation(w, finding);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("partialFingerprints");
        w.WriteString("guardKind/v1", $"{finding.Kind}:{finding.Process}");
        w.WriteEndObject();

        w.WriteStartObject("properties");
        w.WriteString("kind", finding.Kind);
        w.WriteString("severity", FindingJson.SeverityName(finding.Severity));
        w.WriteNumber("pid", finding.Pid);
        w.WriteString("process", finding.Process);
        w.WriteString("time", FindingJson.Timestamp(finding.Time));
        w.WriteString("since", FindingJson.Timestamp(finding.Since));
        if (entry.ResolvedTime is { } resolved)
            w.WriteString("resolvedTime", FindingJson.Timestamp(resolved));
        // The evidence and culprits exactly as --format json writes them.
        using (var document = JsonDocument.Parse(FindingJson.Serialize(finding)))
        {
            foreach (var name in new[] { "evidence", "culprits" })
            {
                if (document.RootElement.TryGetProperty(name, out var value))
                {
                    w.WritePropertyName(name);
                    value.WriteTo(w);
                }
            }
        }
        w.WriteString("advice", finding.Advice);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteProcessLocation(Utf8JsonWriter w, Finding finding)
    {
        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("name", finding.Process);
        w.WriteString("fullyQualifiedName", $"{finding.Process} (pid {finding.Pid.ToString(CultureInfo.InvariantCulture)})");
        w.WriteString("kind", "module");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    /// <summary>File and line of culprits that carry them (a frame or field with its PDB location).</summary>
    private static IEnumerable<(string File, int Line)> SourceLocations(Finding finding)
    {
        var seen = new HashSet<(string, int)>();
        foreach (var culprit in finding.Culprits)
        {
            if ((culprit["file"] ?? culprit["sourceFile"]) is not string file || file.Length == 0)
                continue;
            var line = (culprit["line"] ?? culprit["sourceLine"]) switch
            {
                int i => i,
                long l => (int)l,
                double d => (int)d,
                _ => 0,
            };
            if (seen.Add((file, line)))
                yield return (file, line);
        }
    }

    private string? Relative(string file)
    {
        if (_repositoryRoot is null || !Path.IsPathRooted(file))
            return Path.IsPathRooted(file) ? null : file.Replace('\\', '/');
        var relative = Path.GetRelativePath(_repositoryRoot, file);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative.Replace('\\', '/');
    }

    /// <summary>The folder above <paramref name="start"/> that holds .git, where SARIF locations are made relative to.</summary>
    internal static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, ".git")) || File.Exists(Path.Combine(directory.FullName, ".git")))
                return directory.FullName;
        }
        return null;
    }
}
