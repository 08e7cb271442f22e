using System.Reflection;
using System.Runtime.CompilerServices;
using Ballast.Accounting;
using NetArchTest.Rules;

namespace Ballast.Core.Tests;

/// <summary>
/// The house rules that no review should have to catch: the domain (Ballast.Core) depends on nothing heavier than
/// MathNet (no storage, no file formats, no console), and its public value types are immutable.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(AccountId).Assembly;

    /// <summary>Assemblies the domain must never reference: Io, the CLI, storage drivers, YAML, the console.</summary>
    public static TheoryData<string> Forbidden =>
    [
        "Ballast.Io",
        "ballast",
        "Microsoft.Data.Sqlite",
        "Npgsql",
        "YamlDotNet",
        "Spectre.Console",
        "System.CommandLine",
    ];

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void Core_DoesNotReference(string assembly)
    {
        var referenced = Core.GetReferencedAssemblies().Select(a => a.Name).ToArray();

        Assert.DoesNotContain(assembly, referenced);
    }

    [Fact]
    public void Core_ReferencesOnlyTheRuntimeAndMathNet()
    {
        var referenced = Core.GetReferencedAssemblies().Select(a => a.Name!).Order(StringComparer.Ordinal).ToArray();

        var foreign = referenced.Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard" && n != "MathNet.Numerics").ToArray();

        Assert.True(foreign.Length == 0, $"Ballast.Core references {string.Join(", ", foreign)}; the domain depends on nothing heavier than MathNet");
    }

    [Fact]
    public void Core_NeverWritesToTheConsole()
    {
        var result = Types.InAssembly(Core).Should().NotHaveDependencyOnAny("System.Console").GetResult();

        Assert.True(result.IsSuccessful, $"these Core types use System.Console (a library reports through its return values): {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }

    [Fact]
    public void Core_DoesNotTouchTheFileSystem()
    {
        // Reading and writing files is Ballast.Io's job: the domain takes text, streams and values.
        var result = Types.InAssembly(Core).Should().NotHaveDependencyOnAny("System.IO.File", "System.IO.Directory", "System.IO.FileStream").GetResult();

        Assert.True(result.IsSuccessful, $"these Core types touch the file system: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }

    [Fact]
    public void CorePublicStructs_AreReadOnly()
    {
        var mutable = Core.GetExportedTypes()
            .Where(t => t.IsValueType && !t.IsEnum && !t.IsPrimitive)
            .Where(t => t.GetCustomAttribute<IsReadOnlyAttribute>() is null)
            .Select(t => t.FullName)
            .ToArray();

        Assert.True(mutable.Length == 0, $"public structs must be readonly (copies of a mutable struct hide writes): {string.Join(", ", mutable)}");
    }
}
