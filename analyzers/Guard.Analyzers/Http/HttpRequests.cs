using System;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Http
{
    internal enum HttpVerb
    {
        Unknown,
        Get,
        Head,
        Options,
        Post,
        Put,
        Patch,
        Delete,
    }

    /// <summary>The request an HttpClient.Send/SendAsync call sends, as far as it can be read in the method.</summary>
    internal sealed class HttpRequestInfo
    {
        public HttpRequestInfo(IObjectCreationOperation creation, ILocalSymbol? local, IVariableDeclaratorOperation? declarator)
        {
            Creation = creation;
            Local = local;
            Declarator = declarator;
        }

        public IObjectCreationOperation Creation { get; }

        /// <summary>The local the request is stored in; null when it is created in the call's argument list.</summary>
        public ILocalSymbol? Local { get; }

        public IVariableDeclaratorOperation? Declarator { get; }
    }

    /// <summary>
    /// What an outbound call sends, read the same way for HttpClient and for any helper or extension method: the
    /// HTTP method (from a request message, an HttpMethod or "Method.Post"-like argument, a "POST" string, or the
    /// method's name: PostAsync, PostAsync&lt;T&gt;, SendPostRequest) and the URI argument.
    /// </summary>
    internal static class HttpRequests
    {
        public static HttpVerb VerbOf(IInvocationOperation call, KnownTypes types, out HttpRequestInfo? request)
        {
            request = null;
            var root = OperationTree.Root(call);
            var message = RequestMessageArgument(call, types);
            if (message != null)
            {
                request = RequestOf(message, root);
                if (request is null)
                    return HttpVerb.Unknown;
                IOperation? method = null, uri = null;
                ReadRequest(request, root, ref method, ref uri);
                return method is null ? HttpVerb.Get : VerbOfValue(method, null);
            }
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    continue;
                var verb = VerbOfValue(argument.Value, argument.Parameter);
                if (verb != HttpVerb.Unknown)
                    return verb;
            }
            return VerbOfName(call.TargetMethod.Name);
        }

        /// <summary>The verb a method name states: GetAsync, PostAsJsonAsync, SendPostRequestAsync, patch_json.</summary>
        public static HttpVerb VerbOfName(string name)
        {
            // GRD004 asks this of every invocation: most names (Add, Select, ToString) contain no verb at all.
            if (!OperationNames.MayContainAny(name, VerbWords))
                return HttpVerb.Unknown;
            var words = OperationNames.Words(name);
            if (words.Count == 0)
                return HttpVerb.Unknown;
            var first = Parse(words[0]);
            if (first != HttpVerb.Unknown)
                return first;
            foreach (var word in words)
            {
                if (word is "post" or "patch")
                    return Parse(word);
            }
            return HttpVerb.Unknown;
        }

        private static readonly string[] VerbWords = { "get", "post", "put", "delete", "patch", "head", "options" };

        /// <summary>The URI the call sends to: a request message's, or the string or Uri argument named like one (else the first).</summary>
        public static IOperation? UriOf(IInvocationOperation call, KnownTypes types)
        {
            var root = OperationTree.Root(call);
            var message = RequestMessageArgument(call, types);
            if (message != null)
            {
                var request = RequestOf(message, root);
                if (request is null)
                    return null;
                IOperation? method = null, uri = null;
                ReadRequest(request, root, ref method, ref uri);
                return uri;
            }
            IOperation? first = null;
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is null || !IsUriType(argument.Parameter.Type))
                    continue;
                if (IsUriName(argument.Parameter.Name))
                    return argument.Value;
                first ??= argument.Value;
            }
            return first;
        }

        public static bool IsUriParameter(IParameterSymbol? parameter) =>
            parameter != null && IsUriType(parameter.Type) && IsUriName(parameter.Name);

        private static bool IsUriType(ITypeSymbol type) =>
            type.SpecialType == SpecialType.System_String || (type.Name == "Uri" && type.ContainingNamespace?.Name == "System");

        private static readonly string[] UriNameParts = { "uri", "url", "path", "endpoint", "resource", "route", "address" };

        /// <summary>Asked of the string parameters of every call GRD004 looks at: no lower-case copy of the name.</summary>
        private static bool IsUriName(string name)
        {
            foreach (var part in UriNameParts)
            {
                if (name.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0)
                    return true;
            }
            return false;
        }

        private static IOperation? RequestMessageArgument(IInvocationOperation call, KnownTypes types)
        {
            foreach (var argument in call.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.DefaultValue && KnownTypes.IsOrDerivesFrom(argument.Value.Type, types.HttpRequestMessage))
                    return argument.Value;
            }
            return null;
        }

        /// <summary>
        /// <c>HttpMethod.Post</c>, <c>new HttpMethod("POST")</c>, RestSharp's <c>Method.Post</c>, ASP.NET's
        /// <c>HttpMethods.Post</c>, or a "POST" string given to a parameter named method or verb.
        /// </summary>
        private static HttpVerb VerbOfValue(IOperation value, IParameterSymbol? parameter)
        {
            value = OperationTree.Unwrap(value);
            switch (value)
            {
                case IPropertyReferenceOperation property when IsMethodHolder(property.Property.ContainingType):
                    return Parse(property.Property.Name.ToLowerInvariant());
                case IFieldReferenceOperation field when IsMethodHolder(field.Field.ContainingType):
                    return Parse(field.Field.Name.ToLowerInvariant());
                case IObjectCreationOperation creation when creation.Type?.Name == "HttpMethod" && creation.Arguments.Length == 1:
                    return creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string verb } ? Parse(verb.ToLowerInvariant()) : HttpVerb.Unknown;
            }
            if (value.ConstantValue is { HasValue: true, Value: string text } && parameter != null)
            {
                var name = parameter.Name.ToLowerInvariant();
                if (name.Contains("method") || name.Contains("verb"))
                    return Parse(text.ToLowerInvariant());
            }
            return HttpVerb.Unknown;
        }

        private static bool IsMethodHolder(INamedTypeSymbol? type) =>
            type != null && (type.Name.IndexOf("Method", StringComparison.Ordinal) >= 0 || type.Name.IndexOf("Verb", StringComparison.Ordinal) >= 0);

        private static HttpVerb Parse(string word) => word switch
        {
            "get" => HttpVerb.Get,
            "head" => HttpVerb.Head,
            "options" => HttpVerb.Options,
            "post" => HttpVerb.Post,
            "put" => HttpVerb.Put,
            "patch" => HttpVerb.Patch,
            "delete" => HttpVerb.Delete,
            _ => HttpVerb.Unknown,
        };

        private static HttpRequestInfo? RequestOf(IOperation message, IOperation root)
        {
            message = OperationTree.Unwrap(message);
            if (message is IObjectCreationOperation inline)
                return new HttpRequestInfo(inline, null, null);
            if (message is not ILocalReferenceOperation reference)
                return null;
            var declarator = OperationTree.FindDeclarator(root, reference.Local);
            var initializer = declarator?.GetVariableInitializer()?.Value;
            return initializer != null && OperationTree.Unwrap(initializer) is IObjectCreationOperation creation
                ? new HttpRequestInfo(creation, reference.Local, declarator)
                : null;
        }

        /// <summary>The method and URI from the constructor, the object initializer, and assignments to the local.</summary>
        private static void ReadRequest(HttpRequestInfo request, IOperation root, ref IOperation? method, ref IOperation? uri)
        {
            foreach (var argument in request.Creation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    continue;
                if (argument.Parameter?.Name == "method")
                    method = argument.Value;
                else if (argument.Parameter?.Name == "requestUri")
                    uri = argument.Value;
            }
            if (request.Creation.Initializer != null)
            {
                foreach (var initializer in request.Creation.Initializer.Initializers)
                    ReadAssignment(initializer, null, ref method, ref uri);
            }
            if (request.Local is null)
                return;
            foreach (var operation in root.Descendants())
            {
                if (operation is ISimpleAssignmentOperation)
                    ReadAssignment(operation, request.Local, ref method, ref uri);
            }
        }

        private static void ReadAssignment(IOperation operation, ILocalSymbol? owner, ref IOperation? method, ref IOperation? uri)
        {
            if (operation is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment)
                return;
            if (owner != null && !(property.Instance is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, owner)))
                return;
            if (property.Property.Name == "Method")
                method = assignment.Value;
            else if (property.Property.Name == "RequestUri")
                uri = assignment.Value;
        }
    }
}
