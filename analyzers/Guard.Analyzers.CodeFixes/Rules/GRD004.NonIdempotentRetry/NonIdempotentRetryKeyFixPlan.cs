using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Idempotency;
using Guard.Analyzers.Infrastructure;
using Guard.Analyzers.Rules.GRD004;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Guard.Analyzers.CodeFixes.Rules.GRD004
{
    /// <summary>
    /// The edit for one GRD004 diagnostic, decided from a fresh analysis of the call (so a fix never disagrees
    /// with the analyzer): a key local made right before the statement that runs the retry, and the place it is sent.
    /// </summary>
    internal sealed class KeyFixPlan
    {
        private readonly KeyFix _fix;
        private readonly RetryAnchor? _anchor;
        private readonly string? _localName;
        private readonly string? _newKey;
        private readonly bool _addUsingSystem;
        private readonly SyntaxTrivia _endOfLine;

        private KeyFixPlan(string title, KeyFix fix, RetryAnchor? anchor, string? localName, string? newKey, bool addUsingSystem, SyntaxTrivia endOfLine)
        {
            Title = title;
            _fix = fix;
            _anchor = anchor;
            _localName = localName;
            _newKey = newKey;
            _addUsingSystem = addUsingSystem;
            _endOfLine = endOfLine;
        }

        public string Title { get; }

        public static async Task<KeyFixPlan?> CreateAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (model is null || root is null || model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
                return null;
            var member = ContainingMember(model.GetEnclosingSymbol(invocation.SpanStart, cancellationToken));
            if (member is null)
                return null;
            var settings = NonIdempotentRetrySettings.Read(document.Project.AnalyzerOptions, invocation.SyntaxTree);
            var finding = NonIdempotentRetryAnalysis.Analyze(operation, member, GuardCompilationContext.For(model.Compilation), settings, MarkerAttributes.Of(model.Compilation));
            if (finding is null || finding.Key.Fix.Kind == KeyFixKind.None || finding.Key.Fix.Target is null)
                return null;
            var fix = finding.Key.Fix;
            var endOfLine = EndOfLine(LineEndings.Of(root));

            // A handler retries the request the call already built: a key made in the call is made once.
            if (finding.Scope.Source == RetrySource.Handler)
            {
                if (fix.Kind is not (KeyFixKind.AddMember or KeyFixKind.AddHeader))
                    return null;
                var (inlineKey, inlineUsing) = NewKey(model, fix.Target.SpanStart, fix.KeyType, cancellationToken);
                return new KeyFixPlan("Send an idempotency key made once per call", fix, null, null, inlineKey, inlineUsing, endOfLine);
            }

            var anchor = RetryAnchor.Find(finding.Scope.Anchor?.Syntax, model, cancellationToken);
            var boundary = finding.Scope.Body?.Syntax;
            if (anchor is null || boundary is null || !RunsOncePerAttempt(invocation, boundary) || !RunsOncePerAttempt(fix.Target, boundary))
                return null;
            var scope = DeclarationScope(invocation);
            string localName;
            if (fix.Kind == KeyFixKind.HoistLocal)
            {
                localName = ((LocalDeclarationStatementSyntax)fix.Target).Declaration.Variables[0].Identifier.ValueText;
                if (!CanHoist(localName, (LocalDeclarationStatementSyntax)fix.Target, scope, model, anchor.Position))
                    return null;
            }
            else
            {
                var baseName = fix.Kind == KeyFixKind.AddHeader ? "idempotencyKey" : CamelCase(fix.KeyName);
                localName = UniqueName(baseName, scope, model, anchor.Position);
            }
            string? newKey = null;
            var addUsing = false;
            if (fix.Kind is KeyFixKind.AddMember or KeyFixKind.AddArgument or KeyFixKind.AddHeader)
                (newKey, addUsing) = NewKey(model, anchor.Position, fix.KeyType, cancellationToken);
            var title = fix.Kind is KeyFixKind.ReplaceValue or KeyFixKind.HoistLocal
                ? "Create the idempotency key once, before the retry"
                : "Create an idempotency key once, before the retry, and send it";
            return new KeyFixPlan(title, fix, anchor, localName, newKey, addUsing, endOfLine);
        }

        public async Task<Document> ApplyAsync(Document document, CancellationToken cancellationToken)
        {
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var target = _fix.Target!;
            var keyReference = _anchor is null ? _newKey! : _localName!;
            var before = new List<StatementSyntax>();
            switch (_fix.Kind)
            {
                case KeyFixKind.AddMember:
                    editor.ReplaceNode(target, (node, _) => WithInitializerMember((ExpressionSyntax)node, _fix.KeyName!, keyReference));
                    before.Add(KeyDeclaration(_localName, _newKey));
                    break;
                case KeyFixKind.AddArgument:
                    editor.ReplaceNode(target, (node, _) => WithNamedArgument((InvocationExpressionSyntax)node, _fix.KeyName!, keyReference));
                    before.Add(KeyDeclaration(_localName, _newKey));
                    break;
                case KeyFixKind.AddHeader:
                    var declaration = (LocalDeclarationStatementSyntax)target;
                    var request = declaration.Declaration.Variables[0].Identifier.ValueText;
                    var header = ParseStatement($"{request}.Headers.Add(\"{NonIdempotentRetrySettings.DefaultHeaderName}\", {keyReference});")
                        .WithLeadingTrivia(Indentation(declaration)).WithTrailingTrivia(_endOfLine);
                    editor.InsertAfter(declaration, header);
                    before.Add(KeyDeclaration(_localName, _newKey));
                    break;
                case KeyFixKind.ReplaceValue:
                    editor.ReplaceNode(target, IdentifierName(_localName!).WithTriviaFrom(target));
                    before.Add(KeyDeclaration(_localName, ((ExpressionSyntax)target).WithoutTrivia().ToString()));
                    break;
                case KeyFixKind.HoistLocal:
                    editor.RemoveNode(target, SyntaxRemoveOptions.KeepNoTrivia);
                    before.Add(((StatementSyntax)target).WithoutTrivia());
                    break;
            }
            if (_anchor?.Statement is { } statement)
            {
                var indentation = Indentation(statement);
                foreach (var added in before)
                    editor.InsertBefore(statement, added.WithLeadingTrivia(indentation).WithTrailingTrivia(_endOfLine));
            }
            else if (_anchor?.Declaration is { } declarationWithArrow)
            {
                editor.ReplaceNode(declarationWithArrow, (node, _) => ToBlockBody(node, before, _anchor.ReturnsValue));
            }
            if (_addUsingSystem)
                editor.ReplaceNode(editor.OriginalRoot, (node, _) => WithUsingSystem((CompilationUnitSyntax)node));
            return editor.GetChangedDocument();
        }

        private StatementSyntax KeyDeclaration(string? name, string? value) =>
            name is null || value is null ? EmptyStatement() : ParseStatement($"var {name} = {value};");

        /// <summary>
        /// No loop, lambda or query between the node and the retry boundary: otherwise one key made before the retry
        /// would be shared by several orders (foreach order in the retried code), which is worse than none.
        /// </summary>
        private static bool RunsOncePerAttempt(SyntaxNode node, SyntaxNode boundary)
        {
            for (var current = node.Parent; current != null && current != boundary; current = current.Parent)
            {
                if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax or
                    ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
                    return false;
            }
            return true;
        }

        // ---- names ----

        /// <summary>The member the analyzer reports in: lambdas and local functions belong to their method.</summary>
        private static ISymbol? ContainingMember(ISymbol? symbol)
        {
            while (symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                symbol = symbol.ContainingSymbol;
            return symbol;
        }

        /// <summary>Where locals of the method are declared: a new name must clash with none of them (CS0136).</summary>
        private static SyntaxNode DeclarationScope(SyntaxNode node)
        {
            var member = node.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not GlobalStatementSyntax);
            return member ?? node.SyntaxTree.GetRoot();
        }

        /// <summary>A name visible nowhere at the position and declared nowhere in the member (the shared rule of <see cref="UniqueNames"/>).</summary>
        private static string UniqueName(string baseName, SyntaxNode scope, SemanticModel model, int position) =>
            UniqueNames.Pick(model, position, region: null, new[] { baseName }, taken: new HashSet<string>(DeclaredNames(scope, null)));

        private static bool CanHoist(string name, LocalDeclarationStatementSyntax statement, SyntaxNode scope, SemanticModel model, int position)
        {
            if (!model.LookupSymbols(position, name: name).IsEmpty)
                return false;
            return !DeclaredNames(scope, statement.Declaration.Variables[0]).Contains(name);
        }

        /// <summary>Names declared in the member (locals, parameters, pattern and foreach variables, local functions).</summary>
        private static IEnumerable<string> DeclaredNames(SyntaxNode scope, SyntaxNode? except)
        {
            foreach (var node in scope.DescendantNodes())
            {
                if (node == except)
                    continue;
                var identifier = node switch
                {
                    VariableDeclaratorSyntax variable => variable.Identifier,
                    SingleVariableDesignationSyntax designation => designation.Identifier,
                    ParameterSyntax parameter => parameter.Identifier,
                    ForEachStatementSyntax forEach => forEach.Identifier,
                    CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier,
                    LocalFunctionStatementSyntax localFunction => localFunction.Identifier,
                    _ => default,
                };
                if (identifier.ValueText.Length > 0)
                    yield return identifier.ValueText;
            }
        }

        /// <summary>clientOrderId from ClientOrderId, idempotencyKey from Idempotency-Key.</summary>
        private static string CamelCase(string? keyName)
        {
            var parts = (keyName ?? string.Empty).Split(new[] { '-', '_', ' ', '.' }, System.StringSplitOptions.RemoveEmptyEntries);
            var builder = new System.Text.StringBuilder();
            foreach (var part in parts)
            {
                if (!part.All(char.IsLetterOrDigit))
                    continue;
                builder.Append(builder.Length == 0 ? char.ToLowerInvariant(part[0]) : char.ToUpperInvariant(part[0]));
                builder.Append(part, 1, part.Length - 1);
            }
            var name = builder.ToString();
            if (name.Length == 0 || !char.IsLetter(name[0]))
                return "idempotencyKey";
            return SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None && SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None ? name : name + "Key";
        }

        /// <summary>Guid.NewGuid() for a Guid key, Guid.NewGuid().ToString("N") for a string one; whether using System is needed.</summary>
        private static (string Key, bool AddUsing) NewKey(SemanticModel model, int position, ITypeSymbol? keyType, CancellationToken cancellationToken)
        {
            var bound = model.GetSpeculativeTypeInfo(position, ParseTypeName("Guid"), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
            var guid = model.Compilation.GetTypeByMetadataName("System.Guid");
            string guidName;
            var addUsing = false;
            if (bound is null || bound.TypeKind == TypeKind.Error)
            {
                guidName = "Guid";
                addUsing = true;
            }
            else
            {
                guidName = SymbolEqualityComparer.Default.Equals(bound, guid) ? "Guid" : "global::System.Guid";
            }
            cancellationToken.ThrowIfCancellationRequested();
            var isGuid = (keyType as INamedTypeSymbol)?.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                ? ((INamedTypeSymbol)keyType!).TypeArguments[0].Name == "Guid"
                : keyType?.Name == "Guid";
            return (isGuid ? guidName + ".NewGuid()" : guidName + ".NewGuid().ToString(\"N\")", addUsing);
        }

        // ---- edits ----

        private static ExpressionSyntax WithInitializerMember(ExpressionSyntax creation, string member, string value)
        {
            var assignment = AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                IdentifierName(member).WithTrailingTrivia(Space),
                Token(SyntaxKind.EqualsToken).WithTrailingTrivia(Space),
                ParseExpression(value));
            var initializer = creation switch
            {
                ObjectCreationExpressionSyntax explicitNew => explicitNew.Initializer,
                ImplicitObjectCreationExpressionSyntax implicitNew => implicitNew.Initializer,
                _ => null,
            };
            InitializerExpressionSyntax updated;
            var trailing = creation.GetTrailingTrivia();
            if (initializer is null || initializer.Expressions.Count == 0)
            {
                updated = InitializerExpression(
                    SyntaxKind.ObjectInitializerExpression,
                    Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(Space).WithTrailingTrivia(Space),
                    SingletonSeparatedList<ExpressionSyntax>(assignment.WithTrailingTrivia(Space)),
                    Token(SyntaxKind.CloseBraceToken).WithTrailingTrivia(initializer is null ? trailing : initializer.CloseBraceToken.TrailingTrivia));
                if (initializer != null)
                    updated = updated.WithOpenBraceToken(updated.OpenBraceToken.WithLeadingTrivia(initializer.OpenBraceToken.LeadingTrivia));
            }
            else
            {
                updated = Append(initializer, assignment);
            }
            return creation switch
            {
                ObjectCreationExpressionSyntax explicitNew when explicitNew.Initializer is null => explicitNew.WithoutTrailingTrivia().WithInitializer(updated),
                ObjectCreationExpressionSyntax explicitNew => explicitNew.WithInitializer(updated),
                ImplicitObjectCreationExpressionSyntax implicitNew when implicitNew.Initializer is null => implicitNew.WithoutTrailingTrivia().WithInitializer(updated),
                ImplicitObjectCreationExpressionSyntax implicitNew => implicitNew.WithInitializer(updated),
                _ => creation,
            };
        }

        /// <summary>Adds an assignment after the last one, in the layout of the initializer (one line or one per line).</summary>
        private static InitializerExpressionSyntax Append(InitializerExpressionSyntax initializer, ExpressionSyntax assignment)
        {
            var expressions = initializer.Expressions;
            var last = expressions[expressions.Count - 1];
            var items = new List<SyntaxNodeOrToken>();
            var list = expressions.GetWithSeparators();
            if (expressions.SeparatorCount == expressions.Count)
            {
                // { A = 1, } keeps its trailing comma.
                var lastSeparator = expressions.GetSeparator(expressions.SeparatorCount - 1);
                items.AddRange(list);
                items.Add(assignment.WithLeadingTrivia(last.GetLeadingTrivia()));
                items.Add(Token(SyntaxKind.CommaToken).WithTrailingTrivia(lastSeparator.TrailingTrivia));
            }
            else
            {
                var trailing = last.GetTrailingTrivia();
                items.AddRange(list.Take(list.Count - 1));
                items.Add(last.WithoutTrailingTrivia());
                items.Add(Token(SyntaxKind.CommaToken).WithTrailingTrivia(trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? trailing : TriviaList(Space)));
                items.Add(assignment.WithLeadingTrivia(last.GetLeadingTrivia()).WithTrailingTrivia(trailing));
            }
            return initializer.WithExpressions(SeparatedList<ExpressionSyntax>(items));
        }

        private static InvocationExpressionSyntax WithNamedArgument(InvocationExpressionSyntax invocation, string parameter, string value)
        {
            var argument = Argument(
                NameColon(IdentifierName(parameter), Token(SyntaxKind.ColonToken).WithTrailingTrivia(Space)),
                default,
                ParseExpression(value));
            var arguments = invocation.ArgumentList.Arguments;
            if (arguments.Count == 0)
                return invocation.WithArgumentList(invocation.ArgumentList.WithArguments(SingletonSeparatedList(argument)));
            var items = new List<SyntaxNodeOrToken>(arguments.GetWithSeparators())
            {
                Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space),
                argument,
            };
            return invocation.WithArgumentList(invocation.ArgumentList.WithArguments(SeparatedList<ArgumentSyntax>(items)));
        }

        /// <summary><c>M() =&gt; expr;</c> becomes a block with the key declared first and <c>return expr;</c> (or <c>expr;</c>).</summary>
        private SyntaxNode ToBlockBody(SyntaxNode declaration, List<StatementSyntax> before, bool returnsValue)
        {
            var arrow = declaration switch
            {
                MethodDeclarationSyntax method => method.ExpressionBody,
                LocalFunctionStatementSyntax local => local.ExpressionBody,
                _ => null,
            };
            if (arrow is null)
                return declaration;
            var semicolon = declaration is MethodDeclarationSyntax m ? m.SemicolonToken : ((LocalFunctionStatementSyntax)declaration).SemicolonToken;
            var outer = Indentation(declaration);
            var inner = outer.Add(Whitespace(outer.ToFullString().Contains("\t") ? "\t" : "    "));
            var statements = new List<StatementSyntax>();
            foreach (var statement in before)
                statements.Add(statement.WithLeadingTrivia(inner).WithTrailingTrivia(_endOfLine));
            var expression = arrow.Expression.WithoutTrivia();
            statements.Add(returnsValue
                ? ReturnStatement(Token(SyntaxKind.ReturnKeyword).WithLeadingTrivia(inner).WithTrailingTrivia(Space), expression, Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(_endOfLine))
                : ExpressionStatement(expression, Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(_endOfLine)).WithLeadingTrivia(inner));
            var block = Block(
                Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(outer).WithTrailingTrivia(_endOfLine),
                List(statements),
                Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(outer).WithTrailingTrivia(semicolon.TrailingTrivia));
            var previous = arrow.GetFirstToken().GetPreviousToken();
            var withHeader = declaration.ReplaceToken(previous, previous.WithTrailingTrivia(_endOfLine));
            return withHeader switch
            {
                MethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                _ => declaration,
            };
        }

        private CompilationUnitSyntax WithUsingSystem(CompilationUnitSyntax unit)
        {
            var directive = UsingDirective(ParseName("System"))
                .WithUsingKeyword(Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(Space))
                .WithSemicolonToken(Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(_endOfLine));
            if (unit.Usings.Count == 0)
                return unit.WithUsings(SingletonList(directive.WithTrailingTrivia(_endOfLine, _endOfLine)));
            // System first, as dotnet_sort_system_directives_first has it; the file header stays on top.
            var first = unit.Usings[0];
            var usings = unit.Usings.Replace(first, first.WithLeadingTrivia(SyntaxTriviaList.Empty))
                .Insert(0, directive.WithLeadingTrivia(first.GetLeadingTrivia()));
            return unit.WithUsings(usings);
        }

        /// <summary>The whitespace a statement or member starts its line with.</summary>
        private static SyntaxTriviaList Indentation(SyntaxNode node)
        {
            var leading = node.GetLeadingTrivia();
            var indentation = SyntaxTriviaList.Empty;
            foreach (var trivia in leading)
            {
                if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                    indentation = SyntaxTriviaList.Empty;
                else if (trivia.IsKind(SyntaxKind.WhitespaceTrivia))
                    indentation = indentation.Add(trivia);
            }
            return indentation;
        }

        /// <summary>
        /// The statement that runs the retry (the Polly Execute call's statement, or the loop), in a block, with no
        /// lambda in between; or the expression body of the method that does, which the fix turns into a block.
        /// </summary>
        private sealed class RetryAnchor
        {
            private RetryAnchor(StatementSyntax? statement, SyntaxNode? declaration, int position, bool returnsValue)
            {
                Statement = statement;
                Declaration = declaration;
                Position = position;
                ReturnsValue = returnsValue;
            }

            public StatementSyntax? Statement { get; }
            public SyntaxNode? Declaration { get; }
            public int Position { get; }
            public bool ReturnsValue { get; }

            public static RetryAnchor? Find(SyntaxNode? anchor, SemanticModel model, CancellationToken cancellationToken)
            {
                for (var node = anchor; node != null; node = node.Parent)
                {
                    switch (node)
                    {
                        case StatementSyntax statement:
                            return statement.Parent is BlockSyntax ? new RetryAnchor(statement, null, statement.SpanStart, false) : null;
                        case ArrowExpressionClauseSyntax arrow when arrow.Parent is MethodDeclarationSyntax or LocalFunctionStatementSyntax:
                            var method = model.GetDeclaredSymbol(arrow.Parent, cancellationToken) as IMethodSymbol;
                            return method is null ? null : new RetryAnchor(null, arrow.Parent, arrow.Expression.SpanStart, ProducesValue(method));
                        case AnonymousFunctionExpressionSyntax:
                        case MemberDeclarationSyntax:
                            return null;
                    }
                }
                return null;
            }

            private static bool ProducesValue(IMethodSymbol method)
            {
                if (method.ReturnsVoid)
                    return false;
                return !(method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" });
            }
        }
    }
}
