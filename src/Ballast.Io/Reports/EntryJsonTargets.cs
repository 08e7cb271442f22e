using System.Text.Json;
using Ballast.Policies;

namespace Ballast.Io.Reports;

/// <summary><see cref="IEntryJson"/> onto an indented <see cref="Utf8JsonWriter"/> (its options give the escaping and the line break).</summary>
internal readonly struct WriterEntryJson(Utf8JsonWriter writer) : IEntryJson
{
    public void StartObject() => writer.WriteStartObject();

    public void StartObject(JsonEncodedText name) => writer.WriteStartObject(name);

    public void EndObject() => writer.WriteEndObject();

    public void StartArray(JsonEncodedText name) => writer.WriteStartArray(name);

    public void EndArray() => writer.WriteEndArray();

    public void PropertyName(string name) => writer.WritePropertyName(name);

    public void String(JsonEncodedText name, string value) => writer.WriteString(name, value);

    public void StringValue(string value) => writer.WriteStringValue(value);

    public void Hash(JsonEncodedText name, PolicyHash hash)
    {
        Span<byte> hex = stackalloc byte[HashHex.Length];
        HashHex.Write(hash, hex);
        writer.WriteString(name, hex);
    }

    public void Boolean(JsonEncodedText name, bool value) => writer.WriteBoolean(name, value);

    public void Number(JsonEncodedText name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public void NumberValue(double value) => writer.WriteNumberValue(value);

    public void Null(JsonEncodedText name) => writer.WriteNull(name);

    public void RawValue(JsonEncodedText name, ReadOnlySpan<byte> utf8Json)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue(utf8Json, skipInputValidation: true);
    }
}

/// <summary><see cref="IEntryJson"/> onto <see cref="IndentedJsonText"/>: the same bytes, without the writer's per-call checks.</summary>
internal readonly struct TextEntryJson(IndentedJsonText text) : IEntryJson
{
    public void StartObject() => text.StartObject();

    public void StartObject(JsonEncodedText name)
    {
        text.Name(name);
        text.StartObject();
    }

    public void EndObject() => text.EndObject();

    public void StartArray(JsonEncodedText name)
    {
        text.Name(name);
        text.StartArray();
    }

    public void EndArray() => text.EndArray();

    public void PropertyName(string name) => text.Name(name);

    public void String(JsonEncodedText name, string value)
    {
        text.Name(name);
        text.StringValue(value);
    }

    public void StringValue(string value) => text.StringValue(value);

    public void Hash(JsonEncodedText name, PolicyHash hash)
    {
        text.Name(name);
        text.HashValue(hash);
    }

    public void Boolean(JsonEncodedText name, bool value)
    {
        text.Name(name);
        text.BooleanValue(value);
    }

    public void Number(JsonEncodedText name, double? value)
    {
        text.Name(name);
        if (value is { } v && double.IsFinite(v))
        {
            text.NumberValue(v);
        }
        else
        {
            text.NullValue();
        }
    }

    public void NumberValue(double value) => text.NumberValue(value);

    public void Null(JsonEncodedText name)
    {
        text.Name(name);
        text.NullValue();
    }

    public void RawValue(JsonEncodedText name, ReadOnlySpan<byte> utf8Json)
    {
        text.Name(name);
        text.RawValue(utf8Json);
    }
}

/// <summary>A policy hash as its 64 lowercase hexadecimal digits in UTF-8, written without a string in between.</summary>
internal static class HashHex
{
    /// <summary>The digits a hash is written with.</summary>
    public const int Length = Hashing.Sha256Digest.HexLength;

    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    /// <summary>Writes the <see cref="Length"/> digits of <paramref name="hash"/> (as <see cref="PolicyHash.ToString"/>) into <paramref name="destination"/>.</summary>
    public static void Write(PolicyHash hash, Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[Hashing.Sha256Digest.Length];
        hash.Digest.CopyTo(bytes);
        var hex = destination[..Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            hex[2 * i] = Digits[bytes[i] >> 4];
            hex[(2 * i) + 1] = Digits[bytes[i] & 0xF];
        }
    }
}
