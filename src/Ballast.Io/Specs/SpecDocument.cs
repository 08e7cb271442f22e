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
        var span = bytes.AsSpan();
        for (var at = span.IndexOf((byte)'\n'); at >= 0;)
        {
            lineStarts.Add(at + 1);
            var next = span[(at + 1)..].IndexOf((byte)'\n');
            at = next < 0 ? -1 : at + 1 + next;
        }

        var lines = new SourceLines(source, [.. lineStarts]);

        // The reader's own depth bound sits above ours, so ours (with its message) is the one met.
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = DocumentLimits.MaxDepth + 1 });
        try
        {
            if (!reader.Read())
            {
                throw new BallastInputException(new InputLocation(source, 1), "the spec is empty");
            }

            var values = 0L;
            var root = ReadJson(ref reader, lines, new KeyNames(), 0, ref values);
            if (reader.Read())
            {
                throw new BallastInputException(lines.At(reader.TokenStartIndex), "unexpected content after the end of the JSON document");
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

    private static SpecNode ReadJson(ref Utf8JsonReader reader, SourceLines lines, KeyNames keys, int depth, ref long values)
    {
        var offset = checked((int)reader.TokenStartIndex);
        if (++values > DocumentLimits.MaxValues)
        {
            throw new BallastInputException(lines.At(offset), DocumentLimits.TooManyValues());
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && depth + 1 > DocumentLimits.MaxDepth)
        {
            throw new BallastInputException(lines.At(offset), DocumentLimits.TooDeep());
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<ScalarNode, SpecNode>>();
                // Duplicate keys: a scan of the keys so far while the mapping is small (a policy's is), a set beyond.
                Dictionary<string, int>? seen = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var keyOffset = checked((int)reader.TokenStartIndex);
                    var key = keys.Of(ref reader);
                    if (seen is null && entries.Count >= SmallMapping)
                    {
                        seen = new Dictionary<string, int>(StringComparer.Ordinal);
                        foreach (var (earlier, _) in entries)
                        {
                            seen.Add(earlier.Text, earlier.Location.Line ?? 0);
                        }
                    }

                    if (seen is not null ? !seen.TryAdd(key, lines.At(keyOffset).Line ?? 0) : IndexOfKey(entries, key) >= 0)
                    {
                        var also = seen is not null ? seen[key] : entries[IndexOfKey(entries, key)].Key.Location.Line ?? 0;
                        throw new BallastInputException(lines.At(keyOffset), $"duplicate key '{key}' (also on line {also})");
                    }

                    reader.Read();
                    entries.Add(new(new ScalarNode(lines, keyOffset, key, plain: false), ReadJson(ref reader, lines, keys, depth + 1, ref values)));
                }

                return new MapNode(lines, offset, entries);
            case JsonTokenType.StartArray:
                var items = new List<SpecNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadJson(ref reader, lines, keys, depth + 1, ref values));
                }

                return new ListNode(lines, offset, items);
            case JsonTokenType.String:
                return new ScalarNode(lines, offset, reader.GetString() ?? string.Empty, plain: false);
            case JsonTokenType.Number:
                return new ScalarNode(lines, offset, Encoding.UTF8.GetString(reader.ValueSpan), plain: true);
            case JsonTokenType.True:
                return new ScalarNode(lines, offset, "true", plain: true);
            case JsonTokenType.False:
                return new ScalarNode(lines, offset, "false", plain: true);
            case JsonTokenType.Null:
                return new ScalarNode(lines, offset, "null", plain: true, isNull: true);
            default:
                throw new BallastInputException(lines.At(offset), $"unexpected JSON token {reader.TokenType}");
        }
    }

    /// <summary>
    /// The property names of one document, each made into a string once: a long list repeats a handful of keys
    /// (name, trigger, costs, ...) thousands of times. The first <see cref="Kept"/> distinct short unescaped names are kept.
    /// </summary>
    private sealed class KeyNames
    {
        private const int Kept = 64;
        private const int LongestKept = 64;
        private readonly byte[][] _utf8 = new byte[Kept][];
        private readonly string[] _text = new string[Kept];
        private int _count;

        public string Of(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > LongestKept)
            {
                return reader.GetString() ?? string.Empty;
            }

            var utf8 = reader.ValueSpan;
            for (var k = 0; k < _count; k++)
            {
                if (utf8.SequenceEqual(_utf8[k]))
                {
                    return _text[k];
                }
            }

            var made = reader.GetString() ?? string.Empty;
            if (_count < Kept)
            {
                _utf8[_count] = utf8.ToArray();
                _text[_count] = made;
                _count++;
            }

            return made;
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
