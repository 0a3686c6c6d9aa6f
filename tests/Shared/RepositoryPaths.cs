using System;
using System.IO;

namespace Guard.Tests.Shared;

public static class RepositoryPaths
{
    /// <summary>The folder that holds Guard.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Guard.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Guard.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh folder under the system temp folder, deleted by the caller.</summary>
    public static string NewTempFolder(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(path);
        return path;
    }
}
