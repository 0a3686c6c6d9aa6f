using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Guard.Analyzers.CodeFixes.Editing;
using Guard.Analyzers.Rules.GRD006;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Guard.Analyzers.CodeFixes.Rules.GRD006
{
    /// <summary>
    /// GRD006 on <c>[using] var client = new HttpClient(...)</c>: the client becomes a
    /// <c>private static readonly HttpClient s_client</c> of the type, made with the same arguments and
    /// initializer, and the method uses the field. A client made without arguments gets a SocketsHttpHandler
    /// with a PooledConnectionLifetime, so that the shared client still sees DNS changes. Offered only where
    /// the analyzer found the client hoistable: a plain HttpClient declared alone, made from constants and
    /// static readonly values, only ever called (never configured, disposed or cancelled per call). SDK
    /// clients get no fix: whether one can be shared is the SDK's to say.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ApiClientPerCallCodeFixProvider))]
    [Shared]
    public sealed class ApiClientPerCallCodeFixProvider : CodeFixProvider
    {
        public const string EquivalenceKey = "GRD006.HoistToStaticField";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(GuardDescriptors.ApiClientPerCallId);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => (Document?)await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey(ApiClientPerCallAnalyzer.HoistableProperty))
                    continue;
                context.RegisterCodeFix(
                    CodeAction.Create("Share one HttpClient: a static readonly field",
                        cancellationToken => FixAsync(context.Document, ImmutableArray.Create(diagnostic), cancellationToken),
                        EquivalenceKey),
                    diagnostic);
            }
            return Task.CompletedTask;
        }

        private sealed class Plan
        {
            public Plan(LocalDeclarationStatementSyntax statement, BaseObjectCreationExpressionSyntax creation, ILocalSymbol local, FieldOwner owner)
            {
                Statement = statement;
                Creation = creation;
                Local = local;
                Owner = owner;
            }

            public LocalDeclarationStatementSyntax Statement { get; }
            public BaseObjectCreationExpressionSyntax Creation { get; }
            public ILocalSymbol Local { get; }
            public FieldOwner Owner { get; }
            public string FieldName { get; set; } = "";
            public List<IdentifierNameSyntax> References { get; } = new List<IdentifierNameSyntax>();
        }

        private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
                return document;
            var plans = new List<Plan>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (diagnostic.Properties.ContainsKey(ApiClientPerCallAnalyzer.HoistableProperty) && CreatePlan(root, model, diagnostic, cancellationToken) is { } plan)
                    plans.Add(plan);
            }
            if (plans.Count == 0)
                return document;

            // Names: free in the type and at the method, and distinct among the fields this fix adds to one type.
            var taken = new Dictionary<SyntaxNode, HashSet<string>>();
            foreach (var plan in plans)
            {
                if (!taken.TryGetValue(plan.Owner.Declaration, out var names))
                    taken.Add(plan.Owner.Declaration, names = new HashSet<string>());
                var baseName = "s_" + char.ToLowerInvariant(plan.Local.Name[0]) + plan.Local.Name.Substring(1);
                var name = UniqueNames.ForMember(model, plan.Statement.SpanStart, plan.Owner.Symbol, baseName);
                for (var suffix = 2; names.Contains(name); suffix++)
                    name = UniqueNames.ForMember(model, plan.Statement.SpanStart, plan.Owner.Symbol, baseName + suffix);
                names.Add(name);
                plan.FieldName = name;
            }

            var socketsHandler = model.Compilation.GetTypeByMetadataName("System.Net.Http.SocketsHttpHandler") != null;
            var newLine = LineEndings.Of(root);
            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            foreach (var plan in plans)
            {
                foreach (var reference in plan.References)
                    editor.ReplaceNode(reference, SyntaxFactory.IdentifierName(plan.FieldName).WithTriviaFrom(reference));
                editor.RemoveNode(plan.Statement, SyntaxRemoveOptions.KeepNoTrivia);
            }
            foreach (var group in plans.GroupBy(p => p.Owner.Declaration))
            {
                var fields = group.Select(p => FieldText(p, socketsHandler)).ToList();
                editor.ReplaceNode(group.Key, (current, _) => InsertFields((TypeDeclarationSyntax)current, fields, newLine));
            }
            return await CodeFixSupport.FinishAsync(editor.GetChangedDocument(), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The fields, in order, after the type's last field (first when it has none, then a blank line).</summary>
        private static TypeDeclarationSyntax InsertFields(TypeDeclarationSyntax type, List<string> fields, string newLine)
        {
            var index = 0;
            for (var i = 0; i < type.Members.Count; i++)
            {
                if (type.Members[i] is FieldDeclarationSyntax)
                    index = i + 1;
            }
            var blankLineAfter = index == 0 && type.Members.Count > 0;
            var members = type.Members;
            for (var i = 0; i < fields.Count; i++)
            {
                MemberDeclarationSyntax field = SyntaxFactory.ParseMemberDeclaration(fields[i].Replace("\r\n", "\n").Replace("\n", newLine))!
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine))
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation, Formatter.Annotation);
                if (blankLineAfter && i == fields.Count - 1)
                    field = field.WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine), SyntaxFactory.EndOfLine(newLine));
                members = members.Insert(index + i, field);
            }
            return type.WithMembers(members);
        }

        private static Plan? CreatePlan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            if (diagnostic.Location.SourceTree != root.SyntaxTree || ReportedNodes.Find<BaseObjectCreationExpressionSyntax>(root, diagnostic.Location) is not { } creation)
                return null;
            if (creation.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } ||
                declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax statement } ||
                statement.Parent is not BlockSyntax)
                return null;
            if (model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local)
                return null;
            if (StaticFieldInsertion.OwnerOf(statement, model, cancellationToken) is not { } owner)
                return null;
            var plan = new Plan(statement, creation, local, owner);
            var scope = statement.Parent;
            foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != local.Name)
                    continue;
                if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                    plan.References.Add(identifier);
            }
            return plan;
        }

        private static string FieldText(Plan plan, bool socketsHandler)
        {
            var creation = plan.Creation.WithoutTrivia();
            var text = creation.ToString();
            var hasArguments = creation.ArgumentList is { Arguments.Count: > 0 };
            if (!hasArguments && socketsHandler)
            {
                // A shared client keeps its connections: recycle them so that a DNS change is seen.
                const string handler = "new global::System.Net.Http.SocketsHttpHandler { PooledConnectionLifetime = global::System.TimeSpan.FromMinutes(2) }";
                text = creation switch
                {
                    ImplicitObjectCreationExpressionSyntax implicitCreation =>
                        "new(" + handler + ")" + (implicitCreation.Initializer is { } i ? " " + i.ToString() : ""),
                    ObjectCreationExpressionSyntax explicitCreation =>
                        "new " + explicitCreation.Type + "(" + handler + ")" + (explicitCreation.Initializer is { } i ? " " + i.ToString() : ""),
                    _ => text,
                };
            }
            return "private static readonly global::System.Net.Http.HttpClient " + plan.FieldName + " = " + text + ";";
        }
    }
}
