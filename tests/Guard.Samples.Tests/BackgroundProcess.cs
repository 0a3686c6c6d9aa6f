using System;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace Guard.Samples.Tests;

/// <summary>A process that runs beside the test (the sample exchange); its output is collected, and it is killed on dispose.</summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public BackgroundProcess(string fileName, string arguments, string workingDirectory, params (string Key, string Value)[] environment)
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
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The first match of the pattern in the output, waiting for it at most the timeout; fails the test otherwise.</summary>
    public Match WaitFor(Regex pattern, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_output)
            {
                var match = pattern.Match(_output.ToString());
                if (match.Success)
                    return match;
                if (_process.HasExited || deadline.Elapsed > timeout)
                    Assert.Fail($"'{pattern}' did not appear in the output of {_process.StartInfo.FileName} {_process.StartInfo.Arguments}:\n{_output}");
                Monitor.Wait(_output, TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.AppendLine(line);
            Monitor.PulseAll(_output);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
