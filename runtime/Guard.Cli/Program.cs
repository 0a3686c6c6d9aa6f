using System;
using System.CommandLine;
using System.Linq;
using Guard.Runtime;

namespace Guard.Cli;

public static class Program
{
    public static int Main(string[] args) => GuardCommandLine.Invoke(args);
}

/// <summary>The `guard` command tree: ps, attach and run.</summary>
internal static class GuardCommandLine
{
    public const int ExitClean = 0;
    public const int ExitFindings = 1;
    public const int ExitError = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand($"guard {GuardInfo.Version}: live reliability diagnosis of .NET processes (thread-pool starvation, GC pressure, memory leaks).\n"
            + "Exit codes: 0 nothing found, 1 findings reported, 2 usage or attach error.");
        root.Subcommands.Add(PsCommand.Build());
        root.Subcommands.Add(AttachCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(WatchCommand.Build());
        return root;
    }

    /// <summary>
    /// Parses and runs. A malformed command line is one line on standard error and exit code 2 (System.CommandLine's
    /// own default would print the help and exit 1, which is the code for findings).
    /// </summary>
    public static int Invoke(string[] args)
    {
        // "@file" is an ordinary argument for `guard run -- tool @file`, not a response file.
        ParseResult parse;
        try
        {
            parse = Build().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        }
        catch (Exception e)
        {
            // A validator or parser that throws is a bug, but the user still gets one line and exit code 2.
            Console.Error.WriteLine($"guard: cannot read the command line: {OneLine(e.Message)}");
            return ExitError;
        }
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command is RootCommand ? "" : " " + parse.CommandResult.Command.Name;
            // An unrecognized token explains more than the "required command missing" that comes with it.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            var message = string.Join(" ", error.Message.Split(new[] { '\r', '\n', '\t' }, StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));
            Console.Error.WriteLine($"guard{verb}: {message} (see guard{verb} --help)");
            return ExitError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Last resort: a fault nobody foresaw is still one line and exit code 2, never a stack trace.
            Console.Error.WriteLine($"guard: unexpected error: {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitError;
        }
    }

    /// <summary>A fault that must not become a stack trace: one line, exit code 2.</summary>
    public static int Fail(string verb, string message)
    {
        Console.Error.WriteLine($"guard {verb}: {message}");
        return ExitError;
    }

    public static string OneLine(string text) => text.Split('\n').FirstOrDefault()?.TrimEnd('\r') ?? "";
}
