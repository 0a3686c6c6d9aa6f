using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Guard.Tests.Shared;

namespace Guard.Runtime.Tests.EndToEnd;

/// <summary>
/// A process of the end-to-end tests (guard, or a test target): its standard output and error kept line by line as they
/// come, every wait bounded, and the process tree killed on dispose whatever happened.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = new();
    private readonly List<string> _stderr = new();
    private readonly object _lock = new();

    private CliProcess(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment.Remove("DOTNET_DiagnosticPorts");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_lock) { _stdout.Add(e.Data); Monitor.PulseAll(_lock); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_lock) { _stderr.Add(e.Data); Monitor.PulseAll(_lock); } };
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> StandardOutput { get { lock (_lock) return _stdout.ToList(); } }
    public IReadOnlyList<string> StandardError { get { lock (_lock) return _stderr.ToList(); } }
    public string Transcript => "stdout:\n" + string.Join("\n", StandardOutput) + "\nstderr:\n" + string.Join("\n", StandardError);

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>guard, from the build of this configuration, run by the same dotnet that runs the tests.</summary>
    public static CliProcess Guard(params string[] arguments) => new(Dotnet, new[] { TestBinaries.Guard }.Concat(arguments));

    /// <summary>A test target running a scenario; returns once it has said it is ready.</summary>
    public static CliProcess Target(params string[] arguments) => Target(null, arguments);

    /// <summary>A test target with extra environment variables (DOTNET_gcServer=1, for instance).</summary>
    public static CliProcess Target(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var target = new CliProcess(Dotnet, new[] { TestBinaries.Targets }.Concat(arguments), environment);
        if (!target.WaitForOutput(line => line.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(30)))
        {
            var transcript = target.Transcript;
            target.Dispose();
            throw new InvalidOperationException("the test target did not start:\n" + transcript);
        }
        return target;
    }

    public bool WaitForOutput(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while (true)
            {
                if (_stdout.Any(match))
                    return true;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    return false;
                if (_process.HasExited)
                {
                    // Lines still in flight after the exit.
                    Monitor.Wait(_lock, 500);
                    return _stdout.Any(match);
                }
                Monitor.Wait(_lock, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>Waits for the exit; a process that overruns is killed and the test fails with its transcript.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            Kill();
            throw new TimeoutException($"process did not exit within {timeout.TotalSeconds} s\n" + Transcript);
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager or a CI job being cancelled sends it.</summary>
    public void Terminate()
    {
        if (!OperatingSystem.IsWindows())
            _ = kill(_process.Id, 15);
        else
            Kill();
    }

    /// <summary>SIGKILL: the process dies at once, mid-write.</summary>
    public void KillNow() => Kill();

    /// <summary>Ctrl+C, as a terminal would send it.</summary>
    public void Interrupt()
    {
        if (!OperatingSystem.IsWindows())
            _ = kill(_process.Id, 2);
        else
            Kill();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception) { }
    }

    public void Dispose()
    {
        Kill();
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}

/// <summary>Where the build of this configuration put guard and the test targets.</summary>
internal static class TestBinaries
{
    // bin/<Configuration>/<tfm>/ of the test assembly.
    private static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Guard => Existing(RepositoryPaths.Combine("runtime", "Guard.Cli", "bin", Configuration, "net8.0", "guard.dll"));
    public static string Targets => Existing(RepositoryPaths.Combine("tests", "Guard.TestTargets", "bin", Configuration, "net10.0", "Guard.TestTargets.dll"));

    private static string Existing(string path) => File.Exists(path) ? path : throw new FileNotFoundException("build the solution first: " + path);
}
