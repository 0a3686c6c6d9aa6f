using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.NETCore.Client;

namespace Guard.Runtime.Session;

/// <summary>An attachable .NET process.</summary>
public sealed record DotnetProcess(int Pid, string Name, string RuntimeVersion, string CommandLine);

/// <summary>Finds attachable processes and describes them by name, runtime version and command line.</summary>
public static class TargetProcesses
{
    /// <summary>Processes that publish a diagnostics channel Guard can see, except Guard itself.</summary>
    public static IReadOnlyList<DotnetProcess> List()
    {
        var self = Environment.ProcessId;
        var result = new List<DotnetProcess>();
        foreach (var pid in PublishedProcesses())
        {
            if (pid == self || !Exists(pid))
                continue;
            var commandLine = CommandLine(pid);
            result.Add(new DotnetProcess(pid, Name(pid, commandLine), RuntimeVersion(pid), commandLine));
        }
        return result;
    }

    public static bool Exists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (Win32Exception)
        {
            // It exists but cannot be inspected (another user's process on some systems).
            return true;
        }
    }

    /// <summary>True when the process publishes a diagnostics channel in the temp folder Guard sees.</summary>
    public static bool IsPublished(int pid) => PublishedProcesses().Contains(pid);

    /// <summary>
    /// Process ids with a diagnostics channel. On Unix the sockets in the temp folder are read directly: the client
    /// library's own listing gives up on the first process whose environment it may not read.
    /// </summary>
    public static IReadOnlyList<int> PublishedProcesses()
    {
        var pids = new SortedSet<int>();
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            try
            {
                foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), "dotnet-diagnostic-*-socket"))
                {
                    // dotnet-diagnostic-{pid}-{disambiguation key}-socket
                    var parts = Path.GetFileName(file).Split('-');
                    if (parts.Length >= 4 && int.TryParse(parts[2], out var pid))
                        pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        try
        {
            pids.UnionWith(DiagnosticsClient.GetPublishedProcesses());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Win32Exception)
        {
        }
        return pids.ToList();
    }

    /// <summary>The application's name: the assembly run by `dotnet app.dll`, otherwise the executable's name.</summary>
    public static string Name(int pid, string? commandLine = null)
    {
        commandLine ??= CommandLine(pid);
        var arguments = SplitCommandLine(commandLine);
        if (arguments.Count > 1 && IsDotnetHost(arguments[0]))
        {
            var app = arguments.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || a.EndsWith(".exe", StringComparison.OrdinalIgnoreCase));
            if (app != null)
                return Path.GetFileNameWithoutExtension(app);
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.ProcessName;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            return arguments.Count > 0 ? Path.GetFileName(arguments[0]) : "?";
        }
    }

    private static bool IsDotnetHost(string path)
    {
        var file = Path.GetFileNameWithoutExtension(path);
        return string.Equals(file, "dotnet", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The command line, from /proc on Linux, the main module elsewhere; empty when it cannot be read.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                var raw = File.ReadAllText($"/proc/{pid}/cmdline");
                return string.Join(" ", raw.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(Quote));
            }
            using var process = Process.GetProcessById(pid);
            return process.MainModule?.FileName ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return "";
        }
    }

    /// <summary>
    /// The setting that turned the target's diagnostics channel off (DOTNET_EnableDiagnostics=0, its COMPlus_ spelling,
    /// or the .NET 8 DOTNET_EnableDiagnostics_IPC=0), read from the environment the process started with; null when
    /// none is set or the environment cannot be read (another user's process, not Linux).
    /// </summary>
    public static string? DiagnosticsDisabledBy(int pid)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            return null;
        try
        {
            foreach (var entry in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = entry.IndexOf('=');
                if (equals <= 0 || entry.Substring(equals + 1).Trim() != "0")
                    continue;
                var name = entry.Substring(0, equals);
                if (name is "DOTNET_EnableDiagnostics" or "COMPlus_EnableDiagnostics" or "DOTNET_EnableDiagnostics_IPC")
                    return name + "=0";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static string Quote(string argument) => argument.Contains(' ') ? "\"" + argument + "\"" : argument;

    private static List<string> SplitCommandLine(string commandLine)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in commandLine)
        {
            if (c == '"')
                quoted = !quoted;
            else if (c == ' ' && !quoted)
            {
                if (current.Length > 0)
                    parts.Add(current.ToString());
                current.Clear();
            }
            else
                current.Append(c);
        }
        if (current.Length > 0)
            parts.Add(current.ToString());
        return parts;
    }

    /// <summary>
    /// The runtime version, read from the CoreLib beside the runtime library the process has loaded; "?" when the
    /// process's modules cannot be read (another user's process).
    /// </summary>
    public static string RuntimeVersion(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            foreach (ProcessModule module in process.Modules)
            {
                var file = Path.GetFileName(module.FileName);
                if (file is not ("libcoreclr.so" or "coreclr.dll" or "libcoreclr.dylib"))
                    continue;
                var folder = Path.GetDirectoryName(module.FileName) ?? "";
                // A shared framework folder is named after its version (10.0.12), the name users know it by.
                var folderName = Path.GetFileName(folder);
                if (folderName.Length > 0 && char.IsDigit(folderName[0]) && folderName.Contains('.'))
                    return folderName;
                // A self-contained application: the runtime's own product version.
                var coreLib = Path.Combine(folder, "System.Private.CoreLib.dll");
                var version = File.Exists(coreLib) ? FileVersionInfo.GetVersionInfo(coreLib).ProductVersion : null;
                return string.IsNullOrEmpty(version) ? "?" : version.Split('+')[0];
            }
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
        }
        return "?";
    }
}
