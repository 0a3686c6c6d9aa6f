using Guard.Analyzers.Http;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD004
{
    /// <summary>The evidence the code fix needs, gathered while judging: only edits that are sure to compile.</summary>
    internal sealed partial class IdempotencyKeys
    {
        private KeyFix OmittedArgumentFix(IMethodSymbol method, IParameterSymbol parameter)
        {
            foreach (var p in method.Parameters)
            {
                if (p.IsParams)
                    return default;
            }
            if (!CanHoldNewKey(parameter.Type) || _invocation.Syntax is not InvocationExpressionSyntax)
                return default;
            return new KeyFix(KeyFixKind.AddArgument, _invocation.Syntax, parameter.Name, parameter.Type);
        }

        private KeyFix AddMemberFix(IObjectCreationOperation creation, ISymbol member)
        {
            if (creation.Syntax is not (ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax))
                return default;
            var (type, settable) = member switch
            {
                IPropertySymbol property => (property.Type, property.SetMethod != null && IsAccessible(property.SetMethod)),
                IFieldSymbol field => (field.Type, !field.IsReadOnly && !field.IsConst && IsAccessible(field)),
                _ => (null, false),
            };
            return settable && CanHoldNewKey(type) ? new KeyFix(KeyFixKind.AddMember, creation.Syntax, member.Name, type) : default;
        }

        private KeyFix AddHeaderFix(HttpRequestInfo request)
        {
            if (request.Declarator?.Syntax.Parent?.Parent is not LocalDeclarationStatementSyntax statement ||
                statement.Parent is not BlockSyntax || statement.Declaration.Variables.Count != 1)
                return default;
            return new KeyFix(KeyFixKind.AddHeader, statement, NonIdempotentRetrySettings.DefaultHeaderName, _compilation.GetSpecialType(SpecialType.System_String));
        }

        /// <summary>A key made inside the retry: hoist its local, or move the expression into a local made before the retry.</summary>
        private KeyFix InsideFix(IOperation value, string keyName)
        {
            if (value is ILocalReferenceOperation reference && _scope.ContainsDeclarationOf(reference.Local))
            {
                var declarator = OperationTree.FindDeclarator(_scope.Body, reference.Local);
                var initializer = declarator?.GetVariableInitializer()?.Value;
                if (initializer is null || !KeyOrigins.ContainsFresh(initializer) || !IsSelfContained(initializer) || _origins.IsWrittenInScope(reference.Local))
                    return default;
                if (declarator!.Syntax.Parent?.Parent is LocalDeclarationStatementSyntax statement && statement.Parent is BlockSyntax &&
                    statement.Declaration.Variables.Count == 1 && statement.Modifiers.Count == 0 && statement.UsingKeyword.IsKind(SyntaxKind.None))
                    return new KeyFix(KeyFixKind.HoistLocal, statement, reference.Local.Name, null);
                return default;
            }
            if (!KeyOrigins.ContainsFresh(value) || !IsSelfContained(value) || !HasNaturalType(value))
                return default;
            return new KeyFix(KeyFixKind.ReplaceValue, value.Syntax, keyName, null);
        }

        /// <summary>The expression reads nothing made inside the retry, so it can move before it unchanged.</summary>
        private bool IsSelfContained(IOperation value)
        {
            foreach (var operation in value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IAnonymousFunctionOperation:
                    case IAwaitOperation:
                    case IDeclarationExpressionOperation:
                        return false;
                    case ILocalReferenceOperation local when _scope.ContainsDeclarationOf(local.Local) || _origins.IsWrittenInScope(local.Local):
                        return false;
                    case IParameterReferenceOperation parameter when _scope.ContainsDeclarationOf(parameter.Parameter):
                        return false;
                    case IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call when _scope.ContainsDeclarationOf(call.TargetMethod):
                        return false;
                }
            }
            return true;
        }

        /// <summary>`var key = expression;` keeps the meaning: no target-typed new(), null, default or collection expression.</summary>
        private static bool HasNaturalType(IOperation value)
        {
            if (value.Type is null || value.Syntax is ImplicitObjectCreationExpressionSyntax or LiteralExpressionSyntax || value.Syntax.IsKind(SyntaxKind.CollectionExpression))
                return false;
            if (value.Parent is not IConversionOperation { IsImplicit: true } conversion)
                return true;
            var kind = conversion.Conversion;
            return kind.IsIdentity || kind.IsReference || kind.IsNullable || kind.IsNumeric;
        }

        private static bool CanHoldNewKey(ITypeSymbol? type)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
                type = nullable.TypeArguments[0];
            return type != null && (type.SpecialType == SpecialType.System_String || (type.Name == "Guid" && type.ContainingNamespace?.Name == "System"));
        }

        private bool IsAccessible(ISymbol symbol) =>
            _within is null ? symbol.DeclaredAccessibility == Accessibility.Public : _compilation.IsSymbolAccessibleWithin(symbol, _within);
    }
}
