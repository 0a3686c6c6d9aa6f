using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Guard.Runtime.Session;

/// <summary>
/// The memory limits a process runs under, read from outside it (Linux /proc and cgroup files): the runtime's event
/// stream does not report them (GCSettingsRundown, which carries the hard limit, is only sent at rundown). Mirrors the
/// runtime's rules: GCHeapHardLimit (environment, hexadecimal, or System.GC.HeapHardLimit in runtimeconfig.json) wins;
/// then GCHeapHardLimitPercent of the memory available; in a container with a memory limit and neither set, the GC
/// limits its heap to 75% of the container's limit (at least 20 MB).
/// </summary>
public sealed record MemoryLimits(long? HeapHardLimitBytes, string? HeapHardLimitSource, long? ContainerLimitBytes)
{
    public static readonly MemoryLimits None = new(null, null, null);

    private const long MinimumDefaultLimit = 20L * 1024 * 1024;

    /// <summary>The limits of a process; <see cref="None"/> where they cannot be read (not Linux, no permission, gone).</summary>
    public static MemoryLimits Read(int pid)
    {
        if (!OperatingSystem.IsLinux() || pid <= 0)
            return None;
        try
        {
            var environment = ReadEnvironment(pid);
            var config = ReadRuntimeConfig(pid);
            var container = ContainerLimit(pid);
            return Resolve(environment, config, container, PhysicalMemory());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or OverflowException)
        {
            return None;
        }
    }

    /// <summary>The runtime's rules, on values already read. <paramref name="environment"/> holds NAME=value entries.</summary>
    internal static MemoryLimits Resolve(string[] environment, JsonElement? runtimeConfig, long? containerLimit, long? physicalMemory)
    {
        var available = containerLimit is { } c && physicalMemory is { } p ? Math.Min(c, p) : containerLimit ?? physicalMemory;

        if (EnvironmentValue(environment, "GCHeapHardLimit") is { } hex && ParseHex(hex) is { } limit && limit > 0)
            return new MemoryLimits(limit, "GCHeapHardLimit", containerLimit);
        if (ConfigNumber(runtimeConfig, "System.GC.HeapHardLimit") is { } configured && configured > 0)
            return new MemoryLimits(configured, "System.GC.HeapHardLimit", containerLimit);
        var percent = EnvironmentValue(environment, "GCHeapHardLimitPercent") is { } percentHex ? ParseHex(percentHex) : ConfigNumber(runtimeConfig, "System.GC.HeapHardLimitPercent");
        if (percent is > 0 and <= 100 && available is { } memory)
            return new MemoryLimits(memory * percent.Value / 100, $"GCHeapHardLimitPercent={percent}", containerLimit);
        if (containerLimit is { } container)
            return new MemoryLimits(Math.Max(MinimumDefaultLimit, container * 3 / 4), "75% of the container limit (the runtime's default)", containerLimit);
        return None;
    }

    private static string? EnvironmentValue(string[] environment, string name)
    {
        // DOTNET_ wins over the older COMPlus_ prefix, as in the runtime.
        foreach (var prefix in new[] { "DOTNET_", "COMPlus_" })
        {
            var entry = environment.FirstOrDefault(e => e.StartsWith(prefix + name + "=", StringComparison.Ordinal));
            if (entry is not null)
                return entry.Substring(prefix.Length + name.Length + 1);
        }
        return null;
    }

    internal static long? ParseHex(string text)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            text = text.Substring(2);
        return long.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static long? ConfigNumber(JsonElement? config, string name)
    {
        if (config is not { } root || !root.TryGetProperty("runtimeOptions", out var options) || !options.TryGetProperty("configProperties", out var properties)
            || !properties.TryGetProperty(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when value.GetString() is { } s => s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? ParseHex(s)
                : long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) ? d : null,
            _ => null,
        };
    }

    private static string[] ReadEnvironment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    // The app's runtimeconfig.json: beside the app host, or beside the .dll that `dotnet` was given.
    private static JsonElement? ReadRuntimeConfig(int pid)
    {
        var candidates = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Take(1).ToList();
        try
        {
            candidates.Add(new FileInfo($"/proc/{pid}/exe").LinkTarget ?? "");
        }
        catch (IOException) { }
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate))
                continue;
            var cwd = new FileInfo($"/proc/{pid}/cwd").LinkTarget ?? "/";
            var full = Path.IsPathRooted(candidate) ? candidate : Path.Combine(cwd, candidate);
            var config = Path.ChangeExtension(full, null) + ".runtimeconfig.json";
            if (File.Exists(config))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(config), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                return document.RootElement.Clone();
            }
        }
        return null;
    }

    // The lowest memory limit on the process's cgroup and its ancestors (v2: memory.max; v1: memory.limit_in_bytes).
    private static long? ContainerLimit(int pid)
    {
        long? lowest = null;
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            string root, file;
            if (parts[0] == "0" && parts[1] == "")
                (root, file) = ("/sys/fs/cgroup", "memory.max");
            else if (parts[1].Split(',').Contains("memory"))
                (root, file) = ("/sys/fs/cgroup/memory", "memory.limit_in_bytes");
            else
                continue;
            var path = parts[2].TrimEnd('/');
            while (true)
            {
                var limitFile = Path.Combine(root + path, file);
                if (File.Exists(limitFile) && long.TryParse(File.ReadAllText(limitFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                    && value > 0 && value < (1L << 60))
                    lowest = lowest is { } l ? Math.Min(l, value) : value;
                if (path.Length == 0)
                    break;
                path = path.Substring(0, path.LastIndexOf('/'));
            }
        }
        return lowest;
    }

    private static long? PhysicalMemory() => MachineMemory("MemTotal");

    /// <summary>A figure of the machine's /proc/meminfo ("MemTotal", "MemAvailable"), in bytes; null when absent.</summary>
    internal static long? MachineMemory(string field)
    {
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return kb is not null && long.TryParse(kb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value * 1024 : null;
    }
}
