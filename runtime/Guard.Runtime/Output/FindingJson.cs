using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Output;

/// <summary>Writes a finding as one line of JSON, in the field order of the contract (docs/runtime.md).</summary>
public static class FindingJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        // Type names carry '<', '>' and '`' (generics); they stay readable rather than \u-escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(Finding finding)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", finding.Kind);
            writer.WriteString("severity", SeverityName(finding.Severity));
            if (finding.Resolved)
                writer.WriteBoolean("resolved", true);
            writer.WriteNumber("pid", finding.Pid);
            writer.WriteString("process", finding.Process);
            writer.WriteString("time", Timestamp(finding.Time));
            writer.WriteString("since", Timestamp(finding.Since));
            writer.WriteString("message", finding.Message);
            writer.WritePropertyName("evidence");
            WriteEvidence(writer, finding.Evidence);
            if (finding.Culprits.Count > 0)
            {
                writer.WriteStartArray("culprits");
                foreach (var culprit in finding.Culprits)
                    WriteEvidence(writer, culprit);
                writer.WriteEndArray();
            }
            writer.WriteString("advice", finding.Advice);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string SeverityName(Severity severity) => severity == Severity.Critical ? "critical" : "warning";

    /// <summary>UTC, ISO 8601, milliseconds, with a Z.</summary>
    public static string Timestamp(DateTime time) =>
        (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteEvidence(Utf8JsonWriter writer, Evidence evidence)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in evidence)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: WriteDouble(writer, d); break;
            case Evidence nested: WriteEvidence(writer, nested); break;
            case IEnumerable<Evidence> list:
                writer.WriteStartArray();
                foreach (var item in list)
                    WriteEvidence(writer, item);
                writer.WriteEndArray();
                break;
            case IEnumerable<double> numbers:
                writer.WriteStartArray();
                foreach (var number in numbers)
                    WriteDouble(writer, number);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    // JSON has no NaN or infinity; a value that is not finite is written as null rather than failing the line.
    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }
}
