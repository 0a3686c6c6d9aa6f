using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Rules.GRD004
{
    internal enum KeyState
    {
        /// <summary>No idempotency key is sent.</summary>
        Missing,
        /// <summary>A key made before the first attempt (or one Guard assumes was): safe.</summary>
        Outside,
        /// <summary>A key made again on every attempt.</summary>
        Inside,
        /// <summary>Guard cannot tell: safe, precision first.</summary>
        Unknown,
    }

    internal enum KeyFixKind
    {
        None,
        /// <summary>Add <c>Key = key</c> to the object creation <see cref="KeyFix.Target"/>.</summary>
        AddMember,
        /// <summary>Pass <c>key: key</c> to the invocation <see cref="KeyFix.Target"/>, whose key parameter is omitted.</summary>
        AddArgument,
        /// <summary>Add the Idempotency-Key header to the request declared by the statement <see cref="KeyFix.Target"/>.</summary>
        AddHeader,
        /// <summary>Move the expression <see cref="KeyFix.Target"/> into a local made before the retry, and use the local.</summary>
        ReplaceValue,
        /// <summary>Move the local declaration statement <see cref="KeyFix.Target"/> before the retry.</summary>
        HoistLocal,
    }

    /// <summary>How the code fix can send a key made once; carried from the analysis to the fixer.</summary>
    internal readonly struct KeyFix
    {
        public KeyFix(KeyFixKind kind, SyntaxNode target, string keyName, ITypeSymbol? keyType)
        {
            Kind = kind;
            Target = target;
            KeyName = keyName;
            KeyType = keyType;
        }

        public KeyFixKind Kind { get; }
        public SyntaxNode? Target { get; }

        /// <summary>The member, parameter, header or query name the key goes in; the fix names its local after it.</summary>
        public string? KeyName { get; }

        /// <summary>The type of a new key (string or Guid) for the Add kinds.</summary>
        public ITypeSymbol? KeyType { get; }
    }

    internal readonly struct KeySite
    {
        public KeySite(KeyState state, KeyFix fix = default)
        {
            State = state;
            Fix = fix;
        }

        public KeyState State { get; }
        public KeyFix Fix { get; }
    }
}
