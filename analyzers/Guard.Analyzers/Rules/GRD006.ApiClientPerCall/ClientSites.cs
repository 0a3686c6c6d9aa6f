using System;
using System.Linq;
using Guard.Analyzers.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Rules.GRD006
{
    internal enum ClientSiteKind
    {
        /// <summary>Made once: a constructor, an initializer, a DI registration, Main, or a method only constructors call.</summary>
        None,
        Loop,
        RequestHandler,
        Method,
        PropertyGetter,
        /// <summary>A constructor or instance initializer of a type made once per request (a controller, a page model, a hub).</summary>
        PerRequestObject,
    }

    /// <summary>Where a client is created, and so how often.</summary>
    internal readonly struct ClientSite
    {
        public ClientSite(ClientSiteKind kind, string? memberName, bool inLambda)
        {
            Kind = kind;
            MemberName = memberName;
            InLambda = inLambda;
        }

        public ClientSiteKind Kind { get; }
        public string? MemberName { get; }
        public bool InLambda { get; }

        public string Describe() => Kind switch
        {
            ClientSiteKind.Loop => "in a loop, once per iteration,",
            ClientSiteKind.RequestHandler => "in a request handler, once per request,",
            ClientSiteKind.PropertyGetter => "on every read of '" + MemberName + "'",
            ClientSiteKind.PerRequestObject => "with every '" + MemberName + "' (made once per request)",
            _ => "on every call of '" + MemberName + "'",
        };
    }

    internal static class ClientSites
    {
        public static ClientSite Classify(IObjectCreationOperation creation, ISymbol containingSymbol, ApiClientTypes types)
        {
            var inLoop = false;
            var inLambda = false;
            IOperation child = creation;
            for (var parent = creation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation loop when IsRepeatedPart(loop, child):
                        inLoop = true;
                        break;
                    case IAnonymousFunctionOperation lambda:
                        inLambda = true;
                        var consumer = ConsumerOf(lambda);
                        if (consumer != null && IsServiceRegistration(consumer.TargetMethod))
                            return default;
                        if (consumer != null && IsEndpoint(consumer.TargetMethod))
                            return new ClientSite(inLoop ? ClientSiteKind.Loop : ClientSiteKind.RequestHandler, null, inLambda);
                        // list.ForEach(x => ...), items.Select(x => ...), Parallel.ForEach(items, x => ...): once per item.
                        if (consumer != null && consumer.TargetMethod.Name is "ForEach" or "ForEachAsync" or "For" or "ForAsync" or "Select" or "SelectMany")
                            inLoop = true;
                        break;
                }
            }
            if (inLoop)
                return new ClientSite(ClientSiteKind.Loop, null, inLambda);
            // ASP.NET Core makes a controller, a page model or a hub for every request: what its constructor and
            // instance initializers make is made per request.
            if (!inLambda && !containingSymbol.IsStatic && containingSymbol is IFieldSymbol or IPropertySymbol or IMethodSymbol { MethodKind: MethodKind.Constructor } &&
                containingSymbol.ContainingType is { } owner && types.IsPerRequestType(owner))
                return new ClientSite(ClientSiteKind.PerRequestObject, owner.Name, inLambda);
            if (containingSymbol is not IMethodSymbol method)
                return default; // field and property initializers
            switch (method.MethodKind)
            {
                case MethodKind.Constructor:
                case MethodKind.StaticConstructor:
                    return default;
                case MethodKind.PropertyGet:
                    return new ClientSite(ClientSiteKind.PropertyGetter, method.AssociatedSymbol?.Name ?? method.Name, inLambda);
                case MethodKind.Ordinary:
                case MethodKind.ExplicitInterfaceImplementation:
                    break;
                default:
                    return default;
            }
            if (method.IsStatic && (method.Name == "Main" || method.Name == "<Main>$"))
                return default;
            if (inLambda)
            {
                // A lambda in an ordinary method runs when something calls it: unknown how often, unless it is a
                // handler of the method's own loop (seen above). Judged as the method when the method itself is
                // per call; a lambda handed to something else (an event, a timer) is not judged.
                return default;
            }
            if (IsOnlyCalledFromConstructors(method))
                return default;
            return new ClientSite(ClientSiteKind.Method, method.Name, inLambda);
        }

        /// <summary>A foreach's collection and a for's initializer run once, not per iteration.</summary>
        internal static bool IsRepeatedPart(ILoopOperation loop, IOperation child) => loop switch
        {
            IForEachLoopOperation forEach => child != forEach.Collection,
            IForLoopOperation forLoop => !forLoop.Before.Contains(child),
            _ => true,
        };

        private static IInvocationOperation? ConsumerOf(IAnonymousFunctionOperation lambda)
        {
            IOperation? parent = lambda.Parent;
            while (parent is IDelegateCreationOperation or IConversionOperation)
                parent = parent.Parent;
            return parent is IArgumentOperation { Parent: IInvocationOperation consumer } ? consumer : null;
        }

        /// <summary><c>services.AddSingleton(sp =&gt; new HttpClient(...))</c>, <c>AddHttpClient(...)</c> and the like.</summary>
        private static bool IsServiceRegistration(IMethodSymbol method) =>
            (method.Name.StartsWith("Add", StringComparison.Ordinal) || method.Name.StartsWith("TryAdd", StringComparison.Ordinal) ||
             method.Name.StartsWith("Configure", StringComparison.Ordinal)) &&
            NamespaceStartsWith(method.ContainingNamespace, "Microsoft.Extensions.DependencyInjection");

        /// <summary><c>app.MapGet("/price", async () =&gt; ...)</c>: the lambda runs once per request.</summary>
        private static bool IsEndpoint(IMethodSymbol method) =>
            method.Name.StartsWith("Map", StringComparison.Ordinal) && NamespaceStartsWith(method.ContainingNamespace, "Microsoft.AspNetCore");

        private static bool NamespaceStartsWith(INamespaceSymbol? ns, string prefix) =>
            ns != null && ns.ToDisplayString().StartsWith(prefix, StringComparison.Ordinal);

        /// <summary>
        /// A private method every call of which (by name, in its type) is in a constructor, a field initializer, Main or
        /// top-level statements: part of building the object or starting the program, made once. Read syntactically; a use that is not a call
        /// (a method group) makes it unknown, and unknown is not reported.
        /// </summary>
        private static bool IsOnlyCalledFromConstructors(IMethodSymbol method)
        {
            if (method.DeclaredAccessibility != Accessibility.Private || method.ContainingType is null)
                return false;
            var calls = 0;
            foreach (var reference in method.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax().DescendantNodes())
                {
                    if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != method.Name)
                        continue;
                    SyntaxNode name = identifier.Parent is MemberAccessExpressionSyntax member && member.Name == identifier ? member : identifier;
                    if (name.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != name)
                        return true; // a method group: called from who knows where
                    var inConstruction = false;
                    foreach (var ancestor in invocation.Ancestors())
                    {
                        if (ancestor is ConstructorDeclarationSyntax or FieldDeclarationSyntax or GlobalStatementSyntax ||
                            (ancestor is MethodDeclarationSyntax { Identifier.ValueText: "Main" } main && main.Modifiers.Any(m => m.ValueText == "static")))
                        {
                            inConstruction = true;
                            break;
                        }
                        // Task.Run(() => Load()) in a constructor runs once, like the constructor.
                        if (ancestor is AnonymousFunctionExpressionSyntax { Parent: ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax starter } } &&
                            SyntaxNames.InvokedName(starter) == "Run")
                            continue;
                        if (ancestor is MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                            break;
                    }
                    if (!inConstruction)
                        return false;
                    calls++;
                }
            }
            return calls > 0;
        }
    }
}
