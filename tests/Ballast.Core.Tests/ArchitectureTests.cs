using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Ballast.Accounting;
using NetArchTest.Rules;

namespace Ballast.Core.Tests;

/// <summary>
/// The house rules that no review should have to catch: the domain (Ballast.Core) depends on nothing heavier than
/// MathNet (no storage, no file formats, no console), its public value types are immutable, and no type is spread
/// over partial files (a type too big for one file is split by responsibility into separate types).
/// </summary>
public sealed partial class ArchitectureTests
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

    [Fact]
    public void Src_DeclaresNoPartialType()
    {
        // Reflection cannot see `partial`, so the sources are scanned; comments are skipped.
        var src = Path.Combine(RepoRoot(), "src");
        var partials = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && PartialDeclaration().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(src, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToArray();

        Assert.True(src.Length > 0 && Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Any(), $"no sources under {src}");
        Assert.True(partials.Length == 0, $"partial declarations (split the type by responsibility instead):\n{string.Join("\n", partials)}");
    }

    /// <summary>The repository root: the first directory above the test binaries holding Ballast.slnx.</summary>
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ballast.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Ballast.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\bpartial\s+(?:class|struct|record|interface|void)\b|\bpartial\s+[\w<>\[\]?,. ]+\s+\w+\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex PartialDeclaration();
}
