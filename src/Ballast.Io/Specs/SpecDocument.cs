using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ballast.Io.Specs;

/// <summary>Parses YAML or JSON text into a <see cref="SpecNode"/> tree with locations.</summary>
internal static class SpecDocument
{
    public static SpecNode Parse(string text, string source)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty)
        {
            throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
        }

        var json = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || (!source.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !source.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) && trimmed[0] == '{');
        return json ? ParseJson(text, source) : ParseYaml(text, source);
    }

    private static SpecNode ParseYaml(string text, string source)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var message = e.InnerException is { } inner && e.Message.Contains("see inner", StringComparison.OrdinalIgnoreCase) ? inner.Message : e.Message;
            throw new BallastInputException(new InputLocation(source, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {StripMark(message)}");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // The scanner gave up without a mark; the last event it produced is where it was.
            var mark = parser.Current?.End;
            throw new BallastInputException(new InputLocation(source, mark is null ? null : (int)mark.Value.Line, mark is null ? null : (int)mark.Value.Column), "invalid YAML: unexpected end or malformed flow collection (check brackets and braces)");
        }

        if (stream.Documents.Count == 0)
        {
            throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
        }

        if (stream.Documents.Count > 1)
        {
            throw new BallastInputException(new InputLocation(source, (int)stream.Documents[1].RootNode.Start.Line), "the spec holds more than one YAML document; expected one");
        }

        return Convert(stream.Documents[0].RootNode, source);
    }

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes "(Line: a, Col: b, Idx: c) - (Line: ...): "; the location is reported separately.
        var index = message.LastIndexOf("): ", StringComparison.Ordinal);
        return index >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(index + 3)..] : message;
    }

    private static SpecNode Convert(YamlNode node, string source)
    {
        var location = new InputLocation(source, (int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlScalarNode scalar:
                var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
                var value = scalar.Value ?? string.Empty;
                var isNull = plain && value is "" or "~" or "null" or "Null" or "NULL";
                return new ScalarNode(location, value, plain, isNull);
            case YamlSequenceNode sequence:
                return new ListNode(location, [.. sequence.Children.Select(c => Convert(c, source))]);
            case YamlMappingNode mapping:
                var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var (key, value2) in mapping.Children)
                {
                    if (Convert(key, source) is not ScalarNode keyNode)
                    {
                        throw new BallastInputException(new InputLocation(source, (int)key.Start.Line, (int)key.Start.Column), "a mapping key must be a plain name");
                    }

                    if (!seen.TryAdd(keyNode.Text, keyNode.Location.Line ?? 0))
                    {
                        throw new BallastInputException(keyNode.Location, $"duplicate key '{keyNode.Text}' (also on line {seen[keyNode.Text]})");
                    }

                    entries.Add(new(keyNode, Convert(value2, source)));
                }

                return new MapNode(location, entries);
            default:
                throw new BallastInputException(location, $"unsupported YAML node {node.NodeType}");
        }
    }

    private static SpecNode ParseJson(string text, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        InputLocation At(long offset)
        {
            var index = lineStarts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            return new InputLocation(source, line + 1, (int)(offset - lineStarts[line]) + 1);
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        try
        {
            if (!reader.Read())
            {
                throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
            }

            var root = ReadJson(ref reader, At);
            if (reader.Read())
            {
                throw new BallastInputException(At(reader.TokenStartIndex), "unexpected content after the end of the JSON document");
            }

            return root;
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            var reason = (cut > 0 ? message[..cut] : message).Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal);
            throw new BallastInputException(new InputLocation(source, line, column), $"invalid JSON: {reason}");
        }
    }

    private static SpecNode ReadJson(ref Utf8JsonReader reader, Func<long, InputLocation> at)
    {
        var location = at(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var keyLocation = at(reader.TokenStartIndex);
                    var key = reader.GetString() ?? string.Empty;
                    if (!seen.TryAdd(key, keyLocation.Line ?? 0))
                    {
                        throw new BallastInputException(keyLocation, $"duplicate key '{key}' (also on line {seen[key]})");
                    }

                    reader.Read();
                    entries.Add(new(new ScalarNode(keyLocation, key, plain: false), ReadJson(ref reader, at)));
                }

                return new MapNode(location, entries);
            case JsonTokenType.StartArray:
                var items = new List<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadJson(ref reader, at));
                }

                return new ListNode(location, items);
            case JsonTokenType.String:
                return new ScalarNode(location, reader.GetString() ?? string.Empty, plain: false);
            case JsonTokenType.Number:
                return new ScalarNode(location, Encoding.UTF8.GetString(reader.ValueSpan), plain: true);
            case JsonTokenType.True:
                return new ScalarNode(location, "true", plain: true);
            case JsonTokenType.False:
                return new ScalarNode(location, "false", plain: true);
            case JsonTokenType.Null:
                return new ScalarNode(location, "null", plain: true, isNull: true);
            default:
                throw new BallastInputException(location, $"unexpected JSON token {reader.TokenType}");
        }
    }
}
