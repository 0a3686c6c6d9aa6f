using System.Text;

namespace Guard.Runtime.Heap;

/// <summary>Type names as a C# reader writes them in a path: no namespaces, generics in angle brackets.</summary>
public static class TypeNames
{
    /// <summary>
    /// "System.Collections.Generic.List`1[TradingBot.Tick]" reads "List&lt;Tick&gt;"; "System.Byte[]" reads "Byte[]";
    /// a nested "Outer+Inner" keeps both names.
    /// </summary>
    public static string Short(string name)
    {
        var text = new StringBuilder(name.Length);
        var word = new StringBuilder();
        var depth = 0;
        var pendingArguments = false;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            switch (c)
            {
                case '.':
                    // A namespace (or an enclosing qualifier) ends here: only the last segment is kept.
                    word.Clear();
                    break;
                case '`':
                    // Generic arity: skip the digits; the arguments follow in brackets.
                    Flush(text, word);
                    while (i + 1 < name.Length && char.IsDigit(name[i + 1]))
                        i++;
                    // The arguments come in the next brackets, after any nested type name ("Dictionary`2+Entry[K,V]").
                    pendingArguments = true;
                    break;
                case '[':
                    Flush(text, word);
                    if (pendingArguments && i + 1 < name.Length && name[i + 1] is not (']' or ','))
                    {
                        text.Append('<');
                        depth++;
                        pendingArguments = false;
                    }
                    else
                        // An array rank: "[]" or "[,]" stays.
                        text.Append('[');
                    break;
                case ']':
                    Flush(text, word);
                    if (depth > 0 && !EndsWithArrayOpen(text))
                    {
                        text.Append('>');
                        depth--;
                    }
                    else
                        text.Append(']');
                    break;
                case ',':
                    Flush(text, word);
                    text.Append(depth > 0 && !EndsWithArrayOpen(text) ? ", " : ",");
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }
        Flush(text, word);
        return text.ToString();
    }

    private static bool EndsWithArrayOpen(StringBuilder text)
    {
        // Inside "[" or "[," of an array rank.
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (text[i] == ',')
                continue;
            return text[i] == '[';
        }
        return false;
    }

    private static void Flush(StringBuilder text, StringBuilder word)
    {
        text.Append(word);
        word.Clear();
    }
}
