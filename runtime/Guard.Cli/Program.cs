using System;
using System.CommandLine;
using Guard.Runtime;

namespace Guard.Cli;

public static class Program
{
    public static int Main(string[] args) => GuardCommandLine.Build().Parse(args).Invoke();
}

/// <summary>The `guard` command tree; the runtime verbs are wired in by their own classes.</summary>
internal static class GuardCommandLine
{
    public const int ExitClean = 0;
    public const int ExitFindings = 1;
    public const int ExitError = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand($"guard {GuardInfo.Version}: live reliability diagnosis of .NET processes (thread-pool starvation, GC pressure, memory leaks).");
        root.Subcommands.Add(NotYet("ps", "List attachable .NET processes: pid, name, runtime version."));
        root.Subcommands.Add(NotYet("attach", "Attach to a running .NET process and report what is wrong with it."));
        root.Subcommands.Add(NotYet("run", "Start a process and watch it from its first instruction."));
        return root;
    }

    private static Command NotYet(string name, string description)
    {
        var command = new Command(name, description);
        command.SetAction(_ =>
        {
            Console.Error.WriteLine($"guard {name}: not available in this build yet.");
            return ExitError;
        });
        return command;
    }
}
