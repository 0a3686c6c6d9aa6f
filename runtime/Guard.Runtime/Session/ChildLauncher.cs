using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Diagnostics.NETCore.Client;

namespace Guard.Runtime.Session;

/// <summary>
/// A command started by Guard whose .NET runtime has connected back to Guard and is paused before its first
/// instruction, waiting for <see cref="DiagnosticsClient.ResumeRuntime"/>.
/// </summary>
public sealed class LaunchedTarget : IAsyncDisposable
{
    private readonly DiagnosticsClientConnector _connector;

    internal LaunchedTarget(Process process, DiagnosticsClientConnector connector)
    {
        Process = process;
        _connector = connector;
    }

    public Process Process { get; }
    public DiagnosticsClient Client => _connector.Instance;

    /// <summary>Ends the command and everything it started, if it still runs.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
                Process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connector.DisposeAsync().ConfigureAwait(false);
        Process.Dispose();
    }
}

/// <summary>
/// Starts a command with a reverse diagnostics port (DOTNET_DiagnosticPorts): its runtime connects to a socket Guard
/// listens on and pauses at startup until Guard resumes it, so a session can be in place before the first instruction.
/// Needs .NET 5 or later in the target.
/// </summary>
public static class ChildLauncher
{
    public const string DiagnosticPortsVariable = "DOTNET_DiagnosticPorts";
    private static readonly TimeSpan HintAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts the command (its standard streams are the caller's) and waits until its runtime connects. Throws a
    /// <see cref="GuardSessionException"/> when the command cannot start or ends without a runtime connecting, and
    /// <see cref="OperationCanceledException"/> (after ending the command) when cancelled first.
    /// </summary>
    public static async Task<LaunchedTarget> LaunchAsync(IReadOnlyList<string> command, Action<string>? hint, CancellationToken cancellation)
    {
        var socket = Path.Combine(Path.GetTempPath(), $"guard-{Environment.ProcessId}-{Guid.NewGuid().ToString("N").Substring(0, 8)}.sock");
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // The listener is in place when this returns: the call runs synchronously up to the wait for a connection.
        var connector = DiagnosticsClientConnector.FromDiagnosticPort(socket, connecting.Token);

        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        for (var i = 1; i < command.Count; i++)
            info.ArgumentList.Add(command[i]);
        // Listen mode on Guard's side; the runtime connects and suspends (the runtime's default) until resumed.
        info.Environment[DiagnosticPortsVariable] = socket;

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            connecting.Cancel();
            await Swallow(connector).ConfigureAwait(false);
            process.Dispose();
            // The OS's own words ("No such file or directory"), without the long preamble of the exception's message.
            var reason = e is Win32Exception native ? new Win32Exception(native.NativeErrorCode).Message : e.Message;
            throw new GuardSessionException($"cannot start '{command[0]}': {reason}", e);
        }

        var exited = process.WaitForExitAsync(CancellationToken.None);
        var hinted = false;
        try
        {
            while (true)
            {
                var delay = Task.Delay(HintAfter, cancellation);
                var done = await Task.WhenAny(connector, exited, delay).ConfigureAwait(false);
                if (done == connector)
                {
                    var connected = await connector.ConfigureAwait(false);
                    return new LaunchedTarget(process, connected);
                }
                if (done == exited)
                {
                    connecting.Cancel();
                    await Swallow(connector).ConfigureAwait(false);
                    var code = process.ExitCode;
                    process.Dispose();
                    throw new GuardSessionException($"'{command[0]}' exited with code {code} before a .NET runtime connected: it is not a .NET 5+ application, or it started none");
                }
                cancellation.ThrowIfCancellationRequested();
                if (!hinted)
                {
                    hinted = true;
                    hint?.Invoke($"still waiting for a .NET runtime in '{command[0]}' to connect (a .NET 5+ application is needed)...");
                }
            }
        }
        catch (OperationCanceledException)
        {
            connecting.Cancel();
            await Swallow(connector).ConfigureAwait(false);
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or Win32Exception) { }
            process.Dispose();
            throw;
        }
    }

    private static async Task Swallow(Task<DiagnosticsClientConnector> connector)
    {
        try
        {
            var connected = await connector.ConfigureAwait(false);
            if (connected != null)
                await connected.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or DiagnosticsClientException)
        {
        }
    }
}
