using System.Collections.Generic;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Http
{
    /// <summary>
    /// Decides whether an invocation sends a request over the network: HttpClient's send methods, the
    /// System.Net.Http.Json extensions, the legacy WebRequest and WebClient, and methods users list in
    /// <c>guard.outbound_methods</c>.
    /// Reading a response (ReadAsStringAsync and the like) is not outbound.
    /// </summary>
    internal static class OutboundCalls
    {
        private static readonly HashSet<string> HttpClientMethods = new HashSet<string>
        {
            "Send", "SendAsync", "GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync",
            "GetStringAsync", "GetStreamAsync", "GetByteArrayAsync",
        };

        private static readonly HashSet<string> JsonExtensionMethods = new HashSet<string>
        {
            "GetFromJsonAsync", "GetFromJsonAsAsyncEnumerable", "PostAsJsonAsync", "PutAsJsonAsync",
            "PatchAsJsonAsync", "DeleteFromJsonAsync",
        };

        /// <summary>HttpWebRequest and FtpWebRequest send on GetResponse; much exchange code still does.</summary>
        private static readonly HashSet<string> WebRequestMethods = new HashSet<string> { "GetResponse", "GetResponseAsync" };

        private static readonly HashSet<string> WebClientMethods = new HashSet<string>
        {
            "DownloadString", "DownloadStringTaskAsync", "DownloadData", "DownloadDataTaskAsync", "DownloadFile",
            "DownloadFileTaskAsync", "OpenRead", "OpenReadTaskAsync", "UploadString", "UploadStringTaskAsync",
            "UploadData", "UploadDataTaskAsync", "UploadValues", "UploadValuesTaskAsync", "UploadFile", "UploadFileTaskAsync",
        };

        /// <summary>Cheap name test to run before any symbol work.</summary>
        public static bool IsCandidateName(string name, MethodNameList userMethods) =>
            HttpClientMethods.Contains(name) || JsonExtensionMethods.Contains(name) || WebRequestMethods.Contains(name) ||
            WebClientMethods.Contains(name) || !userMethods.IsEmpty;

        public static bool IsOutbound(IInvocationOperation invocation, KnownTypes types, MethodNameList userMethods)
        {
            var method = invocation.TargetMethod;
            var name = method.Name;
            if (HttpClientMethods.Contains(name) && types.HttpClient != null &&
                (KnownTypes.IsOrDerivesFrom(method.ContainingType, types.HttpClient) ||
                 (name is "Send" or "SendAsync" && KnownTypes.IsOrDerivesFrom(method.ContainingType, types.HttpMessageInvoker) &&
                  KnownTypes.IsOrDerivesFrom(invocation.Instance?.Type, types.HttpClient))))
                return true;
            if (JsonExtensionMethods.Contains(name) && KnownTypes.Same(method.ContainingType, types.HttpClientJsonExtensions))
                return true;
            if (WebRequestMethods.Contains(name) && KnownTypes.IsOrDerivesFrom(method.ContainingType, types.WebRequest))
                return true;
            if (WebClientMethods.Contains(name) && KnownTypes.IsOrDerivesFrom(method.ContainingType, types.WebClient))
                return true;
            return userMethods.Matches(method.ReducedFrom ?? method);
        }

        /// <summary>
        /// True inside a method the user listed as outbound (or one overriding or implementing it): that method is
        /// the transport, its callers are judged, and the overloads it forwards to are part of it.
        /// </summary>
        public static bool IsInsideListedHelper(IInvocationOperation call, ISymbol? containingSymbol, MethodNameList userMethods)
        {
            if (userMethods.IsEmpty)
                return false;
            // A wrapper of the same name around a listed method (Binance.Net's SendAsync over RestApiClient.SendAsync,
            // an overload filling in defaults) forwards: it is part of the transport too.
            if (containingSymbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } wrapper && wrapper.Name == call.TargetMethod.Name &&
                userMethods.Matches(call.TargetMethod.ReducedFrom ?? call.TargetMethod.OriginalDefinition))
                return true;
            for (var symbol = containingSymbol; symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
            {
                for (var current = method.OriginalDefinition; current != null; current = current.OverriddenMethod)
                {
                    if (userMethods.Matches(current))
                        return true;
                }
                foreach (var implemented in ImplementedMethods(method))
                {
                    if (userMethods.Matches(implemented))
                        return true;
                }
            }
            return false;
        }

        private static IEnumerable<IMethodSymbol> ImplementedMethods(IMethodSymbol method)
        {
            foreach (var explicitImplementation in method.ExplicitInterfaceImplementations)
                yield return explicitImplementation;
            var type = method.ContainingType;
            if (type is null || method.MethodKind != MethodKind.Ordinary)
                yield break;
            foreach (var iface in type.AllInterfaces)
            {
                foreach (var member in iface.GetMembers(method.Name))
                {
                    if (member is IMethodSymbol candidate && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(candidate), method))
                        yield return candidate;
                }
            }
        }

        /// <summary>The HttpClient the call is made on (the receiver, or the first argument of an extension).</summary>
        public static IOperation? GetClientOperation(IInvocationOperation invocation)
        {
            if (invocation.Instance != null)
                return invocation.Instance;
            if (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0)
                return invocation.Arguments[0].Value;
            return null;
        }
    }
}
