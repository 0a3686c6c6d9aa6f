using System.Reflection;

namespace Guard.Runtime;

/// <summary>Version information shared by the library and the CLI.</summary>
public static class GuardInfo
{
    public static string Version { get; } =
        typeof(GuardInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? typeof(GuardInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
