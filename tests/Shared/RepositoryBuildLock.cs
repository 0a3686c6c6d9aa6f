using System;
using System.IO;
using System.Threading;

namespace Guard.Tests.Shared;

/// <summary>
/// Test assemblies run in parallel, and several of them pack or build the repository's own projects; two MSBuild
/// runs writing the same obj/ folders corrupt each other. This cross-process lock (a file held open exclusively,
/// also taken by demo.sh through flock) lets one of them at a time touch the repository's build outputs.
/// </summary>
public sealed class RepositoryBuildLock : IDisposable
{
    public static readonly string LockPath = Path.Combine(Path.GetTempPath(), "guard-repository-build.lock");

    private readonly FileStream _stream;

    private RepositoryBuildLock(FileStream stream) => _stream = stream;

    public static RepositoryBuildLock Acquire(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new RepositoryBuildLock(new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(250);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
