namespace Guard.Analyzers.CodeFixes
{
    /// <summary>Lets tests and tools name this assembly without depending on a particular code fix.</summary>
    internal static class AssemblyMarker
    {
    }
}
