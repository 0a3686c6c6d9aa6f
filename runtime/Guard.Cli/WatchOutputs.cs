using System;
using System.IO;
using Guard.Cli.Export;

namespace Guard.Cli;

/// <summary>
/// Where a watch writes: the finding reporter (standard output or --output, with the status line) and the exporters
/// (Prometheus, OTLP, SARIF, HTML report). Opened before any session, the same way by attach, run and watch, so an
/// unwritable path or a port in use is one line and exit code 2 before anything is attached or started.
/// </summary>
internal sealed class WatchOutputs : IDisposable
{
    private WatchOutputs(FindingReporter reporter, WatchSinks sinks)
    {
        Reporter = reporter;
        Sinks = sinks;
    }

    public FindingReporter Reporter { get; }

    public WatchSinks Sinks { get; }

    /// <summary>Opens the outputs; null, with the exit code of the one-line failure already written, when one cannot be opened.</summary>
    public static WatchOutputs? Open(string verb, WatchSettings settings, ExportSettings? export, out int failure, bool? statusLine = null)
    {
        failure = GuardCommandLine.ExitClean;
        FindingReporter reporter;
        try
        {
            reporter = new FindingReporter(settings, statusLine: statusLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = GuardCommandLine.Fail(verb, $"cannot write {settings.OutputPath}: {GuardCommandLine.OneLine(e.Message)}");
            return null;
        }

        var sinks = WatchSinks.Create(export ?? ExportSettings.None, reporter.Info, out var exportError);
        if (sinks is null)
        {
            reporter.Dispose();
            failure = GuardCommandLine.Fail(verb, exportError!);
            return null;
        }
        return new WatchOutputs(reporter, sinks);
    }

    public void Dispose()
    {
        // The reporter first, then the exporters (which may still say where they wrote, on standard error).
        Reporter.Dispose();
        Sinks.Dispose();
    }
}
