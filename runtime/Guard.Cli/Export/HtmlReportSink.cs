using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using Guard.Runtime;
using Guard.Runtime.Detection;
using Guard.Runtime.Output;

namespace Guard.Cli.Export;

/// <summary>
/// --report: one self-contained HTML page (inline CSS, data and script; nothing fetched at view time) with, for each
/// watched process, plots over the session of the heap after each GC, % time paused, allocation rate, thread-pool queue
/// and threads, a marker at each finding, then the findings themselves (written as HTML, readable without script).
/// Written when guard starts (an unwritable path is known before attaching), after each finding, and at the end.
/// </summary>
internal sealed class HtmlReportSink : IWatchSink
{
    // Beyond this many points a series is thinned (every other point dropped), so a day-long watch stays a page.
    private const int MaxPoints = 20_000;
    private readonly string _path;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly Dictionary<int, ProcessSeries> _processes = new();
    private readonly List<Finding> _findings = new();
    private readonly object _lock = new();

    private sealed class ProcessSeries
    {
        public required string Name { get; set; }
        public List<double[]> Heap { get; } = new();      // [ms since start, MB, generation]
        public List<double[]> Paused { get; } = new();    // [ms, %]
        public List<double[]> Allocation { get; } = new(); // [ms, MB/s]
        public List<double[]> Queue { get; } = new();     // [ms, items]
        public List<double[]> Threads { get; } = new();   // [ms, threads]
    }

    private HtmlReportSink(string path) => _path = path;

    public static HtmlReportSink Create(string path)
    {
        var sink = new HtmlReportSink(path);
        try
        {
            sink.Write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ExportException($"cannot write the report {path}: {GuardCommandLine.OneLine(e.Message)}", e);
        }
        return sink;
    }

    private double Ms(DateTime time) => Math.Round((time.ToUniversalTime() - _started).TotalMilliseconds);

    public void Attached(int pid, string process)
    {
        lock (_lock)
        {
            if (!_processes.ContainsKey(pid))
                _processes[pid] = new ProcessSeries { Name = process };
        }
    }

    public void Detached(int pid, string process) { }

    public void Sample(int pid, string process, MetricsSample sample)
    {
        lock (_lock)
        {
            if (!_processes.TryGetValue(pid, out var series))
                _processes[pid] = series = new ProcessSeries { Name = process };
            var t = Ms(sample.Time);
            foreach (var collection in sample.Collections)
                Add(series.Heap, new[] { Ms(collection.Time), Math.Round(collection.Bytes / 1_048_576.0, 2), collection.Generation });
            Add(series.Paused, t, sample.Get(WatchMetrics.GcPaused));
            Add(series.Allocation, t, sample.Get(WatchMetrics.AllocationRate) / 1_048_576.0);
            Add(series.Queue, t, sample.Get(WatchMetrics.QueueLength));
            Add(series.Threads, t, sample.Get(WatchMetrics.ThreadCount));
        }
    }

    private static void Add(List<double[]> series, double t, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            Add(series, new[] { t, Math.Round(v, 2) });
    }

    private static void Add(List<double[]> series, double[] point)
    {
        series.Add(point);
        if (series.Count > MaxPoints)
        {
            for (var i = series.Count - 2; i > 0; i -= 2)
                series.RemoveAt(i);
        }
    }

    public void Report(Finding finding)
    {
        lock (_lock)
        {
            _findings.Add(finding);
            if (!_processes.ContainsKey(finding.Pid))
                _processes[finding.Pid] = new ProcessSeries { Name = finding.Process };
            Write();
        }
    }

    public void Dispose()
    {
        lock (_lock)
            Write();
    }

    private void Write()
    {
        var temporary = _path + ".tmp";
        File.WriteAllText(temporary, Render(), new UTF8Encoding(false));
        File.Move(temporary, _path, overwrite: true);
    }

    private static string H(string text) => WebUtility.HtmlEncode(text);

    internal string Render()
    {
        var now = DateTime.UtcNow;
        var data = new
        {
            started = FindingJson.Timestamp(_started),
            durationMs = Ms(now),
            processes = _processes.OrderBy(p => p.Key).Select(p => new
            {
                pid = p.Key,
                name = p.Value.Name,
                heap = p.Value.Heap,
                paused = p.Value.Paused,
                allocation = p.Value.Allocation,
                queue = p.Value.Queue,
                threads = p.Value.Threads,
                findings = _findings.Where(f => f.Pid == p.Key).Select(f => new
                {
                    t = Ms(f.Time),
                    since = Ms(f.Since),
                    kind = f.Kind,
                    severity = FindingJson.SeverityName(f.Severity),
                    resolved = f.Resolved,
                    message = f.Message,
                }),
            }),
        };
        // The default encoder escapes <, > and &: the JSON cannot close the script element it sits in.
        var json = JsonSerializer.Serialize(data);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
        html.Append($"<title>guard report: {H(string.Join(", ", _processes.Values.Select(p => p.Name).Distinct()))}</title>\n");
        html.Append(Style);
        html.Append("</head>\n<body>\n");
        var open = _findings.Count(f => !f.Resolved);
        html.Append($"<h1>guard report</h1>\n<p class=\"meta\">guard {H(GuardInfo.Version)}, session from {H(FindingJson.Timestamp(_started))} to {H(FindingJson.Timestamp(now))} "
            + $"({(now - _started).TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s), {_processes.Count} process{(_processes.Count == 1 ? "" : "es")}, "
            + $"<strong>{open} finding{(open == 1 ? "" : "s")}</strong>.</p>\n");
        html.Append("<div id=\"plots\"><noscript>The plots need JavaScript; the findings are below.</noscript></div>\n");
        html.Append("<h2>Findings</h2>\n");
        if (_findings.Count == 0)
            html.Append("<p id=\"no-findings\">Nothing found.</p>\n");
        else
        {
            html.Append("<table id=\"findings\">\n<thead><tr><th>time (UTC)</th><th>process</th><th>kind</th><th>severity</th><th>what</th></tr></thead>\n<tbody>\n");
            foreach (var f in _findings)
            {
                var severity = f.Resolved ? "resolved" : FindingJson.SeverityName(f.Severity);
                html.Append($"<tr class=\"finding {severity}\"><td>{H(FindingJson.Timestamp(f.Time))}<br><span class=\"since\">since {H(FindingJson.Timestamp(f.Since))}</span></td>"
                    + $"<td>{H(f.Process)} ({f.Pid.ToString(CultureInfo.InvariantCulture)})</td><td>{H(f.Kind)}</td><td>{H(severity)}</td>"
                    + $"<td><p>{H(f.Message)}</p>");
                if (!f.Resolved)
                {
                    // The text block after its heading and message: evidence, culprits, advice.
                    var details = FindingText.Block(f).Replace("\r", "").Split('\n').Skip(2).Select(l => l.Length >= 2 ? l.Substring(2) : l);
                    html.Append($"<pre>{H(string.Join("\n", details).TrimEnd())}</pre>");
                }
                html.Append("</td></tr>\n");
            }
            html.Append("</tbody>\n</table>\n");
        }
        html.Append("<script type=\"application/json\" id=\"guard-data\">").Append(json).Append("</script>\n");
        html.Append(Script);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private const string Style = """
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { margin: 0 0 4px; } h2 { margin-top: 28px; } h3 { margin: 24px 0 4px; }
.meta { color: #555; }
.chart { display: block; margin: 6px 0 2px; }
.chart .axis { stroke: #999; stroke-width: 1; }
.chart .grid { stroke: #eee; stroke-width: 1; }
.chart text { font-size: 11px; fill: #555; }
.chart .series { fill: none; stroke: #2166ac; stroke-width: 1.5; }
.chart .dot { fill: #2166ac; } .chart .dot.gen2 { fill: #b2182b; }
.chart .marker.warning { stroke: #e08214; } .chart .marker.critical { stroke: #b2182b; } .chart .marker.resolved { stroke: #1a9850; stroke-dasharray: 4 3; }
.chart .marker { stroke-width: 2; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 6px; text-align: left; vertical-align: top; }
tr.critical td:nth-child(4) { color: #b2182b; font-weight: bold; } tr.warning td:nth-child(4) { color: #e08214; font-weight: bold; } tr.resolved td:nth-child(4) { color: #1a9850; }
td p { margin: 0 0 4px; } pre { margin: 0; white-space: pre-wrap; font-size: 12px; color: #444; }
.since { color: #777; font-size: 12px; }
</style>

""";

    // Draws one SVG per series and process from the embedded data: a line (dots for the heap, gen2 in red), its
    // range, time ticks, and a vertical marker at each finding (warning orange, critical red, resolved green, dashed).
    private const string Script = """
<script>
(function () {
  var data = JSON.parse(document.getElementById('guard-data').textContent);
  var ns = 'http://www.w3.org/2000/svg';
  var W = 900, H = 150, L = 60, R = 10, T = 10, B = 22;
  function el(name, attrs, parent) {
    var e = document.createElementNS(ns, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }
  function clock(ms) { var d = new Date(Date.parse(data.started) + ms); return d.toISOString().substr(11, 8); }
  function chart(parent, title, unit, points, findings, key, dots) {
    var box = document.createElement('div');
    box.className = 'plot';
    var h = document.createElement('div');
    h.textContent = title + ' (' + unit + ')';
    box.appendChild(h);
    var svg = el('svg', { 'class': 'chart', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'data-series': key }, box);
    var end = Math.max(data.durationMs, 1000);
    var max = 0;
    points.forEach(function (p) { if (p[1] > max) max = p[1]; });
    max = max > 0 ? max * 1.1 : 1;
    function x(t) { return L + (W - L - R) * Math.max(0, Math.min(1, t / end)); }
    function y(v) { return T + (H - T - B) * (1 - v / max); }
    for (var i = 0; i <= 4; i++) {
      var gy = T + (H - T - B) * i / 4;
      el('line', { 'class': 'grid', x1: L, x2: W - R, y1: gy, y2: gy }, svg);
      el('text', { x: L - 4, y: gy + 4, 'text-anchor': 'end' }, svg).textContent = fmt(max * (1 - i / 4));
    }
    el('line', { 'class': 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B }, svg);
    el('line', { 'class': 'axis', x1: L, x2: L, y1: T, y2: H - B }, svg);
    for (var j = 0; j <= 5; j++) {
      var tt = end * j / 5;
      el('text', { x: x(tt), y: H - 6, 'text-anchor': j === 0 ? 'start' : j === 5 ? 'end' : 'middle' }, svg).textContent = clock(tt);
    }
    if (points.length > 0) {
      var d = points.map(function (p, n) { return (n === 0 ? 'M' : 'L') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1); }).join(' ');
      el('path', { 'class': 'series', d: d, 'data-points': points.length }, svg);
      if (dots) points.forEach(function (p) { el('circle', { 'class': 'dot' + (p[2] === 2 ? ' gen2' : ''), cx: x(p[0]).toFixed(1), cy: y(p[1]).toFixed(1), r: 2 }, svg); });
    } else {
      el('text', { 'class': 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' }, svg).textContent = 'no data';
    }
    findings.forEach(function (f) {
      var cls = 'marker ' + (f.resolved ? 'resolved' : f.severity);
      var m = el('line', { 'class': cls, x1: x(f.t), x2: x(f.t), y1: T, y2: H - B, 'data-kind': f.kind }, svg);
      el('title', {}, m).textContent = clock(f.t) + ' ' + (f.resolved ? 'resolved ' : f.severity + ' ') + f.kind + ': ' + f.message;
    });
    parent.appendChild(box);
  }
  var root = document.getElementById('plots');
  data.processes.forEach(function (p) {
    var h = document.createElement('h3');
    h.textContent = p.name + ' (pid ' + p.pid + ')';
    root.appendChild(h);
    chart(root, 'Heap after each GC (gen2 in red)', 'MB', p.heap, p.findings, 'heap', true);
    chart(root, 'Time paused for GC, last 5 s', '%', p.paused, p.findings, 'paused', false);
    chart(root, 'Allocation rate', 'MB/s', p.allocation, p.findings, 'allocation', false);
    chart(root, 'Thread-pool queue', 'work items', p.queue, p.findings, 'queue', false);
    chart(root, 'Thread-pool threads', 'threads', p.threads, p.findings, 'threads', false);
  });
  document.body.setAttribute('data-rendered', 'true');
})();
</script>

""";
}
