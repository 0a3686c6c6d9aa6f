using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.Rules.GRD006
{
    /// <summary>
    /// GRD006: which types are API clients that own connections. HttpClient itself; SDK clients that create one
    /// per instance: types of the compilation whose constructor (or a field initializer) makes a
    /// <c>new HttpClient</c>, clients derived from a known base (CryptoExchange.Net's rest clients, Octokit's
    /// GitHubClient, RestSharp's RestClient from v107, which wraps an HttpClient of its own), and types listed
    /// in <c>guard.GRD006.client_types</c>. Resolved once per compilation; what a source type's constructors do is
    /// read once per type.
    /// </summary>
    internal sealed class ApiClientTypes
    {
        private static readonly string[] KnownClientBases =
        {
            "CryptoExchange.Net.Clients.BaseRestClient",
            "Octokit.GitHubClient",
        };

        private readonly Lazy<ImmutableArray<INamedTypeSymbol>> _knownBases;
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _ownsHttpClient = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);

        private readonly KnownTypes _known;

        public ApiClientTypes(Compilation compilation)
        {
            var known = GuardCompilationContext.For(compilation).Types;
            _known = known;
            _knownBases = new Lazy<ImmutableArray<INamedTypeSymbol>>(() => KnownBases(compilation), LazyThreadSafetyMode.PublicationOnly);
            _perRequestBases = new Lazy<ImmutableArray<INamedTypeSymbol>>(() => Resolve(compilation, PerRequestBases), LazyThreadSafetyMode.PublicationOnly);
        }

        private ImmutableArray<INamedTypeSymbol> KnownBases(Compilation compilation)
        {
            var bases = Resolve(compilation, KnownClientBases).ToBuilder();
            // RestSharp before v107 sent through HttpWebRequest and kept no connections of its own; from v107 a
            // RestClient wraps an HttpClient (and takes one in a constructor).
            if (compilation.GetTypeByMetadataName("RestSharp.RestClient") is { } restClient && HttpClient != null && TakesHttpClient(restClient))
                bases.Add(restClient);
            return bases.ToImmutable();
        }

        private static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, string[] names)
        {
            var types = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            foreach (var name in names)
            {
                if (compilation.GetTypeByMetadataName(name) is { } type)
                    types.Add(type);
            }
            return types.ToImmutable();
        }

        /// <summary>Types ASP.NET Core makes for every request (or hub invocation).</summary>
        private static readonly string[] PerRequestBases =
        {
            "Microsoft.AspNetCore.Mvc.ControllerBase",
            "Microsoft.AspNetCore.Mvc.RazorPages.PageModel",
            "Microsoft.AspNetCore.SignalR.Hub",
        };

        private readonly Lazy<ImmutableArray<INamedTypeSymbol>> _perRequestBases;

        public bool IsPerRequestType(INamedTypeSymbol type)
        {
            foreach (var known in _perRequestBases.Value)
            {
                if (KnownTypes.IsOrDerivesFrom(type, known))
                    return true;
            }
            return false;
        }

        public INamedTypeSymbol? HttpClient => _known.HttpClient;
        public INamedTypeSymbol? HttpMessageInvoker => _known.HttpMessageInvoker;
        public INamedTypeSymbol? HttpMessageHandler => _known.HttpMessageHandler;
        public INamedTypeSymbol? HttpClientFactory => _known.HttpClientFactory;

        public bool IsHttpClient(ITypeSymbol? type) => HttpClient != null && KnownTypes.IsOrDerivesFrom(type, HttpClient);

        /// <summary>An SDK client that owns an HttpClient of its own (not HttpClient itself).</summary>
        public bool IsSdkClient(INamedTypeSymbol type, ImmutableArray<string> listedTypes)
        {
            if (type.TypeKind != TypeKind.Class || IsHttpClient(type))
                return false;
            foreach (var known in _knownBases.Value)
            {
                if (KnownTypes.IsOrDerivesFrom(type, known))
                    return true;
            }
            if (IsListed(type, listedTypes))
                return true;
            return HttpClient != null && OwnsHttpClient(type);
        }

        /// <summary>An argument that hands the client its connections (an HttpClient, a handler, a factory): then it does not own them.</summary>
        public bool IsConnectionSource(ITypeSymbol? type) =>
            type != null && (KnownTypes.IsOrDerivesFrom(type, HttpMessageInvoker) || KnownTypes.IsOrDerivesFrom(type, HttpMessageHandler) ||
                             KnownTypes.Same(type, HttpClientFactory) || Implements(type, HttpClientFactory));

        private static bool Implements(ITypeSymbol type, INamedTypeSymbol? iface)
        {
            if (iface is null)
                return false;
            foreach (var implemented in type.AllInterfaces)
            {
                if (KnownTypes.Same(implemented.OriginalDefinition, iface))
                    return true;
            }
            return false;
        }

        /// <summary>A listed name (<c>Name</c> or <c>Namespace.Name</c>) names the type or a class it derives from.</summary>
        private static bool IsListed(INamedTypeSymbol type, ImmutableArray<string> listedTypes)
        {
            if (listedTypes.IsDefaultOrEmpty)
                return false;
            for (var current = type; current != null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                string? fullName = null;
                foreach (var entry in listedTypes)
                {
                    if (!entry.EndsWith(current.Name, StringComparison.Ordinal))
                        continue;
                    if (entry.Length == current.Name.Length)
                        return true;
                    fullName ??= current.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithGenericsOptions(SymbolDisplayGenericsOptions.None));
                    if (entry == fullName)
                        return true;
                }
            }
            return false;
        }

        private bool TakesHttpClient(INamedTypeSymbol type)
        {
            foreach (var constructor in type.InstanceConstructors)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (KnownTypes.Same(parameter.Type, HttpClient))
                        return true;
                }
            }
            return false;
        }

        /// <summary>A class of the compilation (or a base class of it in source) that makes a new HttpClient in a constructor or a field initializer.</summary>
        private bool OwnsHttpClient(INamedTypeSymbol type)
        {
            if (_ownsHttpClient.TryGetValue(type.OriginalDefinition, out var known))
                return known;
            var owns = false;
            for (var current = type.OriginalDefinition; current != null && !owns && current.SpecialType != SpecialType.System_Object; current = current.BaseType?.OriginalDefinition)
            {
                if (current.Locations.Length == 0 || !current.Locations[0].IsInSource)
                    break;
                foreach (var reference in current.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax() is TypeDeclarationSyntax declaration && CreatesHttpClientWhenBuilt(declaration))
                    {
                        owns = true;
                        break;
                    }
                }
            }
            _ownsHttpClient.TryAdd(type.OriginalDefinition, owns);
            return owns;
        }

        /// <summary>
        /// Syntactic: a <c>new HttpClient(...)</c> (by name) in an instance constructor or an instance field or
        /// property initializer, stored in a member. A client only made when none is handed in
        /// (<c>http ?? new HttpClient()</c>) counts too: the constructor called without one makes it.
        /// </summary>
        private static bool CreatesHttpClientWhenBuilt(TypeDeclarationSyntax declaration)
        {
            foreach (var member in declaration.Members)
            {
                SyntaxNode? body = member switch
                {
                    ConstructorDeclarationSyntax constructor when !IsStatic(constructor.Modifiers) => (SyntaxNode?)constructor.Body ?? constructor.ExpressionBody,
                    FieldDeclarationSyntax field when !IsStatic(field.Modifiers) => field.Declaration,
                    PropertyDeclarationSyntax property when !IsStatic(property.Modifiers) => property.Initializer,
                    _ => null,
                };
                if (body is null)
                    continue;
                foreach (var node in body.DescendantNodes())
                {
                    if (node is ObjectCreationExpressionSyntax creation && SyntaxNames.RightmostName(creation.Type) == "HttpClient" && IsStored(creation))
                        return true;
                }
            }
            // A primary constructor's parameters initialize members in their initializers, seen above.
            return false;
        }

        private static bool IsStored(ObjectCreationExpressionSyntax creation)
        {
            for (SyntaxNode? node = creation.Parent; node != null; node = node.Parent)
            {
                switch (node)
                {
                    case ParenthesizedExpressionSyntax or BinaryExpressionSyntax or ConditionalExpressionSyntax or CastExpressionSyntax:
                        continue;
                    case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } }:
                    case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax }:
                    case AssignmentExpressionSyntax:
                        return true;
                    default:
                        return false;
                }
            }
            return false;
        }

        private static bool IsStatic(SyntaxTokenList modifiers)
        {
            foreach (var modifier in modifiers)
            {
                if (modifier.ValueText == "static")
                    return true;
            }
            return false;
        }
    }
}
