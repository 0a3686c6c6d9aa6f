using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Guard.Runtime.Tests.EndToEnd;
using Guard.Tests.Shared;

namespace Guard.Runtime.Tests.Export;

/// <summary>
/// `--report`: the page guard writes, opened in a real headless Chromium (Debian's package) with its script run: the
/// five plots are drawn as SVG paths, a marker stands at the finding, and the finding is listed. Skipped, with the
/// reason, where chromium is not installed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class HtmlReportEndToEndTests
{
    private const string Install = "install it (apt-get install -y chromium) to run this test; see docs/runtime.md, HTML report";

    [RequiresProgramFact("chromium", Install, "chromium-browser")]
    public void The_report_of_a_starving_target_renders_its_plots_and_the_finding_in_a_browser()
    {
        var folder = RepositoryPaths.NewTempFolder("guard-report");
        try
        {
            var report = Path.Combine(folder, "report.html");
            using (var target = CliProcess.Target("starve", "--delay", "3", "--duration", "60"))
            using (var guard = CliProcess.Guard("attach", target.Id.ToString(), "--format", "json", "--duration", "30", "--report", report))
            {
                var found = guard.WaitForOutput(line => line.Contains("\"kind\":\"threadpool-starvation\"", StringComparison.Ordinal), TimeSpan.FromSeconds(40));
                // A few more seconds of samples after the finding, so the marker sits inside the plotted span.
                System.Threading.Thread.Sleep(2000);
                guard.Interrupt();
                Assert.Equal(1, guard.WaitForExit(TimeSpan.FromSeconds(30)));
                Assert.True(found, guard.Transcript);
            }

            var html = File.ReadAllText(report);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

            var chromium = ExternalTools.Find("chromium", "chromium-browser")!;
            var profile = Path.Combine(folder, "profile");
            var run = ProcessRunner.Run(chromium,
                $"--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=\"{profile}\" --virtual-time-budget=5000 --dump-dom \"file://{report}\"",
                folder, TimeSpan.FromSeconds(90));
            var dom = run.Output;
            Assert.False(run.TimedOut, "chromium did not finish\n" + dom);
            Assert.Contains("data-rendered=\"true\"", dom, StringComparison.Ordinal);

            var series = Regex.Matches(dom, "<svg[^>]*data-series=\"(?<key>[a-z]+)\"[^>]*>(?<body>.*?)</svg>", RegexOptions.Singleline)
                .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["body"].Value);
            Assert.Equal(new[] { "allocation", "heap", "paused", "queue", "threads" }, series.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var key in new[] { "paused", "allocation", "queue", "threads" })
            {
                var points = Regex.Match(series[key], "<path class=\"series\" d=\"M[^\"]+\" data-points=\"(?<n>\\d+)\"");
                Assert.True(points.Success && int.Parse(points.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, $"{key}: no line\n{series[key]}");
            }
            Assert.All(series.Values, body => Assert.Matches("<line class=\"marker (warning|critical)\"[^>]*data-kind=\"threadpool-starvation\"", body));
            Assert.Matches("<tr class=\"finding (warning|critical)\">.*threadpool-starvation", dom);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
