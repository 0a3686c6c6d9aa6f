using System.Threading;
using Microsoft.CodeAnalysis;

namespace Guard.Analyzers.Infrastructure
{
    /// <summary>
    /// A type looked up by metadata name on first use, not when the compilation starts. The first lookups of a
    /// compilation bind its references and read namespace tables from every referenced assembly; done at compilation
    /// start they made Guard pay for that (a quarter of its time in a csc build), and a type no rule ever needs
    /// (Polly in a project without Polly calls) was looked up for nothing. Asked from a callback, the compiler has
    /// usually read those tables already for the code it binds.
    /// </summary>
    internal sealed class LazyType
    {
        private static readonly object Missing = new object();
        private readonly Compilation _compilation;
        private readonly string _metadataName;
        private object? _value;

        public LazyType(Compilation compilation, string metadataName)
        {
            _compilation = compilation;
            _metadataName = metadataName;
        }

        /// <summary>The type, or null when the compilation has none (or more than one) by that name.</summary>
        public INamedTypeSymbol? Value
        {
            get
            {
                // A race looks the type up twice and gets the same symbol: cheaper than a lock on every read.
                var value = Volatile.Read(ref _value);
                if (value is null)
                {
                    value = (object?)_compilation.GetTypeByMetadataName(_metadataName) ?? Missing;
                    Volatile.Write(ref _value, value);
                }
                return value as INamedTypeSymbol;
            }
        }
    }
}
