using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Guard.Runtime.Heap;

/// <summary>Names the fields on a retention path, which the runtime's heap events do not carry.</summary>
public interface IFieldResolver
{
    /// <summary>"Ns.Owner.field" for a static field holding an object of the type, or null when unknown or ambiguous.</summary>
    string? QualifyStatic(string field, string objectType);

    /// <summary>The instance field of an application type that holds an object of <paramref name="childType"/>, or null when unknown or ambiguous.</summary>
    string? InstanceField(string ownerType, string childType);
}

/// <summary>
/// The runtime's static-root events name the field and the type of the object it holds, not the class that declares it.
/// The class is found in the metadata of the assemblies the target has loaded (on Linux, the mapped files listed in
/// /proc/&lt;pid&gt;/maps): a static field of that name, preferably in the application's own assemblies, whose declared
/// type matches the object's. Where that is not possible (another OS, no access, an ambiguous name) the field stays
/// unqualified. Instance fields are named the same way: the one field of the holding type (an application type, not
/// the framework's collections) whose declared type matches the object it points to.
/// </summary>
public sealed class TargetFieldNames : IFieldResolver
{
    private readonly Func<IEnumerable<string>> _assemblies;
    private readonly object _lock = new();
    private List<(string Field, string Owner, string FieldType, bool Framework, bool Static)>? _fields;

    public TargetFieldNames(Func<IEnumerable<string>> assemblies) => _assemblies = assemblies;

    public static TargetFieldNames ForProcess(int pid) => new(() => MappedAssemblies(pid));

    private List<(string Field, string Owner, string FieldType, bool Framework, bool Static)> Fields()
    {
        lock (_lock)
            return _fields ??= Load();
    }

    public string? InstanceField(string ownerType, string childType)
    {
        var owner = OpenName(ownerType);
        var matching = Fields().Where(f => !f.Static && !f.Framework && f.Owner == owner && TypeMatches(f.FieldType, childType)).ToList();
        return matching.Count == 1 ? matching[0].Field : null;
    }

    public string? QualifyStatic(string field, string objectType)
    {
        var candidates = Fields().Where(f => f.Static && f.Field == field).ToList();
        if (candidates.Count == 0)
            return null;
        // The application's own statics first; then the framework's.
        foreach (var group in new[] { candidates.Where(c => !c.Framework).ToList(), candidates.Where(c => c.Framework).ToList() })
        {
            if (group.Count == 0)
                continue;
            var matching = group.Where(c => TypeMatches(c.FieldType, objectType)).ToList();
            if (matching.Count == 1)
                return matching[0].Owner + "." + field;
            if (matching.Count == 0 && group.Count == 1)
                return group[0].Owner + "." + field;
            if (matching.Count > 1)
                return null;
        }
        return null;
    }

    // A field declared as List<T> holds a "System.Collections.Generic.List`1[...]"; object, interfaces and bases cannot be told apart here.
    private static bool TypeMatches(string fieldType, string objectType) =>
        string.Equals(fieldType, OpenName(objectType), StringComparison.Ordinal) || string.Equals(fieldType, objectType, StringComparison.Ordinal);

    /// <summary>"Ns.List`1[Ns.Tick]" without its arguments, as metadata names the generic type; arrays and plain names unchanged.</summary>
    private static string OpenName(string type)
    {
        if (type.EndsWith("]", StringComparison.Ordinal) && type.EndsWith("[]", StringComparison.Ordinal))
            return type;
        var tick = type.IndexOf('`');
        if (tick < 0)
            return type;
        var bracket = type.IndexOf('[', tick);
        return bracket > 0 ? type.Substring(0, bracket) : type;
    }

    private List<(string, string, string, bool, bool)> Load()
    {
        var fields = new List<(string, string, string, bool, bool)>();
        IEnumerable<string> paths;
        try
        {
            paths = _assemblies().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return fields;
        }
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "";
        foreach (var path in paths)
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var pe = new PEReader(stream);
                if (!pe.HasMetadata)
                    continue;
                var metadata = pe.GetMetadataReader();
                var framework = path.Contains("/shared/Microsoft.", StringComparison.Ordinal) || path.StartsWith(runtimeDirectory, StringComparison.Ordinal)
                    || Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path).StartsWith("Microsoft.", StringComparison.Ordinal);
                var names = new NameProvider(metadata);
                foreach (var handle in metadata.TypeDefinitions)
                {
                    var type = metadata.GetTypeDefinition(handle);
                    string? owner = null;
                    foreach (var fieldHandle in type.GetFields())
                    {
                        var field = metadata.GetFieldDefinition(fieldHandle);
                        if ((field.Attributes & FieldAttributes.Literal) != 0)
                            continue;
                        owner ??= names.FullName(handle);
                        string fieldType;
                        try
                        {
                            fieldType = field.DecodeSignature(names, null);
                        }
                        catch (BadImageFormatException)
                        {
                            fieldType = "";
                        }
                        fields.Add((metadata.GetString(field.Name), owner, fieldType, framework, (field.Attributes & FieldAttributes.Static) != 0));
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
            {
                // An assembly that cannot be read only leaves its fields unqualified.
            }
        }
        return fields;
    }

    /// <summary>The managed assemblies a process has mapped (Linux); empty elsewhere.</summary>
    public static IEnumerable<string> MappedAssemblies(int pid)
    {
        var maps = $"/proc/{pid}/maps";
        if (!File.Exists(maps))
            return Array.Empty<string>();
        var root = $"/proc/{pid}/root";
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(maps))
        {
            var slash = line.IndexOf('/');
            if (slash < 0 || !line.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                continue;
            var path = line.Substring(slash);
            // Through the target's root, so a process in another mount namespace (a container) is read from its own files.
            var viaRoot = root + path;
            paths.Add(File.Exists(viaRoot) ? viaRoot : path);
        }
        return paths;
    }

    /// <summary>Type names as the runtime's events spell them (namespace, '+' for nesting, `n for generics, no arguments).</summary>
    private sealed class NameProvider : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _metadata;

        public NameProvider(MetadataReader metadata) => _metadata = metadata;

        public string FullName(TypeDefinitionHandle handle)
        {
            var type = _metadata.GetTypeDefinition(handle);
            var name = _metadata.GetString(type.Name);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
                return FullName(declaring) + "+" + name;
            var ns = _metadata.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => FullName(handle);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var reference = reader.GetTypeReference(handle);
            var name = reader.GetString(reference.Name);
            if (reference.ResolutionScope.Kind == HandleKind.TypeReference)
                return GetTypeFromReference(reader, (TypeReferenceHandle)reference.ResolutionScope, rawTypeKind) + "+" + name;
            var ns = reader.GetString(reference.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.String => "System.String",
            PrimitiveTypeCode.Object => "System.Object",
            _ => "System." + typeCode,
        };
        public string GetByReferenceType(string elementType) => elementType;
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
