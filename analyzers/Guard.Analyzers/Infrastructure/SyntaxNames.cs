using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Guard.Analyzers.Infrastructure
{
    internal static class SyntaxNames
    {
        /// <summary>The simple name an invocation calls: <c>Foo</c> in <c>a.b.Foo&lt;T&gt;(x)</c>.</summary>
        public static string? InvokedName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };

        public static SimpleNameSyntax? InvokedSimpleName(InvocationExpressionSyntax invocation) => invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name,
            MemberBindingExpressionSyntax binding => binding.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };

        /// <summary>The rightmost identifier of a type name: <c>Client</c> in <c>Api.Client</c>.</summary>
        public static string? RightmostName(TypeSyntax type) => type switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => null,
        };
    }
}
