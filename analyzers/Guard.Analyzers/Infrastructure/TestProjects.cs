using System;
using System.Collections.Generic;
using System.IO;
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
        private static readonly HashSet<string> FrameworkAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "xunit.core", "xunit.v3.core", "nunit.framework", "Microsoft.VisualStudio.TestPlatform.TestFramework",
            "MSTest.TestFramework", "TUnit.Core",
        };

        /// <summary>
        /// Read from the references as given (file names, or the referenced compilation's assembly name), not from
        /// the bound assembly identities: asking for those (or for <c>References</c>, which includes #r directives)
        /// at compilation start binds every reference, which the compiler does anyway but which was then charged to
        /// Guard's rules (a tenth of their time in a csc build).
        /// </summary>
        public static bool IsTestProject(Compilation compilation)
        {
            foreach (var reference in compilation.ExternalReferences)
            {
                if (FrameworkAssemblies.Contains(NameOf(reference)))
                    return true;
            }
            return false;
        }

        private static string NameOf(MetadataReference reference)
        {
            if (reference is CompilationReference project)
                return project.Compilation.AssemblyName ?? "";
            var path = (reference as PortableExecutableReference)?.FilePath ?? reference.Display ?? "";
            var name = Path.GetFileName(path);
            return name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? name.Substring(0, name.Length - 4) : name;
        }
    }
}
