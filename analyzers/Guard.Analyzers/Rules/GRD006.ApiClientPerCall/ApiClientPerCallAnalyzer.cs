using System.Collections.Concurrent;
using System.Collections.Immutable;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD006
{
    /// <summary>
    /// GRD006: an HttpClient, or an SDK client that owns one, created where it is made again and again (in a
    /// loop, in a request handler, on every call of a method or read of a property) and dropped when the work is
    /// done. Clients made once (constructors, field initializers, DI registrations, Main and top-level statements),
    /// handed out (returned, stored, passed on) or given their connections (an HttpClient, a handler, a factory)
    /// are not reported. Test projects are not analyzed.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ApiClientPerCallAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property the code fix reads: present when the client can become a static readonly field as it is.</summary>
        public const string HoistableProperty = "Guard.Hoistable";

        private static readonly ImmutableDictionary<string, string?> HoistableProperties = ImmutableDictionary<string, string?>.Empty.Add(HoistableProperty, "true");

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(GuardDescriptors.ApiClientPerCall);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCode.SkippedByRuleReportingAtItsOperation);
            context.RegisterCompilationStartAction(start =>
            {
                if (TestProjects.IsTestProject(start.Compilation))
                    return;
                var types = new ApiClientTypes(start.Compilation);
                var guard = GuardCompilationContext.For(start.Compilation);
                start.RegisterOperationAction(c => Analyze(c, types, guard), OperationKind.ObjectCreation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, ApiClientTypes types, GuardCompilationContext guard)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (creation.Type is not INamedTypeSymbol { TypeKind: TypeKind.Class, SpecialType: SpecialType.None } type)
                return;
            var isHttpClient = types.IsHttpClient(type);
            if (!isHttpClient)
            {
                var tree = creation.Syntax.SyntaxTree;
                var listed = guard.TreeOptions.Get(tree, GuardDescriptors.ApiClientPerCallId, context.Options,
                    static (options, t) => GuardOptions.GetList(options, t, GuardDescriptors.ApiClientPerCallId, GuardOptionCatalog.ClientTypes));
                if (!types.IsSdkClient(type, listed))
                    return;
            }
            if (IsHandedItsConnections(creation, types))
                return;
            var site = ClientSites.Classify(creation, context.ContainingSymbol, types);
            if (site.Kind == ClientSiteKind.None)
                return;
            var lifetime = ClientLifetimes.Judge(creation, site, isHttpClient, isHttpClient && KnownTypes.Same(type, types.HttpClient));
            if (!lifetime.IsDropped)
                return;
            var what = isHttpClient ? type.Name : type.Name + " (which opens an HttpClient of its own)";
            context.ReportDiagnostic(Diagnostic.Create(GuardDescriptors.ApiClientPerCall, creation.Syntax.GetLocation(),
                lifetime.IsHoistable ? HoistableProperties : ImmutableDictionary<string, string?>.Empty,
                what, site.Describe()));
        }

        /// <summary>
        /// An argument that gives the client its connections: an HttpClient, a handler or a factory that exists
        /// already (a field, a parameter). A handler made on the spot (<c>new HttpClient(new HttpClientHandler())</c>)
        /// is new connections all the same.
        /// </summary>
        private static bool IsHandedItsConnections(IObjectCreationOperation creation, ApiClientTypes types)
        {
            foreach (var argument in creation.Arguments)
            {
                var value = OperationTree.Unwrap(argument.Value);
                if (!types.IsConnectionSource(value.Type))
                    continue;
                if (value is IObjectCreationOperation || value is IDefaultValueOperation || value is ILiteralOperation)
                    continue;
                if (value is ILocalReferenceOperation local && IsMadeHere(local.Local))
                    continue;
                return true;
            }
            return false;
        }

        private static bool IsMadeHere(ILocalSymbol local)
        {
            var values = AssignedValues.Of(local);
            if (values.IsEmpty)
                return false;
            foreach (var value in values)
            {
                if (value is not Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax)
                    return false;
            }
            return true;
        }
    }
}
