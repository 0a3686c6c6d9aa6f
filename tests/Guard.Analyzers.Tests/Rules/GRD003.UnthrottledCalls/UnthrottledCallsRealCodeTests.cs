using System.Threading.Tasks;
using Verify = Guard.Analyzers.Tests.Verifiers.AnalyzerVerifier<Guard.Analyzers.Rules.GRD003.UnthrottledCallsAnalyzer>;

namespace Guard.Analyzers.Tests.Rules.GRD003;

/// <summary>Shapes met in public exchange clients and SDKs (docs/precision.md): what GRD003 must and must not say there.</summary>
public class UnthrottledCallsRealCodeTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Net;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task A_race_over_a_private_array_of_three_hosts_is_not_a_burst() => Verify.VerifyAsync(Usings + """
        class FastestMirror
        {
            string[] Urls = { "api1.example.com", "api2.example.com", "api3.example.com" };

            void Race(HttpClient client)
            {
                foreach (var url in Urls)
                    client.GetAsync($"https://{url}").ContinueWith(t => Console.WriteLine(t.Status));
            }
        }
        """);

    [Fact]
    public Task A_polling_loop_that_asks_again_at_once_on_202_is_reported() => Verify.VerifyAsync(Usings + """
        class Response<T> { public HttpStatusCode StatusCode { get; set; } public T Body { get; set; } = default!; }
        interface IConnection { Task<Response<T>> GetResponse<T>(Uri uri, CancellationToken ct); }
        class ApiConnection
        {
            private readonly IConnection Connection;
            public ApiConnection(IConnection connection) => Connection = connection;

            public async Task<IReadOnlyList<T>> GetQueuedOperation<T>(Uri uri, CancellationToken cancellationToken)
            {
                while (true)
                {
                    var response = await [|Connection.GetResponse<IReadOnlyList<T>>(uri, cancellationToken)|];
                    switch (response.StatusCode)
                    {
                        case HttpStatusCode.Accepted:
                            continue;
                        case HttpStatusCode.OK:
                            return response.Body;
                    }
                    throw new InvalidOperationException("unexpected status");
                }
            }
        }
        """, "guard.outbound_methods = IConnection.GetResponse");

    [Fact]
    public Task A_polling_loop_that_waits_between_polls_is_not_reported() => Verify.VerifyAsync(Usings + """
        class Poller
        {
            public async Task<string> WaitForReport(HttpClient client, Uri uri, CancellationToken ct)
            {
                while (true)
                {
                    using var response = await client.GetAsync(uri, ct);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(2), ct);
                        continue;
                    }
                    return await response.Content.ReadAsStringAsync(ct);
                }
            }
        }
        """);
}
