using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers
{
    /// <summary>
    /// Decides whether an invocation sends a request over the network: HttpClient's send methods, the
    /// System.Net.Http.Json extensions, and methods users list in <c>guard.outbound_methods</c>.
    /// Reading a response (ReadAsStringAsync and the like) is not outbound.
    /// </summary>
    internal static class OutboundCalls
    {
        public const string OptionName = "outbound_methods";

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

        /// <summary>Cheap name test to run before any symbol work.</summary>
        public static bool IsCandidateName(string name, MethodNameList userMethods) =>
            HttpClientMethods.Contains(name) || JsonExtensionMethods.Contains(name) || !userMethods.IsEmpty;

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
            return userMethods.Matches(method.ReducedFrom ?? method);
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
