using System.Collections.Generic;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Http
{
    /// <summary>
    /// What a Polly pipeline or policy is known to contain, read from the syntax that builds it (the
    /// initializer of the field, property or local it is executed on, or its one assignment). Unknown when
    /// Guard cannot see it: injected, assigned in several places, built by a method Guard does not know
    /// (AddStrategy, a user's extension) or combined from parts defined elsewhere.
    /// </summary>
    internal readonly struct PipelineFacts
    {
        public static readonly PipelineFacts Unknown = new PipelineFacts(Fact.Unknown, Fact.Unknown);

        private enum Fact : byte
        {
            Unknown,
            No,
            Yes,
        }

        private readonly Fact _retry;
        private readonly Fact _throttle;

        private PipelineFacts(Fact retry, Fact throttle)
        {
            _retry = retry;
            _throttle = throttle;
        }

        /// <summary>Whether the pipeline is known to retry or known not to.</summary>
        public bool IsKnown => _retry != Fact.Unknown;

        /// <summary>False only when the pipeline is known to have no retry or hedging strategy.</summary>
        public bool MayRetry => _retry != Fact.No;

        /// <summary>True only when the pipeline is known to contain a rate or concurrency limiter.</summary>
        public bool HasThrottle => _throttle == Fact.Yes;

        /// <summary>False only when the pipeline is known to contain no rate or concurrency limiter.</summary>
        public bool MayThrottle => _throttle != Fact.No;

        public static PipelineFacts Of(IOperation? receiver)
        {
            var builder = BuilderSyntaxOf(receiver);
            return builder is null ? Unknown : Scan(builder);
        }

        /// <summary>What the pipeline held by a field, property or local is known to contain.</summary>
        public static PipelineFacts OfSymbol(ISymbol symbol)
        {
            var values = AssignedValues.Of(symbol);
            return values.Length == 1 ? Scan(values[0]) : Unknown;
        }

        private static ExpressionSyntax? BuilderSyntaxOf(IOperation? receiver)
        {
            receiver = OperationTree.StripConversions(receiver);
            ISymbol? symbol = receiver switch
            {
                IFieldReferenceOperation field => field.Field,
                IPropertyReferenceOperation property => property.Property,
                ILocalReferenceOperation local => local.Local,
                _ => null,
            };
            if (symbol is null || (symbol is not ILocalSymbol && symbol.DeclaringSyntaxReferences.IsEmpty))
            {
                // Built in place, or a member from metadata such as ResiliencePipeline.Empty: read the expression itself.
                return receiver is IInvocationOperation or IObjectCreationOperation or IMemberReferenceOperation ? receiver.Syntax as ExpressionSyntax : null;
            }
            var values = AssignedValues.Of(symbol);
            return values.Length == 1 ? values[0] : null;
        }

        private static PipelineFacts Scan(ExpressionSyntax builder)
        {
            var state = new ScanState();
            if (!ScanChain(builder, ref state, rootLocal: null))
                return Unknown;
            if (state.Combined)
            {
                // Parts built elsewhere: what was seen here is certain, what was not is unknown.
                return new PipelineFacts(state.Retry ? Fact.Yes : Fact.Unknown, state.Throttle ? Fact.Yes : Fact.Unknown);
            }
            return new PipelineFacts(state.Retry ? Fact.Yes : Fact.No, state.Throttle ? Fact.Yes : Fact.No);
        }

        private struct ScanState
        {
            public bool Retry;
            public bool Throttle;
            public bool Combined;
        }

        /// <summary>
        /// Walks a fluent chain (<c>new ResiliencePipelineBuilder().AddRetry(..).Build()</c>,
        /// <c>Policy.Handle&lt;X&gt;().WaitAndRetryAsync(..)</c>) from its last call to its root. False when a
        /// link or the root is something Guard does not know.
        /// </summary>
        private static bool ScanChain(ExpressionSyntax expression, ref ScanState state, string? rootLocal)
        {
            var current = expression;
            while (true)
            {
                current = Unwrap(current);
                switch (current)
                {
                    case InvocationExpressionSyntax invocation:
                        var name = SyntaxNames.InvokedName(invocation);
                        if (name is null || !Classify(name, ref state))
                            return false;
                        if (invocation.Expression is not MemberAccessExpressionSyntax link)
                            return false;
                        current = link.Expression;
                        break;
                    case ObjectCreationExpressionSyntax creation:
                        return SyntaxNames.RightmostName(creation.Type) is "ResiliencePipelineBuilder";
                    case MemberAccessExpressionSyntax property:
                        // ResiliencePipeline.Empty, ResiliencePipeline<T>.Empty: a pipeline that does nothing.
                        return property.Name.Identifier.ValueText == "Empty" &&
                            property.Expression is SimpleNameSyntax { Identifier.ValueText: "ResiliencePipeline" };
                    case SimpleNameSyntax root when root.Identifier.ValueText is "Policy" or "HttpPolicyExtensions":
                        return true;
                    case IdentifierNameSyntax local when rootLocal is null:
                        return ScanLocalBuilder(local, ref state);
                    case IdentifierNameSyntax local:
                        return local.Identifier.ValueText == rootLocal;
                    default:
                        return false;
                }
            }
        }

        private static ExpressionSyntax Unwrap(ExpressionSyntax expression)
        {
            while (true)
            {
                switch (expression)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        expression = parenthesized.Expression;
                        break;
                    case CastExpressionSyntax cast:
                        expression = cast.Expression;
                        break;
                    case MemberAccessExpressionSyntax { Expression: NameSyntax } member when member.Name.Identifier.ValueText is "Policy" or "HttpPolicyExtensions":
                        // Polly.Policy.Handle<X>(): the namespace is not a link of the chain.
                        return member.Name;
                    default:
                        return expression;
                }
            }
        }

        /// <summary>
        /// <c>var builder = new ResiliencePipelineBuilder(); builder.AddRetry(..); _p = builder.Build();</c>: the
        /// local's initializer and every statement of the enclosing body that calls on the local.
        /// </summary>
        private static bool ScanLocalBuilder(IdentifierNameSyntax local, ref ScanState state)
        {
            var name = local.Identifier.ValueText;
            var body = EnclosingBody(local);
            if (body is null)
                return false;
            VariableDeclaratorSyntax? declarator = null;
            foreach (var node in body.DescendantNodes())
            {
                if (node is VariableDeclaratorSyntax candidate && candidate.Identifier.ValueText == name)
                {
                    if (declarator != null)
                        return false;
                    declarator = candidate;
                }
            }
            // The initializer must start a chain of its own: "" matches no identifier.
            if (declarator?.Initializer is null || !ScanChain(declarator.Initializer.Value, ref state, rootLocal: ""))
                return false;
            foreach (var node in body.DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax { Left: IdentifierNameSyntax assigned } && assigned.Identifier.ValueText == name)
                    return false;
                if (node is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } && RootName(call) == name &&
                    !ScanChain(call, ref state, rootLocal: name))
                    return false;
            }
            return true;
        }

        private static SyntaxNode? EnclosingBody(SyntaxNode node)
        {
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    case BaseMethodDeclarationSyntax method:
                        return (SyntaxNode?)method.Body ?? method.ExpressionBody;
                    case AccessorDeclarationSyntax accessor:
                        return (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody;
                    case LocalFunctionStatementSyntax function:
                        return (SyntaxNode?)function.Body ?? function.ExpressionBody;
                    case AnonymousFunctionExpressionSyntax lambda:
                        return lambda.Body;
                    case GlobalStatementSyntax global:
                        return global.Parent;
                }
            }
            return null;
        }

        private static string? RootName(InvocationExpressionSyntax invocation)
        {
            ExpressionSyntax current = invocation;
            while (true)
            {
                switch (current)
                {
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member }:
                        current = member.Expression;
                        break;
                    case IdentifierNameSyntax identifier:
                        return identifier.Identifier.ValueText;
                    default:
                        return null;
                }
            }
        }

        /// <summary>False for a name Guard does not know: it might add a retry or a limiter, or anything else.</summary>
        private static bool Classify(string name, ref ScanState state)
        {
            if (PollyNames.RetryBuilders.Contains(name))
                state.Retry = true;
            else if (PollyNames.ThrottleBuilders.Contains(name))
                state.Throttle = true;
            else if (PollyNames.Combinators.Contains(name))
                state.Combined = true;
            else if (!NeutralLinks.Contains(name))
                return false;
            return true;
        }

        /// <summary>Links of a Polly chain that neither retry nor throttle.</summary>
        private static readonly HashSet<string> NeutralLinks = new HashSet<string>
        {
            "Build", "AddTimeout", "AddCircuitBreaker", "AddFallback", "ConfigureTelemetry",
            "AddChaosFault", "AddChaosLatency", "AddChaosOutcome", "AddChaosBehavior",
            "Handle", "HandleInner", "HandleResult", "Or", "OrInner", "OrResult", "OrTransientHttpError",
            "OrTransientHttpStatusCode", "HandleTransientHttpError",
            "Timeout", "TimeoutAsync", "CircuitBreaker", "CircuitBreakerAsync", "AdvancedCircuitBreaker",
            "AdvancedCircuitBreakerAsync", "Fallback", "FallbackAsync", "NoOp", "NoOpAsync", "WithPolicyKey",
            "Cache", "CacheAsync",
        };
    }
}
