using System;
using System.Diagnostics;
using System.Text;
using System.Threading;

namespace Guard.Tests.Shared;

public sealed record ProcessResult(int ExitCode, string Output, bool TimedOut);

/// <summary>Runs a command to completion with a bound on the wait; a process that overruns is killed with its tree.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, string arguments, string workingDirectory, TimeSpan timeout, params (string Key, string Value)[] environment)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // A test's own MSBuild must not hand work to, or inherit, the outer build's nodes.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit(5000);
            lock (output) return new ProcessResult(-1, output.ToString(), TimedOut: true);
        }
        process.WaitForExit();
        lock (output) return new ProcessResult(process.ExitCode, output.ToString(), TimedOut: false);
    }
}
