using System;
using System.Collections.Generic;

namespace Guard.Analyzers.Idempotency
{
    /// <summary>What a method name says it does to money or positions when it runs twice.</summary>
    internal enum OperationFamily
    {
        None,
        /// <summary>Places (or replaces) an order: PlaceOrder, OnPlaceOrderAsync, SubmitLimitOrder, Buy, MarketSell.</summary>
        Order,
        /// <summary>Opens, closes or reduces a position: ClosePosition, ReducePositionAsync.</summary>
        Position,
        /// <summary>Adds or moves margin: AddMargin, AdjustIsolatedMargin.</summary>
        Margin,
        /// <summary>Withdraws funds: Withdraw, DoWithdraw, CreateWithdrawal.</summary>
        Withdrawal,
        /// <summary>Moves funds between accounts: Transfer, UniversalTransferAsync.</summary>
        Transfer,
        /// <summary>Pays, charges or refunds: Pay, CreatePayment, ChargeCard, Refund.</summary>
        Payment,
    }

    /// <summary>The verdict on one identifier.</summary>
    internal readonly struct OperationName
    {
        public OperationName(OperationFamily family, bool certain)
        {
            Family = family;
            Certain = certain;
        }

        public OperationFamily Family { get; }

        /// <summary>
        /// The name says the operation and nothing that reads or undoes it (GetOrderHistory, CancelWithdrawal,
        /// PlaceTestOrder are not certain). GRD004 reports only certain names; a fix refuses any name that mentions one.
        /// </summary>
        public bool Certain { get; }

        public bool IsOperation => Family != OperationFamily.None;

        public string Noun => Family switch
        {
            OperationFamily.Order => "places an order",
            OperationFamily.Position => "changes a position",
            OperationFamily.Margin => "moves margin",
            OperationFamily.Withdrawal => "withdraws funds",
            OperationFamily.Transfer => "transfers funds",
            OperationFamily.Payment => "makes a payment",
            _ => "",
        };

        /// <summary>What a second run does: "the retry withdraws the funds again".</summary>
        public string Again => Family switch
        {
            OperationFamily.Order => "places a second order",
            OperationFamily.Position => "changes the position a second time",
            OperationFamily.Margin => "moves the margin a second time",
            OperationFamily.Withdrawal => "withdraws the funds a second time",
            OperationFamily.Transfer => "transfers the funds a second time",
            OperationFamily.Payment => "pays a second time",
            _ => "runs it twice",
        };
    }

    /// <summary>
    /// The one definition, by name, of the operations that must not run twice. The words of the identifier are
    /// read anywhere in it (OnPlaceOrderAsync, PlaceOrderInternal, DoWithdraw, place_order), so a wrapper or an
    /// event handler around the operation is recognised as well as the SDK method.
    /// </summary>
    internal static class OperationNames
    {
        private static readonly HashSet<string> OrderVerbs = Set("place", "submit", "create", "new", "send", "post", "add", "execute", "make", "put", "replace", "batch", "enter");
        private static readonly HashSet<string> OrderNouns = Set("order", "orders");
        private static readonly HashSet<string> TradeVerbs = Set("buy", "sell");
        private static readonly HashSet<string> PositionVerbs = Set("close", "reduce", "increase", "decrease", "flatten", "liquidate", "exit");
        private static readonly HashSet<string> PositionNouns = Set("position", "positions");
        private static readonly HashSet<string> MarginVerbs = Set("add", "reduce", "adjust", "increase", "decrease", "transfer", "modify", "top");
        private static readonly HashSet<string> MarginNouns = Set("margin");
        private static readonly HashSet<string> WithdrawalWords = Set("withdraw", "withdrawal", "withdrawals");
        private static readonly HashSet<string> TransferWords = Set("transfer", "transfers");
        private static readonly HashSet<string> PaymentWords = Set("pay", "payout", "payouts", "charge", "refund", "refunds", "disburse", "remit");
        private static readonly HashSet<string> PaymentVerbs = Set("create", "make", "send", "submit", "process", "execute", "initiate", "new", "post", "add", "capture");
        private static readonly HashSet<string> PaymentNouns = Set("payment", "payments", "charge", "charges");

        /// <summary>Words that make the name read, test, build or undo the operation rather than run it.</summary>
        private static readonly HashSet<string> NotRunning = Set(
            "cancel", "cancels", "get", "fetch", "query", "list", "read", "load", "find", "search", "lookup", "history", "histories",
            "status", "book", "books", "info", "detail", "details", "fee", "fees", "address", "addresses", "record", "records",
            "quota", "test", "preview", "simulate", "simulated", "estimate", "validate", "verify", "parse", "build", "builder",
            "format", "serialize", "deserialize", "convert", "map", "log", "is", "has", "can", "should", "calculate", "calc",
            "compute", "to", "subscribe", "unsubscribe", "update", "updates", "event", "events", "stream", "handler", "callback",
            "params", "parameters", "options", "result", "response", "rate", "rates", "id", "ids", "count", "mode", "type",
            "file", "files", "data", "bytes", "chunk", "chunks");

        /// <summary>Every family needs one of these stems; checked without allocating, since GRD004 asks for every invocation.</summary>
        private static readonly string[] Stems = { "order", "buy", "sell", "position", "margin", "withdraw", "transfer", "pay", "charge", "refund", "disburse", "remit" };

        public static OperationName Classify(string identifier)
        {
            if (!MayContainAny(identifier, Stems))
                return default;
            var words = Words(identifier);
            var family = FamilyOf(words);
            if (family == OperationFamily.None)
                return default;
            foreach (var word in words)
            {
                if (NotRunning.Contains(word))
                    return new OperationName(family, certain: false);
            }
            return new OperationName(family, certain: true);
        }

        /// <summary>
        /// False only when no word of <see cref="Words"/> can be one of <paramref name="stems"/>: none occurs in the
        /// identifier, ignoring case. Allocation-free, for names asked of every invocation. An identifier with non-ASCII
        /// letters always passes: <see cref="Words"/> lower-cases by culture-invariant rules, which ordinal comparison
        /// does not follow there.
        /// </summary>
        public static bool MayContainAny(string identifier, string[] stems)
        {
            foreach (var c in identifier)
            {
                if (c > '\u007f')
                    return true;
            }
            foreach (var stem in stems)
            {
                if (identifier.IndexOf(stem, StringComparison.OrdinalIgnoreCase) >= 0)
                    return true;
            }
            return false;
        }

        private static OperationFamily FamilyOf(List<string> words)
        {
            for (var i = 0; i < words.Count; i++)
            {
                var word = words[i];
                if (OrderVerbs.Contains(word) && NounFollows(words, i, OrderNouns))
                    return OperationFamily.Order;
                if (PositionVerbs.Contains(word) && NounFollows(words, i, PositionNouns))
                    return OperationFamily.Position;
                if (MarginVerbs.Contains(word) && NounFollows(words, i, MarginNouns))
                    return OperationFamily.Margin;
            }
            foreach (var word in words)
            {
                if (TradeVerbs.Contains(word))
                    return OperationFamily.Order;
                if (WithdrawalWords.Contains(word))
                    return OperationFamily.Withdrawal;
                if (TransferWords.Contains(word))
                    return OperationFamily.Transfer;
                if (PaymentWords.Contains(word))
                    return OperationFamily.Payment;
            }
            for (var i = 0; i < words.Count; i++)
            {
                if (PaymentVerbs.Contains(words[i]) && NounFollows(words, i, PaymentNouns))
                    return OperationFamily.Payment;
            }
            return OperationFamily.None;
        }

        /// <summary>The noun within the next three words: PlaceOrder, PlaceLimitOrder, PlaceBatchOcoOrders.</summary>
        private static bool NounFollows(List<string> words, int verb, HashSet<string> nouns)
        {
            for (var j = verb + 1; j < words.Count && j <= verb + 4; j++)
            {
                if (nouns.Contains(words[j]))
                    return true;
            }
            return false;
        }

        /// <summary>Lower-case words of PascalCase, camelCase, snake_case and ACRONYMCase identifiers; digits split.</summary>
        public static List<string> Words(string identifier)
        {
            var words = new List<string>(6);
            var start = -1;
            for (var i = 0; i < identifier.Length; i++)
            {
                var c = identifier[i];
                if (!char.IsLetter(c))
                {
                    Flush(identifier, ref start, i, words);
                    continue;
                }
                if (start < 0)
                {
                    start = i;
                    continue;
                }
                var previous = identifier[i - 1];
                var next = i + 1 < identifier.Length ? identifier[i + 1] : '\0';
                // "placeOrder", "OCOOrder" (the last capital of a run starts the next word)
                if (char.IsUpper(c) && (char.IsLower(previous) || (char.IsUpper(previous) && char.IsLower(next))))
                {
                    Flush(identifier, ref start, i, words);
                    start = i;
                }
            }
            Flush(identifier, ref start, identifier.Length, words);
            return words;
        }

        private static void Flush(string identifier, ref int start, int end, List<string> words)
        {
            if (start >= 0 && end > start)
                words.Add(identifier.Substring(start, end - start).ToLowerInvariant());
            start = -1;
        }

        private static HashSet<string> Set(params string[] words) => new HashSet<string>(words, StringComparer.Ordinal);
    }
}
