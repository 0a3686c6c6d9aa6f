using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Guard.Cli;

/// <summary>
/// Turns Ctrl+C and SIGTERM (a CI job being cancelled) into a cancellation, so the session is stopped cleanly and the
/// findings so far are reported; a second Ctrl+C is left to end Guard at once. Also cancels when the duration elapses.
/// </summary>
internal sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private int _interrupted;
    private int _disposed;

    // Held for the life of the process, not of the session: a SIGTERM that lands between the end of the session and
    // the exit would otherwise kill guard with 143 while it is writing its last lines. After the session, guard is
    // already on its way out, so the signal is absorbed.
    private static PosixSignalRegistration? s_terminate;
    private static ConsoleCancellation? s_current;

    public ConsoleCancellation(TimeSpan? duration)
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        Volatile.Write(ref s_current, this);
        try
        {
            s_terminate ??= PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Volatile.Read(ref s_current)?.Interrupt();
            });
        }
        catch (PlatformNotSupportedException)
        {
        }
        if (duration is { } d)
            _source.CancelAfter(d);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>True when the user or the system asked Guard to stop (as opposed to the duration elapsing).</summary>
    public bool Interrupted => Volatile.Read(ref _interrupted) != 0;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        // The first Ctrl+C stops the session gracefully; a second one is not intercepted.
        if (Interrupted)
            return;
        e.Cancel = true;
        Interrupt();
    }

    private void Interrupt()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        Interlocked.Exchange(ref _interrupted, 1);
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        Interlocked.Exchange(ref _disposed, 1);
        _source.Dispose();
    }
}
