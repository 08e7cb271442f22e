namespace Ballast.Io.Specs;

/// <summary>
/// A parsed spec document before binding: the same tree whether it came from YAML or JSON, every node carrying
/// where it was written, so binding errors can name file, line, column and field. A JSON node keeps its byte offset
/// and makes its location when first asked for (an error, a universe's locations): most nodes are never asked.
/// </summary>
internal abstract class SpecNode
{
    private readonly SourceLines? _lines;
    private readonly int _offset;
    private InputLocation? _location;

    protected SpecNode(InputLocation location) => _location = location;

    /// <summary>A node written at byte <paramref name="offset"/> of a document whose lines are <paramref name="lines"/>.</summary>
    protected SpecNode(SourceLines lines, int offset)
    {
        _lines = lines;
        _offset = offset;
    }

    /// <summary>Where the node was written (made once, when first asked for; two threads may both make it, equal).</summary>
    public InputLocation Location => _location ??= _lines!.At(_offset);

    public abstract string Describe { get; }
}

/// <summary>A scalar. <see cref="Plain"/> is false for quoted YAML scalars and JSON strings: those are never numbers.</summary>
internal sealed class ScalarNode : SpecNode
{
    public ScalarNode(InputLocation location, string text, bool plain, bool isNull = false)
        : base(location) => (Text, Plain, IsNull) = (text, plain, isNull);

    public ScalarNode(SourceLines lines, int offset, string text, bool plain, bool isNull = false)
        : base(lines, offset) => (Text, Plain, IsNull) = (text, plain, isNull);

    public string Text { get; }

    public bool Plain { get; }

    public bool IsNull { get; }

    public override string Describe => IsNull ? "null" : Plain ? $"'{Text}'" : $"the string \"{Text}\"";
}

internal sealed class MapNode : SpecNode
{
    public MapNode(InputLocation location, IReadOnlyList<KeyValuePair<ScalarNode, SpecNode>> entries)
        : base(location) => Entries = entries;

    public MapNode(SourceLines lines, int offset, IReadOnlyList<KeyValuePair<ScalarNode, SpecNode>> entries)
        : base(lines, offset) => Entries = entries;

    public IReadOnlyList<KeyValuePair<ScalarNode, SpecNode>> Entries { get; }

    public override string Describe => "a mapping";
}

internal sealed class ListNode : SpecNode
{
    public ListNode(InputLocation location, IReadOnlyList<SpecNode> items)
        : base(location) => Items = items;

    public ListNode(SourceLines lines, int offset, IReadOnlyList<SpecNode> items)
        : base(lines, offset) => Items = items;

    public IReadOnlyList<SpecNode> Items { get; }

    public override string Describe => "a list";
}

/// <summary>Where each line of a UTF-8 document starts, to turn a byte offset into a line and column (1-based, the column in bytes, as the JSON reader counts).</summary>
internal sealed class SourceLines(string source, int[] lineStarts)
{
    public InputLocation At(long offset)
    {
        var index = Array.BinarySearch(lineStarts, (int)offset);
        var line = index >= 0 ? index : ~index - 1;
        return new InputLocation(source, line + 1, (int)(offset - lineStarts[line]) + 1);
    }
}
