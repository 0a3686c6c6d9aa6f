using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.Caching;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.CodeFixes.Caching
{
    /// <summary>
    /// Edits shared by the GRD002 and GRD005 fixes: give a MemoryCache write a Size, give MemoryCacheOptions a
    /// SizeLimit. Each edit is decided on the original tree (with the semantic model) and applied to the
    /// current node, so edits nested in one another (a write inside a GetOrCreate factory) compose.
    /// </summary>
    internal sealed class CacheSizeEdits
    {
        public const string CachingNamespace = "Microsoft.Extensions.Caching.Memory";

        private readonly DocumentEditor _editor;
        private readonly SemanticModel _model;
        private readonly CacheTypes _types;
        private readonly HashSet<SyntaxNode> _edited = new HashSet<SyntaxNode>();
        private int? _namespacePosition;

        private CacheSizeEdits(DocumentEditor editor, SemanticModel model)
        {
            _editor = editor;
            _model = model;
            _types = new CacheTypes(model.Compilation);
        }

        public static async Task<CacheSizeEdits> CreateAsync(Document document, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            return new CacheSizeEdits(editor, editor.SemanticModel);
        }

        public SyntaxNode Root => _editor.OriginalRoot;

        /// <summary>Registers the edit that gives the entry written by this invocation a Size; false when it cannot.</summary>
        public bool TryAddEntrySize(InvocationExpressionSyntax invocation, int size, CancellationToken cancellationToken)
        {
            if (_model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation ||
                !MemoryCacheFacts.TryGetWrite(operation, _types, out var write) || write.Facts.Size != Presence.No)
                return false;
            switch (write.Kind)
            {
                case CacheWriteKind.Set:
                    return AddSizeToSet(invocation, write, size);
                case CacheWriteKind.GetOrCreate:
                    return write.Factory?.Syntax is AnonymousFunctionExpressionSyntax factory && AddSizeToFactory(factory, write.Factory.Symbol.Parameters[0].Name, size);
                default:
                    // CreateEntry(key) returns the entry; SetSize returns it too, so every use of it still reads.
                    if (!_edited.Add(invocation))
                        return true;
                    _editor.ReplaceNode(invocation, (current, _) => CallSetSize((ExpressionSyntax)current, size));
                    NeedNamespace(invocation);
                    return true;
            }
        }

        /// <summary>Registers the edit that sets SizeLimit in a <c>new MemoryCacheOptions(...)</c>.</summary>
        public bool TrySetSizeLimit(BaseObjectCreationExpressionSyntax options, int sizeLimit)
        {
            if (!_edited.Add(options))
                return true;
            _editor.ReplaceNode(options, (current, _) => SetInitializerMember((BaseObjectCreationExpressionSyntax)current, "SizeLimit", Literal(sizeLimit)));
            return true;
        }

        /// <summary>The changed document: formatted where a node was built, with the caching namespace imported if needed.</summary>
        public async Task<Document> GetChangedDocumentAsync(CancellationToken cancellationToken)
        {
            var root = _editor.GetChangedRoot();
            if (_namespacePosition is int position && root is CompilationUnitSyntax unit && !IsCachingNamespaceInScope(position))
                root = AddUsing(unit);
            var document = _editor.OriginalDocument.WithSyntaxRoot(root);
            return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        private bool AddSizeToSet(InvocationExpressionSyntax invocation, CacheWrite write, int size)
        {
            var third = write.OptionsArgument;
            if (third is null)
            {
                // Set(key, value) -> Set(key, value, new MemoryCacheEntryOptions { Size = 1 })
                if (!_edited.Add(invocation.ArgumentList))
                    return true;
                var named = invocation.ArgumentList.Arguments.Any(a => a.NameColon != null);
                _editor.ReplaceNode(invocation.ArgumentList, (current, _) =>
                {
                    var argument = SyntaxFactory.Argument(EntryOptions(null, null, size));
                    if (named)
                        argument = argument.WithNameColon(SyntaxFactory.NameColon("options"));
                    return ((ArgumentListSyntax)current).AddArguments(argument);
                });
                NeedNamespace(invocation);
                return true;
            }
            if (third.Syntax is not ArgumentSyntax argumentSyntax || !_edited.Add(argumentSyntax))
                return third.Syntax is ArgumentSyntax;
            var parameterType = third.Parameter?.Type;
            NeedNamespace(invocation);
            if (!KnownTypes.Same(parameterType, _types.MemoryCacheEntryOptions))
            {
                // An expiration argument becomes options that keep it and add the Size.
                var property = parameterType?.Name switch
                {
                    "TimeSpan" => "AbsoluteExpirationRelativeToNow",
                    "DateTimeOffset" => "AbsoluteExpiration",
                    _ => "ExpirationTokens",
                };
                _editor.ReplaceNode(argumentSyntax, (current, _) =>
                {
                    var argument = (ArgumentSyntax)current;
                    var options = EntryOptions(property, argument.Expression.WithoutTrivia(), size).WithTriviaFrom(argument.Expression);
                    return argument.WithNameColon(argument.NameColon is null ? null : SyntaxFactory.NameColon("options")).WithExpression(options);
                });
                return true;
            }
            var value = OperationTree.Unwrap(third.Value);
            if (value is ILiteralOperation or IDefaultValueOperation)
            {
                _editor.ReplaceNode(argumentSyntax, (current, _) =>
                {
                    var argument = (ArgumentSyntax)current;
                    return argument.WithExpression(EntryOptions(null, null, size).WithTriviaFrom(argument.Expression));
                });
            }
            else if (value.Syntax is BaseObjectCreationExpressionSyntax creation && argumentSyntax.Expression == creation)
            {
                _editor.ReplaceNode(creation, (current, _) => SetInitializerMember((BaseObjectCreationExpressionSyntax)current, "Size", Literal(size)));
            }
            else
            {
                // A chain or a local: SetSize sets it on the very options object and returns it.
                _editor.ReplaceNode(argumentSyntax.Expression, (current, _) => CallSetSize((ExpressionSyntax)current, size));
            }
            return true;
        }

        private bool AddSizeToFactory(AnonymousFunctionExpressionSyntax factory, string parameter, int size)
        {
            if (!_edited.Add(factory))
                return true;
            var name = parameter;
            if (name == "_")
                name = FreeName(factory, "entry") ?? FreeName(factory, "cacheEntry") ?? name;
            var layout = Layout.Of(factory);
            _editor.ReplaceNode(factory, (current, _) =>
            {
                var function = (AnonymousFunctionExpressionSyntax)current;
                if (name != parameter)
                    function = Rename(function, name);
                var statement = SyntaxFactory.ParseStatement(name + ".Size = " + size + ";");
                if (function.Block is { } block)
                {
                    if (block.Statements.Count == 0)
                        return function.WithBlock(block.AddStatements(statement.WithAdditionalAnnotations(Formatter.Annotation)));
                    var first = block.Statements[0];
                    statement = statement.WithLeadingTrivia(first.GetLeadingTrivia()).WithTrailingTrivia(layout.NewLine);
                    return function.WithBlock(block.WithStatements(block.Statements.Insert(0, statement)));
                }
                if (function is not LambdaExpressionSyntax { ExpressionBody: { } body } lambda)
                    return function;

                // entry => value  becomes  entry =>\n{\n    entry.Size = 1;\n    return value;\n}
                var inner = layout.Indentation + layout.Unit;
                var newBlock = SyntaxFactory.Block(
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(layout.Indentation)).WithTrailingTrivia(layout.NewLine),
                    SyntaxFactory.List(new StatementSyntax[]
                    {
                        statement.WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(layout.NewLine),
                        SyntaxFactory.ReturnStatement(body.WithoutTrivia().WithLeadingTrivia(SyntaxFactory.Space))
                            .WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(layout.NewLine),
                    }),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(layout.Indentation)).WithTrailingTrivia(body.GetTrailingTrivia()));
                return lambda
                    .WithArrowToken(lambda.ArrowToken.WithTrailingTrivia(layout.NewLine))
                    .WithExpressionBody(null)
                    .WithBlock(newBlock);
            });
            return true;
        }

        /// <summary>How the code around a node is laid out: its line's indentation, one indentation step, the newline.</summary>
        private readonly struct Layout
        {
            private Layout(string indentation, string unit, SyntaxTrivia newLine)
            {
                Indentation = indentation;
                Unit = unit;
                NewLine = newLine;
            }

            public string Indentation { get; }
            public string Unit { get; }
            public SyntaxTrivia NewLine { get; }

            public static Layout Of(SyntaxNode node)
            {
                var text = node.SyntaxTree.GetText();
                var line = text.Lines.GetLineFromPosition(node.SpanStart).ToString();
                var length = 0;
                while (length < line.Length && (line[length] == ' ' || line[length] == '\t'))
                    length++;
                var indentation = line.Substring(0, length);
                var newLine = text.ToString().IndexOf("\r\n", System.StringComparison.Ordinal) >= 0 ? SyntaxFactory.CarriageReturnLineFeed : SyntaxFactory.LineFeed;
                return new Layout(indentation, indentation.IndexOf('\t') >= 0 ? "\t" : "    ", newLine);
            }
        }

        private static AnonymousFunctionExpressionSyntax Rename(AnonymousFunctionExpressionSyntax function, string name)
        {
            var identifier = SyntaxFactory.Identifier(name);
            return function switch
            {
                SimpleLambdaExpressionSyntax simple => simple.WithParameter(simple.Parameter.WithIdentifier(identifier.WithTriviaFrom(simple.Parameter.Identifier))),
                ParenthesizedLambdaExpressionSyntax parenthesized when parenthesized.ParameterList.Parameters.Count == 1 =>
                    parenthesized.WithParameterList(parenthesized.ParameterList.WithParameters(SyntaxFactory.SingletonSeparatedList(
                        parenthesized.ParameterList.Parameters[0].WithIdentifier(identifier.WithTriviaFrom(parenthesized.ParameterList.Parameters[0].Identifier))))),
                _ => function,
            };
        }

        /// <summary>A name no identifier of the enclosing member uses, so the renamed parameter shadows nothing.</summary>
        private static string? FreeName(SyntaxNode node, string name)
        {
            var scope = node.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? node;
            return scope.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.ValueText == name) ? null : name;
        }

        private void NeedNamespace(SyntaxNode node) => _namespacePosition ??= node.SpanStart;

        private bool IsCachingNamespaceInScope(int position)
        {
            var type = _types.MemoryCacheEntryOptions;
            return type != null && _model.LookupNamespacesAndTypes(position, name: type.Name).Any(s => KnownTypes.Same(s, type));
        }

        /// <summary>Adds <c>using Microsoft.Extensions.Caching.Memory;</c> in order among the plain usings.</summary>
        private static CompilationUnitSyntax AddUsing(CompilationUnitSyntax unit)
        {
            var newLine = unit.ToFullString().IndexOf("\r\n", System.StringComparison.Ordinal) >= 0 ? "\r\n" : "\n";
            var directive = SyntaxFactory.ParseCompilationUnit("using " + CachingNamespace + ";" + newLine).Usings[0];
            var usings = unit.Usings;
            var index = 0;
            while (index < usings.Count && usings[index].Alias is null && usings[index].StaticKeyword.IsKind(SyntaxKind.None) &&
                   ComesBefore(usings[index].Name?.ToString() ?? string.Empty))
                index++;
            return unit.WithUsings(usings.Insert(index, directive));
        }

        /// <summary>System namespaces first, then ordinal order: the .NET convention.</summary>
        private static bool ComesBefore(string name)
        {
            var isSystem = name == "System" || name.StartsWith("System.", System.StringComparison.Ordinal);
            return isSystem || string.CompareOrdinal(name, CachingNamespace) < 0;
        }

        private static LiteralExpressionSyntax Literal(int value) =>
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

        /// <summary><c>new MemoryCacheEntryOptions { Property = value, Size = n }</c> (the property is optional).</summary>
        private static ExpressionSyntax EntryOptions(string? property, ExpressionSyntax? value, int size)
        {
            const string Placeholder = "__guardValue";
            var text = property is null
                ? "new MemoryCacheEntryOptions { Size = " + size + " }"
                : property == "ExpirationTokens"
                    ? "new MemoryCacheEntryOptions { ExpirationTokens = { " + Placeholder + " }, Size = " + size + " }"
                    : "new MemoryCacheEntryOptions { " + property + " = " + Placeholder + ", Size = " + size + " }";
            var created = SyntaxFactory.ParseExpression(text);
            if (value is null)
                return created;
            var placeholder = created.DescendantNodes().OfType<IdentifierNameSyntax>().First(i => i.Identifier.ValueText == Placeholder);
            return created.ReplaceNode(placeholder, value.WithTriviaFrom(placeholder));
        }

        /// <summary><c>expression.SetSize(n)</c>, in parentheses when the expression needs them.</summary>
        private static ExpressionSyntax CallSetSize(ExpressionSyntax expression, int size)
        {
            var receiver = expression.WithoutTrivia();
            if (receiver is not (IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ObjectCreationExpressionSyntax or ParenthesizedExpressionSyntax or ThisExpressionSyntax))
                receiver = SyntaxFactory.ParenthesizedExpression(receiver);
            return SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName("SetSize")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(Literal(size)))))
                .WithTriviaFrom(expression);
        }

        /// <summary>
        /// Sets <c>Name = value</c> in an object creation's initializer: replaces an existing assignment, or adds
        /// one in the initializer's own layout (one line, or one member a line), creating the initializer if needed.
        /// </summary>
        internal static BaseObjectCreationExpressionSyntax SetInitializerMember(BaseObjectCreationExpressionSyntax creation, string name, ExpressionSyntax value)
        {
            var initializer = creation.Initializer;
            if (initializer != null)
            {
                foreach (var expression in initializer.Expressions)
                {
                    if (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax left } existing && left.Identifier.ValueText == name)
                        return creation.ReplaceNode(existing.Right, value.WithTriviaFrom(existing.Right));
                }
            }
            var assignment = SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.IdentifierName(name).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space),
                value);
            if (initializer is null)
            {
                var created = SyntaxFactory.InitializerExpression(
                    SyntaxKind.ObjectInitializerExpression,
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.SingletonSeparatedList<ExpressionSyntax>(assignment),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(creation.GetTrailingTrivia()));
                if (creation is ObjectCreationExpressionSyntax explicitCreation && explicitCreation.ArgumentList is { Arguments.Count: 0 })
                    return explicitCreation.WithArgumentList(null).WithType(explicitCreation.Type.WithoutTrailingTrivia()).WithInitializer(created);
                return creation.WithoutTrailingTrivia().WithInitializer(created);
            }
            return creation.WithInitializer(AddMember(initializer, assignment));
        }

        private static InitializerExpressionSyntax AddMember(InitializerExpressionSyntax initializer, ExpressionSyntax member)
        {
            var expressions = initializer.Expressions;
            if (expressions.Count == 0)
                return initializer.WithExpressions(SyntaxFactory.SingletonSeparatedList(member.WithTrailingTrivia(SyntaxFactory.Space)));
            var multiline = initializer.ToString().IndexOf('\n') >= 0;
            var items = new List<SyntaxNodeOrToken>(expressions.GetWithSeparators());
            var last = expressions[expressions.Count - 1];
            if (expressions.SeparatorCount == expressions.Count)
            {
                // { A = a, } keeps its trailing comma: { A = a, Size = 1, }
                var comma = items[items.Count - 1].AsToken();
                items.Add(member.WithLeadingTrivia(multiline ? last.GetLeadingTrivia() : SyntaxFactory.TriviaList()));
                items.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(comma.TrailingTrivia));
            }
            else
            {
                var trailing = last.GetTrailingTrivia();
                items[items.Count - 1] = last.WithoutTrailingTrivia();
                items.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(multiline ? trailing : SyntaxFactory.TriviaList(SyntaxFactory.Space)));
                items.Add(member.WithLeadingTrivia(multiline ? last.GetLeadingTrivia() : SyntaxFactory.TriviaList()).WithTrailingTrivia(trailing));
            }
            return initializer.WithExpressions(SyntaxFactory.SeparatedList<ExpressionSyntax>(items));
        }
    }
}
