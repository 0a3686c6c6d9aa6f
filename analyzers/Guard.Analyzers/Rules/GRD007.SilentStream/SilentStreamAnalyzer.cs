using System.Collections.Concurrent;
using System.Collections.Immutable;
using Guard.Analyzers.Http;
using Guard.Analyzers.Infrastructure;
using Guard.Analyzers.Rules.GRD006;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD007
{
    /// <summary>
    /// GRD007: a wait that nothing ends when the other side goes silent.
    /// <list type="bullet">
    /// <item>A receive loop on a ClientWebSocket (or a wrapper whose ReceiveAsync gives a WebSocketReceiveResult),
    /// or a loop reading a streaming HTTP response (ReadAsync on the response stream, ReadLineAsync on a reader over
    /// it), whose token has no deadline (none, <c>default</c>, <c>CancellationToken.None</c>, the method's own token
    /// parameter, a token source made without a delay) in a type that shows no way of noticing silence (CancelAfter,
    /// KeepAliveTimeout, a token source with a delay, a last-received stamp or watchdog, WaitAsync on the receive,
    /// Task.WhenAny in the method).</item>
    /// <item>A request sent with no cancellation token on an HttpClient of the same type whose Timeout is set to
    /// Timeout.InfiniteTimeSpan.</item>
    /// </list>
    /// Test projects are not analyzed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SilentStreamAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property the code fix reads: present when the receive is on a ClientWebSocket local made in the method, before it connects, and the framework has KeepAliveTimeout.</summary>
        public const string KeepAliveFixProperty = "Guard.KeepAliveTimeout";

        private static readonly ImmutableDictionary<string, string?> KeepAliveProperties = ImmutableDictionary<string, string?>.Empty.Add(KeepAliveFixProperty, "true");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.SilentStream);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Skipped);
            context.RegisterCompilationStartAction(start =>
            {
                if (TestProjects.IsTestProject(start.Compilation))
                    return;
                // Types are resolved in the callbacks, on first use (LazyType): nothing here binds the compilation.
                var types = new StreamTypes(start.Compilation);
                start.RegisterOperationAction(c => AnalyzeReceive(c, types), OperationKind.Invocation);
                var known = GuardCompilationContext.For(start.Compilation).Types;
                start.RegisterSymbolStartAction(symbolStart =>
                {
                    // Per-type actions only where an infinite timeout may be set: registering them for every type of
                    // a large compilation cost more than the rule's own work.
                    if (types.HttpClient is null || types.Timeout is null || !types.MaySetInfiniteTimeout((INamedTypeSymbol)symbolStart.Symbol))
                        return;
                    var state = new InfiniteTimeouts(types, known);
                    symbolStart.RegisterOperationAction(state.OnAssignment, OperationKind.SimpleAssignment);
                    symbolStart.RegisterOperationAction(state.OnInvocation, OperationKind.Invocation);
                    symbolStart.RegisterSymbolEndAction(state.Report);
                }, SymbolKind.NamedType);
            });
        }

        private enum ReceiveKind
        {
            None,
            WebSocket,
            HttpStream,
        }

        private static void AnalyzeReceive(OperationAnalysisContext context, StreamTypes types)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var name = invocation.TargetMethod.Name;
            if (name is not ("ReceiveAsync" or "ReadAsync" or "ReadLineAsync") || types.CancellationToken is null)
                return;
            var kind = Classify(invocation, types);
            if (kind == ReceiveKind.None || !InLoop(invocation))
                return;
            if (HasDeadline(invocation, types, out var tokenFromCaller))
                return;
            if (tokenFromCaller && types.CompilationDeclaresWatchdog)
                return;
            if (context.ContainingSymbol.ContainingType is { } type && types.WatchesSilence(type))
                return;
            if (kind == ReceiveKind.WebSocket && types.CompilationSetsKeepAliveTimeout)
                return;
            if (RacesADelay(invocation))
                return;
            var fixable = kind == ReceiveKind.WebSocket && types.HasKeepAliveTimeout && KeepAliveFixable(invocation, types);
            var message = kind == ReceiveKind.WebSocket
                ? "waits for the next message in a loop with no deadline: on a half-open connection or a stalled feed it waits forever while the bot trades on stale prices; give each receive a deadline (CancelAfter on a linked token source, reset per message) or set Options.KeepAliveTimeout, and reconnect when it fires"
                : "reads a streaming response in a loop with no deadline: when the server stops sending without closing, it waits forever on stale data; give each read a deadline (CancelAfter on a linked token source, reset per read) and reconnect when it fires";
            context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.SilentStream, invocation.Syntax.GetLocation(),
                fixable ? KeepAliveProperties : ImmutableDictionary<string, string?>.Empty, name, message));
        }

        private static ReceiveKind Classify(IInvocationOperation invocation, StreamTypes types)
        {
            var method = invocation.TargetMethod;
            var receiver = invocation.Instance is null ? null : OperationTree.Unwrap(invocation.Instance);
            if (receiver is null)
                return ReceiveKind.None;
            if (method.Name == "ReceiveAsync")
            {
                if (!ReturnsReceiveResult(method, types))
                    return ReceiveKind.None;
                var receiverType = receiver.Type;
                if (KnownTypes.IsOrDerivesFrom(receiverType, types.ClientWebSocket))
                    return ReceiveKind.WebSocket;
                // A WebSocket may be a server's (ASP.NET Core's accepted socket): only one this code made as a client.
                if (KnownTypes.IsOrDerivesFrom(receiverType, types.WebSocket))
                    return IsMadeAs(receiver, "ClientWebSocket") ? ReceiveKind.WebSocket : ReceiveKind.None;
                // A wrapper of the compilation (IClientWebSocket) with the same shape.
                return receiverType?.TypeKind is TypeKind.Interface or TypeKind.Class ? ReceiveKind.WebSocket : ReceiveKind.None;
            }
            if (method.Name == "ReadAsync" && KnownTypes.IsOrDerivesFrom(method.ContainingType, types.Stream))
                return IsResponseStream(receiver) ? ReceiveKind.HttpStream : ReceiveKind.None;
            if (KnownTypes.IsOrDerivesFrom(method.ContainingType, types.TextReader))
                return IsReaderOverResponse(receiver) ? ReceiveKind.HttpStream : ReceiveKind.None;
            return ReceiveKind.None;
        }

        private static bool ReturnsReceiveResult(IMethodSymbol method, StreamTypes types)
        {
            if (method.ReturnType is not INamedTypeSymbol { IsGenericType: true } returned || returned.TypeArguments.Length != 1)
                return false;
            var result = returned.TypeArguments[0];
            return KnownTypes.Same(result, types.WebSocketReceiveResult) || KnownTypes.Same(result, types.ValueWebSocketReceiveResult);
        }

        /// <summary>A local or field whose every value in source is <c>new TypeName(...)</c>.</summary>
        private static bool IsMadeAs(IOperation receiver, string typeName)
        {
            ISymbol? symbol = receiver switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };
            if (symbol is null)
                return false;
            var values = AssignedValues.Of(symbol);
            if (values.IsEmpty)
                return false;
            foreach (var value in values)
            {
                if (value is not ObjectCreationExpressionSyntax creation || SyntaxNames.RightmostName(creation.Type) != typeName)
                    return false;
            }
            return true;
        }

        /// <summary>A local whose every value is <c>await ...ReadAsStreamAsync(...)</c> or <c>await client.GetStreamAsync(...)</c>.</summary>
        private static bool IsResponseStream(IOperation receiver)
        {
            if (receiver is not ILocalReferenceOperation local)
                return false;
            var values = AssignedValues.Of(local.Local);
            if (values.IsEmpty)
                return false;
            foreach (var value in values)
            {
                if (!IsResponseStreamExpression(value))
                    return false;
            }
            return true;
        }

        private static bool IsResponseStreamExpression(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
                expression = parenthesized.Expression;
            if (expression is AwaitExpressionSyntax awaited)
                expression = awaited.Expression;
            if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var inner } })
                expression = inner;
            return expression is InvocationExpressionSyntax invocation && SyntaxNames.InvokedName(invocation) is "ReadAsStreamAsync" or "GetStreamAsync";
        }

        /// <summary>A local reader whose every value is <c>new StreamReader(stream)</c> over a response stream.</summary>
        private static bool IsReaderOverResponse(IOperation receiver)
        {
            if (receiver is not ILocalReferenceOperation local)
                return false;
            var values = AssignedValues.Of(local.Local);
            if (values.IsEmpty)
                return false;
            foreach (var value in values)
            {
                if (value is not ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } creation || SyntaxNames.RightmostName(creation.Type) != "StreamReader")
                    return false;
                var source = creation.ArgumentList.Arguments[0].Expression;
                if (IsResponseStreamExpression(source))
                    continue;
                if (source is not IdentifierNameSyntax identifier || !IsResponseStreamLocal(identifier, local.Local))
                    return false;
            }
            return true;
        }

        private static bool IsResponseStreamLocal(IdentifierNameSyntax identifier, ILocalSymbol reader)
        {
            // The stream is a local of the same body: find its declarator there.
            var body = reader.DeclaringSyntaxReferences.Length == 1 ? reader.DeclaringSyntaxReferences[0].GetSyntax().FirstAncestorOrSelf<BlockSyntax>() : null;
            if (body is null)
                return false;
            foreach (var node in body.DescendantNodes())
            {
                if (node is VariableDeclaratorSyntax { Initializer: { } initializer } declarator && declarator.Identifier.ValueText == identifier.Identifier.ValueText)
                    return IsResponseStreamExpression(initializer.Value);
            }
            return false;
        }

        /// <summary>Repeated by a loop of the same function (a loop around a lambda does not count).</summary>
        private static bool InLoop(IOperation operation)
        {
            IOperation child = operation;
            for (var parent = operation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    return false;
                if (parent is ILoopOperation loop && ClientSites.IsRepeatedPart(loop, child))
                    return true;
            }
            return false;
        }

        /// <summary>
        /// Whether the token passed may carry a deadline. Known to carry none: no token, <c>default</c>,
        /// <c>CancellationToken.None</c>, a parameter of the method (the caller's stop token), the Token of a local
        /// source made without a delay. Anything else (a field, a property, a call) may be cancelled by a watchdog
        /// out of sight.
        /// </summary>
        private static bool HasDeadline(IInvocationOperation invocation, StreamTypes types, out bool tokenFromCaller)
        {
            tokenFromCaller = false;
            foreach (var argument in invocation.Arguments)
            {
                if (!KnownTypes.Same(argument.Parameter?.Type, types.CancellationToken))
                    continue;
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    return false;
                var token = OperationTree.Unwrap(argument.Value);
                tokenFromCaller = token is IParameterReferenceOperation or IPropertyReferenceOperation { Property.Name: "Token" };
                return !IsWithoutDeadline(token, types);
            }
            return false; // an overload without a token (ReadLineAsync())
        }

        internal static bool IsNoToken(IOperation value, StreamTypes types) =>
            value is IDefaultValueOperation ||
            (value is IPropertyReferenceOperation { Property.Name: "None" } none && KnownTypes.Same(none.Property.ContainingType, types.CancellationToken));

        private static bool IsWithoutDeadline(IOperation value, StreamTypes types)
        {
            if (IsNoToken(value, types) || value is IParameterReferenceOperation)
                return true;
            if (value is IPropertyReferenceOperation { Property.Name: "Token", Instance: ILocalReferenceOperation source } &&
                KnownTypes.IsOrDerivesFrom(source.Local.Type, types.CancellationTokenSource))
            {
                var values = AssignedValues.Of(source.Local);
                if (values.IsEmpty)
                    return false;
                foreach (var made in values)
                {
                    var plain = made is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } or ObjectCreationExpressionSyntax { ArgumentList: null } or ImplicitObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } ||
                                (made is InvocationExpressionSyntax linked && SyntaxNames.InvokedName(linked) == "CreateLinkedTokenSource");
                    if (!plain)
                        return false;
                }
                return true; // a CancelAfter on it would have been seen in the type
            }
            return false;
        }

        /// <summary><c>ws.ReceiveAsync(...).WaitAsync(timeout)</c>, or a Task.WhenAny in the same method racing it against a delay.</summary>
        private static bool RacesADelay(IInvocationOperation invocation)
        {
            IOperation current = invocation;
            while (current.Parent is IConversionOperation or IInvocationOperation { TargetMethod.Name: "AsTask" or "ConfigureAwait" })
                current = current.Parent;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "WaitAsync" } wait && wait.Instance == current)
                return true;
            var root = current;
            while (root.Parent != null)
                root = root.Parent;
            foreach (var operation in root.Descendants())
            {
                if (operation is not IInvocationOperation { TargetMethod: var method })
                    continue;
                if (method.Name == "WhenAny" && method.ContainingType?.Name == "Task")
                    return true;
                // receiveTask.WaitAsync(TimeSpan.FromSeconds(30)): a task's wait with a timeout (a semaphore's WaitAsync is not one).
                if (method.Name == "WaitAsync" && method.ContainingType?.Name is "Task" or "ValueTask" && HasTimeSpanParameter(method))
                    return true;
            }
            return false;
        }

        private static bool HasTimeSpanParameter(IMethodSymbol method)
        {
            foreach (var parameter in method.Parameters)
            {
                if (parameter.Type.Name == "TimeSpan")
                    return true;
            }
            return false;
        }

        /// <summary>
        /// The receive is on a local <c>var ws = new ClientWebSocket()</c> of the same block, connected later in that
        /// block by a statement of its own, with no KeepAliveInterval set: a KeepAliveTimeout set right after the
        /// declaration takes effect.
        /// </summary>
        private static bool KeepAliveFixable(IInvocationOperation invocation, StreamTypes types)
        {
            if (invocation.Instance is null || OperationTree.Unwrap(invocation.Instance) is not ILocalReferenceOperation { Local: var local } ||
                !KnownTypes.Same(local.Type, types.ClientWebSocket) || local.DeclaringSyntaxReferences.Length != 1)
                return false;
            if (local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax } declarator ||
                declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax block } statement })
                return false;
            var connected = false;
            foreach (var next in block.Statements)
            {
                if (next.SpanStart <= statement.SpanStart)
                    continue;
                foreach (var node in next.DescendantNodesAndSelf())
                {
                    if (node is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "KeepAliveInterval" })
                        return false;
                    if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConnectAsync", Expression: IdentifierNameSyntax target } } &&
                        target.Identifier.ValueText == local.Name)
                        connected = true;
                }
                if (connected)
                    return true;
            }
            return false;
        }

        /// <summary>HttpClients of one type whose Timeout is infinite, and the requests sent on them without a token.</summary>
        private sealed class InfiniteTimeouts
        {
            private readonly StreamTypes _types;
            private readonly KnownTypes _known;
            private readonly ConcurrentDictionary<ISymbol, bool> _infinite = new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
            private readonly ConcurrentBag<(ISymbol Client, IInvocationOperation Call)> _calls = new ConcurrentBag<(ISymbol, IInvocationOperation)>();

            public InfiniteTimeouts(StreamTypes types, KnownTypes known)
            {
                _types = types;
                _known = known;
            }

            public void OnAssignment(OperationAnalysisContext context)
            {
                var assignment = (ISimpleAssignmentOperation)context.Operation;
                if (assignment.Target is not IPropertyReferenceOperation { Property.Name: "Timeout" } target ||
                    !KnownTypes.IsOrDerivesFrom(target.Property.ContainingType, _types.HttpClient) || !IsInfinite(OperationTree.Unwrap(assignment.Value)))
                    return;
                var instance = target.Instance is null ? null : OperationTree.Unwrap(target.Instance);
                if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
                {
                    // new HttpClient { Timeout = Timeout.InfiniteTimeSpan }: where the new client goes.
                    IOperation? parent = assignment.Parent;
                    while (parent != null && parent is not IObjectCreationOperation)
                        parent = parent.Parent;
                    if (parent is null)
                        return;
                    while (parent.Parent is IConversionOperation)
                        parent = parent.Parent;
                    switch (parent.Parent)
                    {
                        case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                            _infinite.TryAdd(declarator.Symbol, true);
                            break;
                        case IFieldInitializerOperation fieldInitializer:
                            foreach (var field in fieldInitializer.InitializedFields)
                                _infinite.TryAdd(field, true);
                            break;
                        case IPropertyInitializerOperation propertyInitializer:
                            foreach (var property in propertyInitializer.InitializedProperties)
                                _infinite.TryAdd(property, true);
                            break;
                        case ISimpleAssignmentOperation { Target: var stored }:
                            if (MemberOf(stored) is { } symbol)
                                _infinite.TryAdd(symbol, true);
                            break;
                    }
                    return;
                }
                if (instance != null && MemberOf(instance) is { } client)
                    _infinite.TryAdd(client, true);
            }

            public void OnInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (!OutboundCalls.IsCandidateName(invocation.TargetMethod.Name, default) || !OutboundCalls.IsOutbound(invocation, _known, default))
                    return;
                if (OutboundCalls.GetClientOperation(invocation) is not { } client || MemberOf(OperationTree.Unwrap(client)) is not { } symbol)
                    return;
                foreach (var argument in invocation.Arguments)
                {
                    if (KnownTypes.Same(argument.Parameter?.Type, _types.CancellationToken) &&
                        argument.ArgumentKind != ArgumentKind.DefaultValue && !IsNoToken(OperationTree.Unwrap(argument.Value), _types))
                        return;
                }
                _calls.Add((symbol, invocation));
            }

            public void Report(SymbolAnalysisContext context)
            {
                if (_infinite.IsEmpty)
                    return;
                foreach (var (client, call) in _calls)
                {
                    if (!_infinite.ContainsKey(client))
                        continue;
                    context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.SilentStream, call.Syntax.GetLocation(), call.TargetMethod.Name,
                        "is sent with no cancellation token on an HttpClient whose Timeout is infinite: if the server never answers, or stops sending halfway, it waits forever; pass a token with a deadline (CancelAfter) or give the client a finite Timeout"));
                }
            }

            private bool IsInfinite(IOperation value) => value switch
            {
                IFieldReferenceOperation { Field.Name: "InfiniteTimeSpan" } field => KnownTypes.Same(field.Field.ContainingType, _types.Timeout),
                // FromMilliseconds(-1) binds FromMilliseconds(long, long microseconds = 0) on .NET 9.
                IInvocationOperation { TargetMethod.Name: "FromMilliseconds", Arguments.Length: >= 1 } from =>
                    from.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int or long or double } constant &&
                    System.Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture) == -1 &&
                    OnlyDefaultsAfterFirst(from),
                _ => false,
            };

            private static bool OnlyDefaultsAfterFirst(IInvocationOperation invocation)
            {
                for (var i = 1; i < invocation.Arguments.Length; i++)
                {
                    if (invocation.Arguments[i].ArgumentKind != ArgumentKind.DefaultValue)
                        return false;
                }
                return true;
            }

            private static ISymbol? MemberOf(IOperation operation) => operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field when field.Instance is null or IInstanceReferenceOperation => field.Field.OriginalDefinition,
                IPropertyReferenceOperation property when property.Instance is null or IInstanceReferenceOperation => property.Property.OriginalDefinition,
                _ => null,
            };
        }
    }
}
