namespace Ballast.Io.Specs;

/// <summary>
/// A parsed spec document before binding: the same tree whether it came from YAML or JSON, every node carrying
/// where it was written, so binding errors can name file, line, column and field.
/// </summary>
internal abstract class SpecNode(InputLocation location)
{
    public InputLocation Location { get; } = location;

    public abstract string Describe { get; }
}

/// <summary>A scalar. <see cref="Plain"/> is false for quoted YAML scalars and JSON strings: those are never numbers.</summary>
internal sealed class ScalarNode(InputLocation location, string text, bool plain, bool isNull = false) : SpecNode(location)
{
    public string Text { get; } = text;

    public bool Plain { get; } = plain;

    public bool IsNull { get; } = isNull;

    public override string Describe => IsNull ? "null" : Plain ? $"'{Text}'" : $"the string \"{Text}\"";
}

internal sealed class MapNode(InputLocation location, IReadOnlyList<KeyValuePair<ScalarNode, SpecNode>> entries) : SpecNode(location)
{
    public IReadOnlyList<KeyValuePair<ScalarNode, SpecNode>> Entries { get; } = entries;

    public override string Describe => "a mapping";
}

internal sealed class ListNode(InputLocation location, IReadOnlyList<SpecNode> items) : SpecNode(location)
{
    public IReadOnlyList<SpecNode> Items { get; } = items;

    public override string Describe => "a list";
}
