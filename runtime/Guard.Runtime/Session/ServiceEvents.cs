using System;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Guard.Runtime.Session;

/// <summary>
/// The providers and event handlers of the detectors for HTTP clients, exceptions and the memory limit (issue 13),
/// beside the runtime's GC and thread-pool events that <see cref="GuardSession"/> wires itself.
/// </summary>
internal static class ServiceEvents
{
    public const string HttpProvider = "System.Net.Http";
    private const string TplProvider = "System.Threading.Tasks.TplEventSource";
    private const string CountersProvider = "System.Runtime";

    // TplEventSource TasksFlowActivityIds: EventSource activity ids then flow across awaits, which is what ties an HTTP
    // request's RequestStop and RequestLeftQueue (no host in them) to its RequestStart.
    private const long TasksFlowActivityIds = 0x80;

    // Any keyword bit the HTTP source does not define: its keyword-less events (all the request and connection events)
    // pass, RequestFailedDetailed (keyword 1: a full exception with stack per failure) does not.
    private const long HttpKeywordlessEventsOnly = 0x0000_4000_0000_0000;

    /// <summary>The runtime keyword to add to GC and Threading: first-chance exceptions (ExceptionThrown_V1).</summary>
    public const long ExceptionKeyword = (long)ClrTraceEventParser.Keywords.Exception;

    public static IEnumerable<EventPipeProvider> Providers() => new[]
    {
        new EventPipeProvider(HttpProvider, EventLevel.Informational, HttpKeywordlessEventsOnly),
        new EventPipeProvider(TplProvider, EventLevel.Informational, TasksFlowActivityIds),
    };

    /// <summary>Wires the HTTP and exception events, and reads the target's memory limits once its identity is known (first counter).</summary>
    public static void Wire(EventPipeEventSource source, ServiceSignalTranslator translator, Func<int> pid)
    {
        source.Clr.ExceptionStart += e => translator.OnException(Utc(e), e.ExceptionType, e.ExceptionMessage);

        var limitsRead = false;
        source.Dynamic.All += e =>
        {
            if (e.ProviderName == HttpProvider)
            {
                OnHttp(e, translator);
                return;
            }
            if (!limitsRead && e.ProviderName == CountersProvider && e.EventName == "EventCounters")
            {
                limitsRead = true;
                // The stream's own process id: under `guard run` of a script, the process that connected is the target.
                translator.OnMemoryLimits(Utc(e), MemoryLimits.Read(e.ProcessID > 0 ? e.ProcessID : pid()));
            }
        };
    }

    private static void OnHttp(TraceEvent e, ServiceSignalTranslator translator)
    {
        switch (e.EventName)
        {
            // TraceEvent names Start/Stop events by their task: Request/Start (RequestStart in the source).
            case "Request/Start":
            case "RequestStart":
                translator.OnHttpRequestStart(Utc(e), e.ActivityID, Text(e, "scheme"), Text(e, "host"), Int(e, "port"), Text(e, "pathAndQuery"));
                break;
            case "Request/Stop":
            case "RequestStop":
                translator.OnHttpRequestStop(Utc(e), e.ActivityID, e.PayloadIndex("statusCode") >= 0 ? Int(e, "statusCode") : -1);
                break;
            case "RequestLeftQueue":
                translator.OnHttpRequestLeftQueue(Utc(e), e.ActivityID, Double(e, "timeOnQueueMilliseconds"), Int(e, "versionMajor"));
                break;
            case "ConnectionEstablished":
                if (e.PayloadIndex("connectionId") >= 0 && e.PayloadIndex("host") >= 0)
                    translator.OnHttpConnectionEstablished(Utc(e), Long(e, "connectionId"), Text(e, "scheme"), Text(e, "host"), Int(e, "port"));
                break;
            case "ConnectionClosed":
                if (e.PayloadIndex("connectionId") >= 0)
                    translator.OnHttpConnectionClosed(Utc(e), Long(e, "connectionId"));
                break;
        }
    }

    private static string Text(TraceEvent e, string name) => e.PayloadByName(name) as string ?? "";
    private static int Int(TraceEvent e, string name) => Convert.ToInt32(e.PayloadByName(name) ?? 0, System.Globalization.CultureInfo.InvariantCulture);
    private static long Long(TraceEvent e, string name) => Convert.ToInt64(e.PayloadByName(name) ?? 0, System.Globalization.CultureInfo.InvariantCulture);
    private static double Double(TraceEvent e, string name) => Convert.ToDouble(e.PayloadByName(name) ?? 0, System.Globalization.CultureInfo.InvariantCulture);
    private static DateTime Utc(TraceEvent e) => e.TimeStamp.ToUniversalTime();
}
