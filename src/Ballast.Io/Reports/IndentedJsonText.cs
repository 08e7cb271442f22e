using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ballast.Io.Reports;

/// <summary>
/// A growable UTF-8 buffer that writes JSON exactly as an indented <see cref="Utf8JsonWriter"/> with
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> does (two spaces a level, <c>"name": value</c>, empty
/// containers as <c>{}</c> and <c>[]</c>, numbers in the framework's shortest round-trip form), starting at any
/// depth, without the writer's per-call validation: metrics.json's per-policy entries, rendered in parallel. The tests
/// compare its output with <see cref="Utf8JsonWriter"/>'s for the same calls.
/// </summary>
internal sealed class IndentedJsonText
{
    private const int MaxDepth = 64;

    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>A comma, the line break and the indentation of the deepest level: what goes before an element is a slice of it.</summary>
    private readonly byte[] _separator;

    /// <summary>The line break's length in bytes.</summary>
    private readonly int _newLine;
    private readonly bool[] _hasItems = new bool[MaxDepth];
    private byte[] _bytes;
    private int _depth;
    private bool _afterName;

    /// <summary>A buffer whose first value is written at <paramref name="depth"/> (an element of a container that deep), with the writer's line break <paramref name="newLine"/>; it starts with room for <paramref name="capacity"/> bytes and grows as needed.</summary>
    public IndentedJsonText(int depth, string newLine, int capacity = 4096)
    {
        _depth = depth;
        var lineBreak = Encoding.UTF8.GetBytes(newLine);
        _newLine = lineBreak.Length;
        _separator = new byte[1 + lineBreak.Length + (2 * MaxDepth)];
        _separator[0] = (byte)',';
        lineBreak.CopyTo(_separator, 1);
        _separator.AsSpan(1 + lineBreak.Length).Fill((byte)' ');
        _bytes = new byte[capacity];
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    /// <summary>How many bytes are written.</summary>
    public int Length { get; private set; }

    /// <summary>
    /// Forgets the bytes, keeps the buffer; the next value is written at <paramref name="depth"/> again, as the first of
    /// its container, or with <paramref name="afterElement"/> as a later one (after its comma: the container's earlier
    /// elements were written elsewhere).
    /// </summary>
    public void Reset(int depth, bool afterElement = false)
    {
        Length = 0;
        _depth = depth;
        _hasItems[depth] = afterElement;
        _afterName = false;
    }

    public void StartObject() => Start((byte)'{');

    public void StartObject(string name)
    {
        Name(name);
        Start((byte)'{');
    }

    public void EndObject() => End((byte)'}');

    public void StartArray() => Start((byte)'[');

    public void StartArray(string name)
    {
        Name(name);
        Start((byte)'[');
    }

    public void EndArray() => End((byte)']');

    /// <summary>A property name encoded once (as it stands between the quotes); its value follows.</summary>
    public void Name(JsonEncodedText name)
    {
        Element();
        var encoded = name.EncodedUtf8Bytes;
        Reserve(encoded.Length + 4);
        _bytes[Length++] = (byte)'"';
        encoded.CopyTo(_bytes.AsSpan(Length));
        Length += encoded.Length;
        _bytes[Length++] = (byte)'"';
        _bytes[Length++] = (byte)':';
        _bytes[Length++] = (byte)' ';
        _afterName = true;
    }

    /// <summary>A property name; its value follows.</summary>
    public void Name(string name)
    {
        Element();
        Text(name);
        Put((byte)':');
        Put((byte)' ');
        _afterName = true;
    }

    public void String(string name, string value)
    {
        Name(name);
        StringValue(value);
    }

    public void StringValue(string value)
    {
        Element();
        Text(value);
    }

    public void Boolean(string name, bool value)
    {
        Name(name);
        BooleanValue(value);
    }

    public void BooleanValue(bool value)
    {
        Element();
        Ascii(value ? "true" : "false");
    }

    public void Null(string name)
    {
        Name(name);
        NullValue();
    }

    public void NullValue()
    {
        Element();
        Ascii("null");
    }

    public void Number(string name, long value)
    {
        Name(name);
        NumberValue(value);
    }

    public void NumberValue(long value)
    {
        Element();
        Reserve(20);
        value.TryFormat(_bytes.AsSpan(Length), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        Length += written;
    }

    /// <summary>A finite double, as <see cref="Utf8JsonWriter.WriteNumber(string, double)"/> writes it.</summary>
    public void Number(string name, double value)
    {
        Name(name);
        NumberValue(value);
    }

    public void NumberValue(double value)
    {
        Element();
        Reserve(ShortestDouble.MaxLength);
        Length += ShortestDouble.Write(value, _bytes.AsSpan(Length));
    }

    /// <summary>UTF-8 JSON written as it is (already valid and compact).</summary>
    public void RawValue(ReadOnlySpan<byte> utf8Json)
    {
        Element();
        Reserve(utf8Json.Length);
        utf8Json.CopyTo(_bytes.AsSpan(Length));
        Length += utf8Json.Length;
    }

    /// <summary>A policy hash as a string: its 64 lowercase hexadecimal digits, quoted.</summary>
    public void HashValue(Ballast.Policies.PolicyHash hash)
    {
        Element();
        Reserve(HashHex.Length + 2);
        _bytes[Length++] = (byte)'"';
        HashHex.Write(hash, _bytes.AsSpan(Length));
        Length += HashHex.Length;
        _bytes[Length++] = (byte)'"';
    }

    private void Start(byte bracket)
    {
        Element();
        Put(bracket);
        _depth++;
        _hasItems[_depth] = false;
    }

    private void End(byte bracket)
    {
        var hadItems = _hasItems[_depth];
        _depth--;
        if (hadItems)
        {
            LineAndIndent();
        }

        Put(bracket);
    }

    /// <summary>Before a value or a name: after a name nothing; otherwise the comma of a later element, the line break and the indentation.</summary>
    private void Element()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        var comma = _hasItems[_depth] ? 0 : 1;
        _hasItems[_depth] = true;
        Append(_separator.AsSpan(comma, 1 - comma + _newLine + (2 * _depth)));
    }

    private void LineAndIndent() => Append(_separator.AsSpan(1, _newLine + (2 * _depth)));

    /// <summary>A quoted string, escaped as the relaxed encoder escapes it: printable ASCII other than <c>"</c> and <c>\</c> as it is, anything else through the encoder.</summary>
    private void Text(string value)
    {
        // A plain loop, not SearchValues: its vector search is compiled at run time, a cost to a one-policy run.
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                Escaped(value);
                return;
            }
        }

        Reserve(value.Length + 2);
        _bytes[Length++] = (byte)'"';
        System.Text.Ascii.FromUtf16(value, _bytes.AsSpan(Length), out var written);
        Length += written;
        _bytes[Length++] = (byte)'"';
    }

    private void Escaped(string value)
    {
        var encoded = JsonEncodedText.Encode(value, Encoder).EncodedUtf8Bytes;
        Reserve(encoded.Length + 2);
        _bytes[Length++] = (byte)'"';
        encoded.CopyTo(_bytes.AsSpan(Length));
        Length += encoded.Length;
        _bytes[Length++] = (byte)'"';
    }

    private void Ascii(string text)
    {
        Reserve(text.Length);
        foreach (var c in text)
        {
            _bytes[Length++] = (byte)c;
        }
    }

    private void Put(byte b)
    {
        Reserve(1);
        _bytes[Length++] = b;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Reserve(int count)
    {
        if (Length + count > _bytes.Length)
        {
            Grow(count);
        }
    }

    private void Grow(int count) => Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + count));
}
