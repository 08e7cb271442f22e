using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Ballast.Io.Specs;

/// <summary>
/// Builds the <see cref="SpecNode"/> tree of one YAML document straight from the parser's events, inside
/// <see cref="DocumentLimits"/>: nesting depth, alias expansions and values (aliases expanded) are counted as the
/// events arrive, so a bomb fails after a bounded amount of work. An alias shares the anchored node (it is not
/// copied), and what it would expand to is counted as if it were.
/// </summary>
internal sealed class YamlTreeBuilder(IParser parser, string source)
{
    private readonly Dictionary<string, Built> _anchors = new(StringComparer.Ordinal);
    private long _values;
    private long _aliases;

    /// <summary>The document's root, or the input error: empty, more than one document, a limit crossed, a bad key.</summary>
    public SpecNode Build()
    {
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _))
        {
            throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
        }

        parser.Consume<DocumentStart>();
        var root = Node(0).Node;
        parser.Consume<DocumentEnd>();
        if (parser.Accept<DocumentStart>(out var second))
        {
            throw new BallastInputException(new InputLocation(source, (int)second.Start.Line), "the spec holds more than one YAML document; expected one");
        }

        parser.Consume<StreamEnd>();
        return root;
    }

    /// <summary>The node at the parser, inside <paramref name="depth"/> enclosing mappings and lists.</summary>
    private Built Node(int depth)
    {
        var current = parser.Current ?? throw new InvalidOperationException("the YAML stream ended inside a document");
        var location = new InputLocation(source, (int)current.Start.Line, (int)current.Start.Column);
        switch (current)
        {
            case AnchorAlias alias:
                {
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new BallastInputException(location, $"invalid YAML: the alias *{alias.Value.Value} names no anchor (&{alias.Value.Value}) defined before it");
                    }

                    _aliases += 1 + target.Aliases;
                    if (_aliases > DocumentLimits.MaxAliasExpansions)
                    {
                        throw new BallastInputException(location, DocumentLimits.TooManyAliases());
                    }

                    Count(target.Values, location);
                    if (depth + target.Height > DocumentLimits.MaxDepth)
                    {
                        throw new BallastInputException(location, DocumentLimits.TooDeep());
                    }

                    return target with { Aliases = target.Aliases + 1 };
                }

            case Scalar scalar:
                {
                    parser.MoveNext();
                    Count(1, location);
                    var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                    var value = scalar.Value ?? string.Empty;
                    var isNull = plain && value is "" or "~" or "null" or "Null" or "NULL";
                    return Anchor(scalar.Anchor, new Built(new ScalarNode(location, value, plain, isNull), 1, 0, 0));
                }

            case SequenceStart sequence:
                {
                    Enter(depth, location);
                    parser.MoveNext();
                    var items = new List<SpecNode>();
                    var total = new Built(null!, 1, 0, 0);
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        var item = Node(depth + 1);
                        items.Add(item.Node);
                        total = total.Add(item);
                    }

                    return Anchor(sequence.Anchor, total with { Node = new ListNode(location, items), Height = total.Height + 1 });
                }

            case MappingStart mapping:
                {
                    Enter(depth, location);
                    parser.MoveNext();
                    var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
                    var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                    var total = new Built(null!, 1, 0, 0);
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyStart = parser.Current!.Start;
                        var key = Node(depth + 1);
                        if (key.Node is not ScalarNode keyNode)
                        {
                            throw new BallastInputException(new InputLocation(source, (int)keyStart.Line, (int)keyStart.Column), "a mapping key must be a plain name");
                        }

                        if (!seen.TryAdd(keyNode.Text, keyNode.Location.Line ?? 0))
                        {
                            throw new BallastInputException(keyNode.Location, $"duplicate key '{keyNode.Text}' (also on line {seen[keyNode.Text]})");
                        }

                        var value = Node(depth + 1);
                        entries.Add(new(keyNode, value.Node));
                        total = total.Add(key).Add(value);
                    }

                    return Anchor(mapping.Anchor, total with { Node = new MapNode(location, entries), Height = total.Height + 1 });
                }

            default:
                throw new BallastInputException(location, $"unsupported YAML event {current.GetType().Name}");
        }
    }

    /// <summary>Enters a mapping or list at <paramref name="depth"/> enclosing ones: the depth limit holds before its children are read.</summary>
    private void Enter(int depth, InputLocation location)
    {
        if (depth + 1 > DocumentLimits.MaxDepth)
        {
            throw new BallastInputException(location, DocumentLimits.TooDeep());
        }

        Count(1, location);
    }

    private void Count(long values, InputLocation location)
    {
        _values += values;
        if (_values > DocumentLimits.MaxValues)
        {
            throw new BallastInputException(location, DocumentLimits.TooManyValues());
        }
    }

    private Built Anchor(AnchorName anchor, Built built)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = built;
        }

        return built;
    }

    /// <summary>
    /// A built node and what it stands for once aliases are expanded: its values, the alias expansions inside it,
    /// and its height in nested mappings and lists (0 for a scalar).
    /// </summary>
    private readonly record struct Built(SpecNode Node, long Values, long Aliases, int Height)
    {
        public Built Add(Built child) => this with { Values = Values + child.Values, Aliases = Aliases + child.Aliases, Height = Math.Max(Height, child.Height) };
    }
}
