using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// Whether a compilation is a test project (it references a unit-test framework). Tests call HTTP endpoints
    /// on purpose, often an in-memory TestServer, and a test that retried or throttled would hide the failure
    /// it exists to show; rules about production call sites stay silent there.
    /// </summary>
    internal static class TestProjects
    {
        private static readonly HashSet<string> FrameworkAssemblies = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase)
        {
            "xunit.core", "xunit.v3.core", "nunit.framework", "Microsoft.VisualStudio.TestPlatform.TestFramework",
            "MSTest.TestFramework", "TUnit.Core",
        };

        public static bool IsTestProject(Compilation compilation)
        {
            foreach (var assembly in compilation.ReferencedAssemblyNames)
            {
                if (FrameworkAssemblies.Contains(assembly.Name))
                    return true;
            }
            return false;
        }
    }
}
