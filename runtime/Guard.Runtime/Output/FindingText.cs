using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Guard.Runtime.Detection;

namespace Guard.Runtime.Output;

/// <summary>
/// The human text output of a finding, beside <see cref="FindingJson"/>: what the detectors decided, rendered for a
/// terminal or a log. The wording of each finding (message, advice) is the detector's; this only lays it out.
/// </summary>
public static class FindingText
{
    private const int Width = 100;

    /// <summary>A finding as a block of text: headline, message, evidence, culprits and advice, wrapped at 100 columns; a resolved record is one line.</summary>
    public static string Block(Finding finding)
    {
        var text = new StringBuilder();
        if (finding.Resolved)
        {
            // One line: the condition reported earlier has cleared.
            text.AppendLine($"{finding.Time:HH:mm:ss}Z RESOLVED {finding.Kind} in {finding.Process} (pid {finding.Pid}), since {finding.Since:HH:mm:ss.f}Z: {finding.Message}");
            text.AppendLine();
            return text.ToString();
        }
        var severity = finding.Severity == Severity.Critical ? "CRITICAL" : "WARNING";
        var lag = (finding.Time - finding.Since).TotalSeconds;
        text.AppendLine($"{finding.Time:HH:mm:ss}Z {severity} {finding.Kind} in {finding.Process} (pid {finding.Pid}), since {finding.Since:HH:mm:ss.f}Z ({lag:0.#} s ago)");
        text.AppendLine("  " + finding.Message);
        Wrap(text, "  evidence: ", finding.Evidence.Where(e => e.Value is not IEnumerable<Evidence>).Select(e => $"{e.Key}={Format(e.Value)}"));
        foreach (var (key, value) in finding.Evidence)
        {
            if (value is IEnumerable<Evidence> list && key == "topAllocatedTypes")
                Wrap(text, "  most allocated types (sampled; allocation is not retention): ", list.Select(Culprit));
        }
        if (finding.Culprits.Count > 0)
            Wrap(text, "  " + CulpritText.Label(finding.Kind) + ": ", finding.Culprits.Select(c => CulpritText.Describe(finding.Kind, c) ?? Culprit(c)));
        Wrap(text, "  advice: ", finding.Advice.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        text.AppendLine();
        return text.ToString();
    }

    private static string Culprit(Evidence culprit)
    {
        var type = culprit["type"] as string ?? "?";
        var share = culprit["share"] is double s ? $" {s * 100:0}%" : "";
        var mb = culprit["sampledMB"] is double m ? $" ({m:0.#} MB)" : "";
        return type + share + mb + ";";
    }

    private static void Wrap(StringBuilder text, string prefix, IEnumerable<string> words)
    {
        var line = new StringBuilder(prefix);
        var indent = new string(' ', 4);
        var empty = true;
        foreach (var word in words)
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                text.AppendLine(line.ToString().TrimEnd(';'));
                line.Clear().Append(indent);
                empty = true;
            }
            if (!empty)
                line.Append(' ');
            line.Append(word);
            empty = false;
        }
        if (!empty)
            text.AppendLine(line.ToString().TrimEnd(';'));
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IEnumerable<double> numbers => "[" + string.Join(",", numbers.Select(n => n.ToString("0.#", CultureInfo.InvariantCulture))) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
