using System.Text;
using System.Text.Json;
using YamlDotNet.Core;

namespace Ballast.Io.Specs;

/// <summary>
/// Parses YAML or JSON text into a <see cref="SpecNode"/> tree with locations: the one reading path of policy specs,
/// scenarios and proposal files, inside <see cref="DocumentLimits"/>.
/// </summary>
internal static class SpecDocument
{
    /// <summary>Mappings up to this many keys check duplicates by scanning, larger ones with a set.</summary>
    private const int SmallMapping = 16;

    public static SpecNode Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > DocumentLimits.MaxSize)
        {
            // The line the limit falls on: where the reader would have stopped.
            var line = 1 + text.AsSpan(0, DocumentLimits.MaxSize).Count('\n');
            throw new BallastInputException(new InputLocation(source, line), DocumentLimits.TooLarge(text.Length, "characters"));
        }

        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.IsEmpty)
        {
            throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
        }

        var json = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || (!source.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !source.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) && trimmed[0] == '{');
        return json ? ParseJson(text, source) : ParseYaml(text, source);
    }

    /// <summary>Parses a YAML value given outside a file (a command-line value); <paramref name="source"/> names it in messages.</summary>
    public static SpecNode ParseYamlValue(string text, string source) => ParseYaml(text, source);

    private static SpecNode ParseYaml(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            return new YamlTreeBuilder(parser, source).Build();
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
    }

    private static string StripMark(string message)
    {
        // YamlDotNet prefixes "(Line: a, Col: b, Idx: c) - (Line: ...): "; the location is reported separately.
        var index = message.LastIndexOf("): ", StringComparison.Ordinal);
        return index >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(index + 3)..] : message;
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

        // The reader's own depth bound sits above ours, so ours (with its message) is the one met.
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = DocumentLimits.MaxDepth + 1 });
        try
        {
            if (!reader.Read())
            {
                throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
            }

            var values = 0L;
            var root = ReadJson(ref reader, At, 0, ref values);
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

    private static SpecNode ReadJson(ref Utf8JsonReader reader, Func<long, InputLocation> at, int depth, ref long values)
    {
        var location = at(reader.TokenStartIndex);
        if (++values > DocumentLimits.MaxValues)
        {
            throw new BallastInputException(location, DocumentLimits.TooManyValues());
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && depth + 1 > DocumentLimits.MaxDepth)
        {
            throw new BallastInputException(location, DocumentLimits.TooDeep());
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
                // Duplicate keys: a scan of the keys so far while the mapping is small (a policy's is), a set beyond.
                Dictionary<string, int>? seen = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var keyLocation = at(reader.TokenStartIndex);
                    var key = reader.GetString() ?? string.Empty;
                    if (seen is null && entries.Count >= SmallMapping)
                    {
                        seen = new Dictionary<string, int>(StringComparer.Ordinal);
                        foreach (var (earlier, _) in entries)
                        {
                            seen.Add(earlier.Text, earlier.Location.Line ?? 0);
                        }
                    }

                    if (seen is not null ? !seen.TryAdd(key, keyLocation.Line ?? 0) : IndexOfKey(entries, key) >= 0)
                    {
                        var also = seen is not null ? seen[key] : entries[IndexOfKey(entries, key)].Key.Location.Line ?? 0;
                        throw new BallastInputException(keyLocation, $"duplicate key '{key}' (also on line {also})");
                    }

                    reader.Read();
                    entries.Add(new(new ScalarNode(keyLocation, key, plain: false), ReadJson(ref reader, at, depth + 1, ref values)));
                }

                return new MapNode(location, entries);
            case JsonTokenType.StartArray:
                var items = new List<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadJson(ref reader, at, depth + 1, ref values));
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

    private static int IndexOfKey(List<KeyValuePair<ScalarNode, SpecNode>> entries, string key)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key.Text == key)
            {
                return i;
            }
        }

        return -1;
    }
}
