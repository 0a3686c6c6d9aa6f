using System;
using System.Globalization;
using System.IO;
using Guard.Runtime.Session;

namespace Guard.Runtime.Heap;

/// <summary>
/// Marks, in the temp folder the diagnostics channels live in, that a guard session is taking a heap snapshot of a
/// process, so that other guard sessions on the same process count the gen2 collection it induces as guard's doing,
/// not the application's GC pressure. The runtime gives such a collection the reason "Induced", as it does GC.Collect():
/// discounting every induced collection would hide the application's own GC.Collect() calls, which the GC pressure
/// detector reports; only those that fall inside another session's snapshot are discounted.
/// A mark holds the end of the snapshot (0 while it runs); marks of guards that are gone are ignored and cleared.
/// </summary>
public static class SnapshotMarks
{
    // The stream of the other session may read the collection's start a little after the snapshot has ended.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public static string Folder { get; set; } = Path.Combine(Path.GetTempPath(), "guard-heap-snapshots");

    /// <summary>Marks a snapshot of <paramref name="targetPid"/> under way until the result is disposed.</summary>
    public static IDisposable Begin(int targetPid, int? guardPid = null)
    {
        var path = Path.Combine(Folder, $"{targetPid}.{guardPid ?? Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(path, "0");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without a mark other sessions may count the pause: a lesser harm than failing the snapshot.
        }
        return new Mark(path);
    }

    /// <summary>True when a guard session other than this one is taking (or has just taken) a snapshot of the process.</summary>
    public static bool OtherSessionSnapshotting(int targetPid, int? selfPid = null, DateTime? now = null)
    {
        var self = selfPid ?? Environment.ProcessId;
        var time = now ?? DateTime.UtcNow;
        try
        {
            if (!Directory.Exists(Folder))
                return false;
            foreach (var file in Directory.EnumerateFiles(Folder, $"{targetPid}.*"))
            {
                var name = Path.GetFileName(file);
                if (!int.TryParse(name.Substring(name.IndexOf('.') + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var guard) || guard == self)
                    continue;
                if (!TargetProcesses.Exists(guard))
                {
                    TryDelete(file);
                    continue;
                }
                if (!long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var endTicks))
                    continue;
                if (endTicks == 0 || time.Ticks <= endTicks + Grace.Ticks)
                    return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed class Mark : IDisposable
    {
        private readonly string _path;

        public Mark(string path) => _path = path;

        public void Dispose()
        {
            // The end is kept (not the file removed) for the grace; the next snapshot of this guard overwrites it.
            try
            {
                if (File.Exists(_path))
                    File.WriteAllText(_path, DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
