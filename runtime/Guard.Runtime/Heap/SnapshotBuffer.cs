using System;
using System.Diagnostics;
using System.IO;
using Guard.Runtime.Session;

namespace Guard.Runtime.Heap;

/// <summary>
/// How large the runtime's event buffer is for a heap snapshot. The walk sends every object and reference while the
/// target is stopped, faster than the runtime streams them out: what does not fit is dropped, and a graph with missing
/// nodes cannot be used. The volume grows with the number of objects, so the buffer is sized by the target's resident
/// memory (a heap of many small objects sends about two thirds of its size in events), doubled after a loss, and kept
/// within the memory the target can spare: the buffer is native memory of the target, given back when the session ends.
/// </summary>
public sealed class SnapshotBuffer
{
    public const int MinMB = 256;
    public const int MaxMB = 1024;

    private readonly Func<long?> _residentBytes;
    private readonly Func<long?> _spareBytes;
    private int _afterLossMB;

    /// <param name="residentBytes">The target's resident memory now (null where unknown).</param>
    /// <param name="spareBytes">Memory the target may still take before a limit (container limit or the machine's available memory; null where unknown).</param>
    public SnapshotBuffer(Func<long?> residentBytes, Func<long?> spareBytes)
    {
        _residentBytes = residentBytes;
        _spareBytes = spareBytes;
    }

    /// <summary>Sizes from the process with this pid (resident memory; on Linux its container limit or the machine's available memory).</summary>
    public static SnapshotBuffer ForProcess(Func<int> pid) => new(() => Resident(pid()), () => Spare(pid()));

    /// <summary>The size for the next snapshot, in MB.</summary>
    public int NextMB() => Size(_residentBytes(), _spareBytes(), System.Threading.Volatile.Read(ref _afterLossMB));

    /// <summary>A snapshot taken with <paramref name="usedMB"/> lost events: the next one gets twice the buffer.</summary>
    public void Lost(int usedMB) => System.Threading.Volatile.Write(ref _afterLossMB, Math.Max(System.Threading.Volatile.Read(ref _afterLossMB), Math.Min(MaxMB, usedMB * 2)));

    /// <summary>The rule, on values already read: at least the resident size, at least twice what lost events before, within [256, 1024] MB and half the spare memory (never under 256).</summary>
    public static int Size(long? residentBytes, long? spareBytes, int afterLossMB = 0)
    {
        var wanted = Math.Max(MinMB, Math.Max(afterLossMB, (int)Math.Min(MaxMB, (residentBytes ?? 0) / 1048576)));
        var cap = MaxMB;
        if (spareBytes is { } spare)
            cap = (int)Math.Max(MinMB, Math.Min(MaxMB, spare / 2 / 1048576));
        return Math.Min(wanted, cap);
    }

    private static long? Resident(int pid)
    {
        if (pid <= 0)
            return null;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.WorkingSet64;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    private static long? Spare(int pid)
    {
        if (!OperatingSystem.IsLinux() || pid <= 0)
            return null;
        var limits = MemoryLimits.Read(pid);
        var available = AvailableMemory();
        if (limits.ContainerLimitBytes is { } limit && Resident(pid) is { } resident)
        {
            var inContainer = Math.Max(0, limit - resident);
            return available is { } machine ? Math.Min(machine, inContainer) : inContainer;
        }
        return available;
    }

    private static long? AvailableMemory()
    {
        try
        {
            return MemoryLimits.MachineMemory("MemAvailable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
