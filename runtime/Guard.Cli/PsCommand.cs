using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Guard.Runtime.Session;

namespace Guard.Cli;

/// <summary>`guard ps`: the .NET processes Guard can attach to.</summary>
internal static class PsCommand
{
    public static Command Build()
    {
        var command = new Command("ps", "List attachable .NET processes: pid, name, runtime version and command line.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    // A command line can carry a whole environment; the start of it identifies the process.
    private static string Shorten(string commandLine) => commandLine.Length <= 160 ? commandLine : commandLine.Substring(0, 159) + "…";

    internal static int Run(TextWriter output)
    {
        try
        {
            var processes = TargetProcesses.List();
            if (processes.Count == 0)
            {
                Console.Error.WriteLine("guard ps: no attachable .NET processes (none of this user's, in this container and TMPDIR, with diagnostics enabled)");
                return GuardCommandLine.ExitClean;
            }
            var nameWidth = Math.Max(4, processes.Max(p => p.Name.Length));
            var versionWidth = Math.Max(7, processes.Max(p => p.RuntimeVersion.Length));
            output.WriteLine($"{"PID",8}  {"NAME".PadRight(nameWidth)}  {"RUNTIME".PadRight(versionWidth)}  COMMAND");
            foreach (var p in processes)
                output.WriteLine($"{p.Pid,8}  {p.Name.PadRight(nameWidth)}  {p.RuntimeVersion.PadRight(versionWidth)}  {Shorten(p.CommandLine)}");
            return GuardCommandLine.ExitClean;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return GuardCommandLine.Fail("ps", "cannot list processes: " + GuardCommandLine.OneLine(e.Message));
        }
    }
}
