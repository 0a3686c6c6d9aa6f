using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Guard.Analyzers.Tests.Robustness;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Guard.Analyzers.Tests.Infrastructure;

/// <summary>
/// No rule binds the compilation when it starts: types, marker attributes and the test-project check are read on
/// first use (Infrastructure/LazyType.cs). The first lookups of a compilation read every referenced assembly; done at
/// compilation start, csc charged that work, which the compiler does anyway, to Guard (a quarter of its time in a
/// 50k-line build). A reference that counts its reads shows whether any start action touched the references.
/// </summary>
public class CompilationStartTests
{
    [Fact]
    public void No_rule_reads_the_references_when_the_compilation_starts()
    {
        var reference = new CountingReference();
        var tree = CSharpSyntaxTree.ParseText("class C { void M(System.Net.Http.HttpClient client) => client.GetAsync(\"https://a\"); }");
        var compilation = CSharpCompilation.Create("Started", new[] { tree }, new MetadataReference[] { reference });
        var registered = 0;
        foreach (var analyzer in RobustnessRunner.Analyzers)
        {
            var context = new RecordingContext();
            analyzer.Initialize(context);
            foreach (var start in context.StartActions)
            {
                var startContext = new StartContext(compilation);
                start(startContext);
                registered += startContext.Registrations;
            }
        }
        Assert.True(registered >= RobustnessRunner.Analyzers.Length, "every rule registers its actions");
        Assert.Equal(0, reference.Reads);
    }

    [Fact]
    public void The_counting_reference_sees_a_lookup_that_binds()
    {
        var reference = new CountingReference();
        var compilation = CSharpCompilation.Create("Bound", new[] { CSharpSyntaxTree.ParseText("class C { }") }, new MetadataReference[] { reference });
        Assert.Throws<InvalidOperationException>(() => compilation.GetTypeByMetadataName("System.Net.Http.HttpClient"));
        Assert.True(reference.Reads > 0);
    }

    private sealed class CountingReference : PortableExecutableReference
    {
        public CountingReference() : base(MetadataReferenceProperties.Assembly, "/nowhere/Counting.dll")
        {
        }

        public int Reads { get; private set; }

        protected override Metadata GetMetadataImpl()
        {
            Reads++;
            throw new InvalidOperationException("the references were read");
        }

        protected override DocumentationProvider CreateDocumentationProvider() => DocumentationProvider.Default;

        protected override PortableExecutableReference WithPropertiesImpl(MetadataReferenceProperties properties) => this;
    }

    private sealed class RecordingContext : AnalysisContext
    {
        public List<Action<CompilationStartAnalysisContext>> StartActions { get; } = new();

        public override void EnableConcurrentExecution()
        {
        }

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode)
        {
        }

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => StartActions.Add(action);
        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) { }
        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) { }
        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) { }
        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) { }
        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) { }
        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) { }
        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) { }
    }

    private sealed class StartContext : CompilationStartAnalysisContext
    {
        public StartContext(Compilation compilation)
            : base(compilation, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), CancellationToken.None)
        {
        }

        public int Registrations { get; private set; }

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => Registrations++;
        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => Registrations++;
        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => Registrations++;
        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => Registrations++;
        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => Registrations++;
        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => Registrations++;
        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => Registrations++;
        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => Registrations++;
        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => Registrations++;
        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => Registrations++;
        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => Registrations++;
    }
}
