using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Guard.Analyzers.Tests.Verifiers;

/// <summary><see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> run as cheaply as <see cref="GuardTestSetup"/> says.</summary>
public sealed class GuardAnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    protected override Task<Workspace> CreateWorkspaceImplAsync() => GuardTestSetup.CreateWorkspaceAsync();

    protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken) =>
        GuardTestSetup.WithAnalyzers(compilation, analyzers, options, cancellationToken);
}

/// <summary><see cref="CSharpCodeFixTest{TAnalyzer, TCodeFix, TVerifier}"/> run as cheaply as <see cref="GuardTestSetup"/> says.</summary>
public sealed class GuardCodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    protected override Task<Workspace> CreateWorkspaceImplAsync() => GuardTestSetup.CreateWorkspaceAsync();

    protected override CompilationWithAnalyzers CreateCompilationWithAnalyzers(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, AnalyzerOptions options, CancellationToken cancellationToken) =>
        GuardTestSetup.WithAnalyzers(compilation, analyzers, options, cancellationToken);
}
