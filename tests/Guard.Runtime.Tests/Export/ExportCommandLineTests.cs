using System;
using System.Net;
using System.Net.Sockets;
using Guard.Runtime.Tests.EndToEnd;

namespace Guard.Runtime.Tests.Export;

/// <summary>Bad export options: one line on standard error, exit code 2, before any session starts.</summary>
[Collection(EndToEndCollection.Name)]
public class ExportCommandLineTests
{
    [Theory]
    [InlineData("attach", "1", "--prometheus", "nohostport")]
    [InlineData("attach", "1", "--prometheus", "127.0.0.1:70000")]
    [InlineData("attach", "1", "--prometheus", ":9464")]
    [InlineData("run", "--prometheus", "127.0.0.1:x", "--", "dotnet", "x.dll")]
    [InlineData("attach", "1", "--sarif", "/nonexistent-folder/guard.sarif")]
    [InlineData("attach", "1", "--report", "/nonexistent-folder/report.html")]
    [InlineData("attach", "1", "--otlp", "not a url")]
    [InlineData("attach", "1", "--otlp", "ftp://127.0.0.1:4318")]
    [InlineData("run", "--sarif", "/proc/guard.sarif", "--", "dotnet", "x.dll")]
    public void Bad_export_options_are_one_line_and_exit_code_2(params string[] arguments)
    {
        using var guard = CliProcess.Guard(arguments);
        var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exit == 2, guard.Transcript);
        Assert.Empty(guard.StandardOutput);
        Assert.StartsWith("guard", Assert.Single(guard.StandardError));
    }

    [Fact]
    public void A_prometheus_port_in_use_is_refused_before_attaching()
    {
        using var target = CliProcess.Target("healthy", "--duration", "30");
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            using var guard = CliProcess.Guard("attach", target.Id.ToString(), "--prometheus", $"127.0.0.1:{port}", "--duration", "5");
            var exit = guard.WaitForExit(TimeSpan.FromSeconds(30));

            Assert.True(exit == 2, guard.Transcript);
            Assert.Contains("port is in use", Assert.Single(guard.StandardError));
        }
        finally
        {
            taken.Stop();
        }
    }
}
