using System;
using System.Globalization;
using System.IO;

namespace Guard.Runtime.Heap;

/// <summary>
/// Tells other guard sessions on the same process that a heap snapshot is under way. The collection a snapshot induces is
/// Guard's doing, but a second session (another `guard attach`, a `guard watch` beside it) sees only an induced blocking
/// gen2 collection with a pause of seconds, and would report it as GC pressure. The session taking the snapshot writes
/// its time span into a small file beside the diagnostics sockets (the temporary folder, which every session that can
/// reach the process shares); a session that sees an induced gen2 collection inside that span leaves it out.
/// </summary>
public static class SnapshotMarker
{
    // How long a marker without an end (a guard killed during the snapshot) still counts.
    private static readonly TimeSpan Unfinished = TimeSpan.FromMinutes(2);
    // Collections and the marker are timed by different clocks of the same machine: a little slack either side.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

    public static string PathFor(int pid) => Path.Combine(Path.GetTempPath(), $"guard-heap-snapshot-{pid.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Marks a snapshot of <paramref name="pid"/> as begun; disposing the result marks it ended.</summary>
    public static IDisposable Begin(int pid)
    {
        var start = DateTime.UtcNow;
        Write(pid, start, null);
        return new End(pid, start);
    }

    /// <summary>Whether a snapshot of <paramref name="pid"/> (by any guard session) was under way at <paramref name="utc"/>.</summary>
    public static bool Covers(int pid, DateTime utc)
    {
        if (pid <= 0)
            return false;
        try
        {
            var parts = File.ReadAllText(PathFor(pid)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var startTicks))
                return false;
            var start = new DateTime(startTicks, DateTimeKind.Utc);
            var end = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var endTicks)
                ? new DateTime(endTicks, DateTimeKind.Utc)
                : start + Unfinished;
            return utc >= start - Slack && utc <= end + Slack;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static void Write(int pid, DateTime start, DateTime? end)
    {
        if (pid <= 0)
            return;
        try
        {
            var text = start.Ticks.ToString(CultureInfo.InvariantCulture) + (end is { } e ? " " + e.Ticks.ToString(CultureInfo.InvariantCulture) : "");
            File.WriteAllText(PathFor(pid), text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a courtesy to other sessions: a snapshot never fails for want of it.
        }
    }

    private sealed class End : IDisposable
    {
        private readonly int _pid;
        private readonly DateTime _start;
        private bool _done;

        public End(int pid, DateTime start)
        {
            _pid = pid;
            _start = start;
        }

        public void Dispose()
        {
            if (_done)
                return;
            _done = true;
            Write(_pid, _start, DateTime.UtcNow);
        }
    }
}
