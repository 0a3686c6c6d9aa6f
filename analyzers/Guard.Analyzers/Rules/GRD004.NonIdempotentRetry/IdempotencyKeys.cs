using System;
using System.Collections.Generic;
using Guard.Analyzers.Http;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD004
{
    /// <summary>
    /// Finds the idempotency key a non-idempotent call sends and judges where it is made: in a key argument, in a
    /// key member of the request object, in an Idempotency-Key header, or in the query string of the URI.
    /// </summary>
    internal sealed partial class IdempotencyKeys
    {
        private readonly IInvocationOperation _invocation;
        private readonly RetryScope _scope;
        private readonly IOperation _root;
        private readonly NonIdempotentRetrySettings _settings;
        private readonly Compilation _compilation;
        private readonly KnownTypes _types;
        private readonly INamedTypeSymbol? _within;
        private readonly KeyOrigins _origins;
        private readonly HashSet<ISymbol> _examined = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        private readonly List<KeySite> _sites = new List<KeySite>();

        private IdempotencyKeys(IInvocationOperation invocation, RetryScope scope, NonIdempotentRetrySettings settings, Compilation compilation, KnownTypes types, INamedTypeSymbol? within)
        {
            _types = types;
            _invocation = invocation;
            _scope = scope;
            _root = OperationTree.Root(invocation);
            _settings = settings;
            _compilation = compilation;
            _within = within;
            _origins = new KeyOrigins(scope);
        }

        public static KeySite Judge(IInvocationOperation invocation, NonIdempotentKind kind, HttpRequestInfo? request, RetryScope scope,
            NonIdempotentRetrySettings settings, Compilation compilation, KnownTypes types, INamedTypeSymbol? within)
        {
            var keys = new IdempotencyKeys(invocation, scope, settings, compilation, types, within);
            if (kind == NonIdempotentKind.OrderPost)
                keys.CollectHttp(request);
            else
                keys.CollectMethod();
            return keys.Verdict();
        }

        private KeySite Verdict()
        {
            KeySite? inside = null, missing = null;
            foreach (var site in _sites)
            {
                switch (site.State)
                {
                    case KeyState.Outside:
                    case KeyState.Unknown:
                        return site;
                    case KeyState.Inside:
                        inside ??= site;
                        break;
                    case KeyState.Missing:
                        if (missing is null || (missing.Value.Fix.Kind == KeyFixKind.None && site.Fix.Kind != KeyFixKind.None))
                            missing = site;
                        break;
                }
            }
            if (inside.HasValue)
                return inside.Value;
            // Nothing linked carries a key: report only when nothing else the call sends mentions one either.
            if (MentionsKeyElsewhere())
                return new KeySite(KeyState.Unknown);
            return missing ?? new KeySite(KeyState.Missing);
        }

        private void CollectMethod()
        {
            if (_invocation.Instance != null && _settings.KeyMemberOf(_invocation.Instance.Type) != null)
                AddObject(_invocation.Instance);
            var method = _invocation.TargetMethod;
            foreach (var argument in _invocation.Arguments)
            {
                var parameter = argument.Parameter;
                if (parameter != null && _settings.IsKeyName(parameter.Name))
                {
                    if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                        _sites.Add(new KeySite(KeyState.Missing, OmittedArgumentFix(method, parameter)));
                    else
                        AddValue(argument.Value, parameter.Name);
                }
                else if (argument.ArgumentKind != ArgumentKind.ParamArray)
                {
                    AddObject(argument.Value);
                }
            }
        }

        private void CollectHttp(HttpRequestInfo? request)
        {
            if (request != null)
            {
                foreach (var argument in request.Creation.Arguments)
                {
                    if (argument.Parameter?.Name == "requestUri")
                        AddQuery(argument.Value);
                }
                AddHeaders(request);
                return;
            }
            // PostAsync, PostAsJsonAsync, or a helper of the user's (client.PostAsync<T>("v2/orders", body)):
            // the key may be in the query string, in a key argument, or in the body object.
            var uri = HttpRequests.UriOf(_invocation, _types);
            AddQuery(uri);
            foreach (var argument in _invocation.Arguments)
            {
                if (argument.ArgumentKind is ArgumentKind.DefaultValue or ArgumentKind.ParamArray || argument.Value == uri || argument.Parameter is null)
                    continue;
                if (_settings.IsKeyName(argument.Parameter.Name))
                {
                    AddValue(argument.Value, argument.Parameter.Name);
                    continue;
                }
                var value = OperationTree.Unwrap(argument.Value);
                if (value is IInvocationOperation { TargetMethod.Name: "Create", TargetMethod.ContainingType.Name: "JsonContent" } json && json.Arguments.Length > 0)
                    value = json.Arguments[0].Value;
                AddObject(value);
            }
        }

        /// <summary>A key value: judged by where it is made.</summary>
        private void AddValue(IOperation value, string keyName)
        {
            var unwrapped = OperationTree.Unwrap(value);
            if (unwrapped is IDefaultValueOperation || unwrapped.ConstantValue is { HasValue: true, Value: null })
            {
                _sites.Add(new KeySite(KeyState.Missing));
                return;
            }
            switch (_origins.Of(unwrapped))
            {
                case KeyOrigin.Inside:
                    _sites.Add(new KeySite(KeyState.Inside, InsideFix(unwrapped, keyName)));
                    break;
                case KeyOrigin.Outside:
                    _sites.Add(new KeySite(KeyState.Outside));
                    break;
                default:
                    _sites.Add(new KeySite(KeyState.Unknown));
                    break;
            }
        }

        /// <summary>An object sent with the call (the request, the order): its key member, if its type has one.</summary>
        private void AddObject(IOperation? operation)
        {
            if (operation is null)
                return;
            var value = OperationTree.Unwrap(operation);
            var keyMember = _settings.KeyMemberOf(value.Type);
            switch (value)
            {
                case IObjectCreationOperation creation:
                    AddCreation(creation, keyMember);
                    return;
                case IAnonymousObjectCreationOperation anonymous:
                    AddAnonymous(anonymous);
                    return;
                case IWithOperation with:
                    if (!AddInitializerKey(with.Initializer) && keyMember != null)
                        AddObject(with.Operand);
                    return;
            }
            if (keyMember is null)
                return;
            var owner = OperationTree.ReferencedSymbol(value) ?? (value as ILocalReferenceOperation)?.Local;
            if (owner is null)
            {
                // An order built by a call (BuildOrder()) or read through another object: it may carry its key.
                _sites.Add(new KeySite(value is IMemberReferenceOperation ? KeyState.Outside : KeyState.Unknown));
                return;
            }
            // order.ClientOrderId = ... inside the retry decides, wherever the order was built.
            var written = false;
            foreach (var write in _origins.MemberWrites(owner, keyMember.Name))
            {
                AddValue(write, keyMember.Name);
                written = true;
            }
            if (written)
                return;
            if (!_scope.ContainsDeclarationOf(owner))
            {
                // Built in view, in this method before the retry, and nothing sets its key: judged by its creation
                // (no fix: the creation is outside the retry). Anything else from outside is assumed to carry its key.
                if (owner is ILocalSymbol outer && BuiltInViewUntouched(outer) is { } creation)
                {
                    _examined.Add(outer);
                    var first = _sites.Count;
                    AddCreation(creation, keyMember);
                    for (var i = first; i < _sites.Count; i++)
                        _sites[i] = new KeySite(_sites[i].State);
                    return;
                }
                _sites.Add(new KeySite(KeyState.Outside));
                return;
            }
            if (owner is ILocalSymbol local && !_origins.IsWrittenInScope(local) && !IsPassedElsewhere(local) &&
                OperationTree.FindDeclarator(_scope.Body, local)?.GetVariableInitializer()?.Value is { } initializer)
            {
                _examined.Add(local);
                AddObject(initializer);
                return;
            }
            _sites.Add(new KeySite(KeyState.Unknown));
        }

        /// <summary>
        /// <c>var order = new OrderRequest { ... };</c> in this method, never assigned again, with no member of it
        /// written and not handed to any other call (which might set its key): its creation says all.
        /// </summary>
        private IObjectCreationOperation? BuiltInViewUntouched(ILocalSymbol local)
        {
            var declarator = OperationTree.FindDeclarator(_root, local);
            if (declarator?.GetVariableInitializer()?.Value is not { } initializer || OperationTree.Unwrap(initializer) is not IObjectCreationOperation creation)
                return null;
            foreach (var operation in _root.Descendants())
            {
                switch (operation)
                {
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        return null;
                    case ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } instance } } when OperationTree.ReferencedSymbol(instance) is ILocalSymbol written && SymbolEqualityComparer.Default.Equals(written, local):
                        return null;
                    case IArgumentOperation argument when !_invocation.Syntax.Span.Contains(argument.Syntax.Span) && OperationTree.Unwrap(argument.Value) is ILocalReferenceOperation passed && SymbolEqualityComparer.Default.Equals(passed.Local, local):
                        return null;
                    case IAnonymousFunctionOperation or ILocalFunctionOperation:
                        break;
                }
            }
            return creation;
        }

        /// <summary>Stamp(order) or ids.Assign(order) inside the retry may set the key where Guard cannot see.</summary>
        private bool IsPassedElsewhere(ILocalSymbol local)
        {
            foreach (var operation in _scope.Body!.Descendants())
            {
                if (operation is IArgumentOperation argument && argument.Parent != _invocation &&
                    OperationTree.Unwrap(argument.Value) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    return true;
            }
            return false;
        }

        private void AddCreation(IObjectCreationOperation creation, ISymbol? keyMember)
        {
            var keyParameterOmitted = false;
            foreach (var argument in creation.Arguments)
            {
                if (argument.Parameter is null || !_settings.IsKeyName(argument.Parameter.Name))
                    continue;
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    keyParameterOmitted = true;
                    continue;
                }
                AddValue(argument.Value, argument.Parameter.Name);
                return;
            }
            if (AddInitializerKey(creation.Initializer))
                return;
            if (keyParameterOmitted)
            {
                // new OkxOrder("BTC-USDT") with the optional clOrdId left out.
                _sites.Add(new KeySite(KeyState.Missing, keyMember is null ? default : AddMemberFix(creation, keyMember)));
                return;
            }
            if (keyMember is null)
                return;
            switch (DefaultOf(keyMember))
            {
                case MemberDefault.Fresh:
                    // The type makes a new key per instance, and the instance is made per attempt.
                    var state = _scope.Contains(creation.Syntax) ? KeyState.Inside : KeyState.Outside;
                    _sites.Add(new KeySite(state, state == KeyState.Inside ? AddMemberFix(creation, keyMember) : default));
                    return;
                case MemberDefault.Other:
                    _sites.Add(new KeySite(KeyState.Unknown));
                    return;
                default:
                    _sites.Add(new KeySite(KeyState.Missing, AddMemberFix(creation, keyMember)));
                    return;
            }
        }

        private bool AddInitializerKey(IObjectOrCollectionInitializerOperation? initializer)
        {
            if (initializer is null)
                return false;
            foreach (var item in initializer.Initializers)
            {
                if (item is ISimpleAssignmentOperation { Target: IMemberReferenceOperation target } assignment && _settings.IsKeyName(target.Member.Name))
                {
                    AddValue(assignment.Value, target.Member.Name);
                    return true;
                }
            }
            return false;
        }

        /// <summary>new { symbol, qty }: a request body whose fields are all in sight.</summary>
        private void AddAnonymous(IAnonymousObjectCreationOperation anonymous)
        {
            foreach (var item in anonymous.Initializers)
            {
                if (item is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment && _settings.IsKeyName(target.Property.Name))
                {
                    AddValue(assignment.Value, target.Property.Name);
                    return;
                }
            }
            _sites.Add(new KeySite(KeyState.Missing));
        }

        /// <summary>?symbol=BTC&amp;newClientOrderId={id}: the hole after a key name in the query string.</summary>
        private void AddQuery(IOperation? uri)
        {
            if (uri is null)
                return;
            var parts = OrderUris.Read(uri, _root);
            for (var i = 0; i < parts.Count; i++)
            {
                var text = parts[i].Text;
                if (text is null || !_settings.TextMentionsKey(text))
                    continue;
                var start = text.LastIndexOfAny(new[] { '?', '&' }) + 1;
                if (text.EndsWith("=", StringComparison.Ordinal) && i + 1 < parts.Count && parts[i + 1].Hole is { } hole &&
                    _settings.IsKeyName(text.Substring(start, text.Length - start - 1)))
                {
                    AddValue(hole, text.Substring(start, text.Length - start - 1));
                }
                else
                {
                    _sites.Add(new KeySite(KeyState.Unknown));
                }
                return;
            }
        }

        /// <summary>request.Headers.Add("Idempotency-Key", key), or TryAddWithoutValidation, or a Headers collection initializer.</summary>
        private void AddHeaders(HttpRequestInfo request)
        {
            var found = false;
            foreach (var operation in _root.Descendants())
            {
                if (operation is not IInvocationOperation { TargetMethod.Name: "Add" or "TryAddWithoutValidation", Arguments.Length: 2 } add)
                    continue;
                if (add.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: string header } || !_settings.IsKeyHeader(header))
                    continue;
                if (!IsHeadersOf(add, request))
                    continue;
                AddValue(add.Arguments[1].Value, header);
                found = true;
            }
            if (!found)
                _sites.Add(new KeySite(KeyState.Missing, AddHeaderFix(request)));
        }

        private static bool IsHeadersOf(IInvocationOperation add, HttpRequestInfo request)
        {
            if (request.Creation.Syntax.Span.Contains(add.Syntax.Span))
                return true;
            return request.Local != null &&
                   add.Instance is IPropertyReferenceOperation { Property.Name: "Headers", Instance: ILocalReferenceOperation owner } &&
                   SymbolEqualityComparer.Default.Equals(owner.Local, request.Local);
        }

        private enum MemberDefault
        {
            None,
            Fresh,
            Other,
        }

        /// <summary>
        /// How a type in source sets its key member when the creation does not: a Guid.NewGuid() initializer makes one
        /// per instance; any other initializer or a constructor assignment makes it unknown. Metadata types: none seen.
        /// </summary>
        private static MemberDefault DefaultOf(ISymbol member)
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax();
                var initializer = syntax switch
                {
                    PropertyDeclarationSyntax property => property.Initializer?.Value,
                    VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                    _ => null,
                };
                if (initializer != null)
                    return SyntaxIsFresh(initializer) ? MemberDefault.Fresh : MemberDefault.Other;
                if (syntax is ParameterSyntax)
                    return MemberDefault.Other;
            }
            if (member.ContainingType is null)
                return MemberDefault.None;
            foreach (var constructor in member.ContainingType.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    foreach (var node in reference.GetSyntax().DescendantNodes())
                    {
                        if (node is AssignmentExpressionSyntax assignment && AssignedName(assignment.Left) == member.Name)
                            return MemberDefault.Other;
                    }
                }
            }
            return MemberDefault.None;
        }

        private static string? AssignedName(ExpressionSyntax left) => left switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => null,
        };

        private static bool SyntaxIsFresh(SyntaxNode node)
        {
            foreach (var descendant in node.DescendantNodesAndSelf())
            {
                if (descendant is InvocationExpressionSyntax invocation && SyntaxNames.InvokedName(invocation) is "NewGuid" or "CreateVersion7" or "NewUlid" or "NewId" or "NextGuid" or "NextId")
                    return true;
                if (descendant is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Now" or "UtcNow" or "TickCount" or "TickCount64" })
                    return true;
            }
            return false;
        }

        /// <summary>
        /// Whether what the call sends mentions a key Guard did not link: an identifier or string literal naming a key,
        /// or a value whose type has a key member, in the arguments, in the initializers of the locals they read, or
        /// in statements that fill those locals (parameters["newClientOrderId"] = id). Other calls in the method,
        /// even other orders with keys, do not count.
        /// </summary>
        private bool MentionsKeyElsewhere()
        {
            var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var argument in _invocation.Arguments)
            {
                if (argument.ArgumentKind != ArgumentKind.DefaultValue && Mentions(argument.Value, 0, visited))
                    return true;
            }
            return false;
        }

        private const int MaxMentionDepth = 3;

        private bool Mentions(IOperation operation, int depth, HashSet<ISymbol> visited)
        {
            foreach (var token in operation.Syntax.DescendantTokens())
            {
                switch (token.Kind())
                {
                    case SyntaxKind.IdentifierToken when _settings.IsKeyName(token.ValueText):
                        return true;
                    case SyntaxKind.StringLiteralToken or SyntaxKind.InterpolatedStringTextToken or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
                        when _settings.TextMentionsKey(token.ValueText):
                        return true;
                }
            }
            if (depth >= MaxMentionDepth)
                return false;
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                ISymbol? symbol = descendant switch
                {
                    ILocalReferenceOperation reference => reference.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (symbol is null || !visited.Add(symbol))
                    continue;
                // A resubmission that builds a new order from the failed one does not carry its key by mentioning it.
                if (!_examined.Contains(symbol) && _scope.Source != RetrySource.Resubmission && _settings.KeyMemberOf(descendant.Type) != null)
                    return true;
                if (symbol is ILocalSymbol local && OperationTree.FindDeclarator(_root, local)?.GetVariableInitializer()?.Value is { } initializer &&
                    Mentions(initializer, depth + 1, visited))
                    return true;
                foreach (var fill in Fills(symbol))
                {
                    if (Mentions(fill, depth + 1, visited))
                        return true;
                }
            }
            return false;
        }

        /// <summary>Statements that put something into the value: <c>x.Add(...)</c>, <c>x.Headers.Add(...)</c>, <c>x[k] = v</c>, <c>x.P = v</c>.</summary>
        private IEnumerable<IOperation> Fills(ISymbol symbol)
        {
            foreach (var operation in _root.Descendants())
            {
                var receiver = operation switch
                {
                    IInvocationOperation invocation when invocation != _invocation => invocation.Instance,
                    ISimpleAssignmentOperation assignment => assignment.Target switch
                    {
                        IMemberReferenceOperation member => member.Instance,
                        IArrayElementReferenceOperation element => element.ArrayReference,
                        _ => null,
                    },
                    _ => null,
                };
                if (receiver != null && SymbolEqualityComparer.Default.Equals(BaseSymbol(receiver), symbol))
                    yield return operation;
            }
        }

        /// <summary>The local or parameter at the base of <c>x.Headers</c> or <c>x</c>.</summary>
        private static ISymbol? BaseSymbol(IOperation receiver)
        {
            var current = OperationTree.Unwrap(receiver);
            while (current is IMemberReferenceOperation { Instance: { } instance })
                current = OperationTree.Unwrap(instance);
            return current switch
            {
                ILocalReferenceOperation local => local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
        }
    }
}
