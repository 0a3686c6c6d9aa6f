using System.Collections.Concurrent;
using System.Collections.Generic;
using Guard.Analyzers.Caching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// Types this compilation registers as singletons or hosted services: an instance of them lives as long as
    /// the process, and so do its fields. Collected from invocations, read once the compilation is done.
    /// </summary>
    internal sealed class SingletonRegistrations
    {
        private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _registered = new ConcurrentDictionary<INamedTypeSymbol, bool>(SymbolEqualityComparer.Default);

        public static bool IsRegistrationName(string name) =>
            name is "AddSingleton" or "TryAddSingleton" or "AddKeyedSingleton" or "TryAddKeyedSingleton" or "AddHostedService";

        /// <summary>
        /// <c>AddSingleton&lt;TService, TImpl&gt;()</c>, <c>AddSingleton(new Impl())</c>,
        /// <c>AddSingleton&lt;TService&gt;(sp =&gt; new Impl(...))</c>, <c>AddSingleton(typeof(TService), typeof(TImpl))</c>,
        /// <c>AddHostedService&lt;T&gt;()</c>.
        /// </summary>
        public void Collect(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!IsRegistrationName(method.Name))
                return;
            foreach (var typeArgument in method.TypeArguments)
                Add(typeArgument);
            foreach (var argument in invocation.Arguments)
            {
                var value = OperationTree.Unwrap(argument.Value);
                if (value is IDelegateCreationOperation delegateCreation)
                    value = delegateCreation.Target;
                switch (value)
                {
                    case IObjectCreationOperation creation:
                        Add(creation.Type);
                        break;
                    case ITypeOfOperation typeOf:
                        Add(typeOf.TypeOperand);
                        break;
                    case IAnonymousFunctionOperation lambda:
                        foreach (var returned in lambda.Body.Descendants())
                        {
                            if (returned is IReturnOperation { ReturnedValue: { } result } && OperationTree.Unwrap(result) is IObjectCreationOperation made)
                                Add(made.Type);
                        }
                        break;
                }
            }
        }

        /// <summary>The registered types and every class they derive from.</summary>
        public HashSet<INamedTypeSymbol> LongLivedTypes()
        {
            var types = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var type in _registered.Keys)
            {
                for (var current = type; current != null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
                    types.Add(current.OriginalDefinition);
            }
            return types;
        }

        private void Add(ITypeSymbol? type)
        {
            if (type is INamedTypeSymbol { TypeKind: TypeKind.Class } named)
                _registered.TryAdd(named.OriginalDefinition, true);
        }
    }
}
