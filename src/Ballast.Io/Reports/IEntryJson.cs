using System.Text.Json;
using Ballast.Policies;

namespace Ballast.Io.Reports;

/// <summary>
/// The calls a policy's entry of metrics.json is written with (<see cref="PolicyEntryJson"/>), so that one writer of an
/// entry serves both targets: an indented <see cref="Utf8JsonWriter"/> (<see cref="WriterEntryJson"/>, with an
/// analysis's statistics after it) and the direct UTF-8 rendering of <see cref="IndentedJsonText"/>
/// (<see cref="TextEntryJson"/>, every <c>--json</c> run). Implemented by structs, so the generic writer is compiled
/// once per target and its calls are direct.
/// </summary>
internal interface IEntryJson
{
    /// <summary>An object as the next element of an array.</summary>
    void StartObject();

    /// <summary>An object as the value of the property <paramref name="name"/>.</summary>
    void StartObject(JsonEncodedText name);

    /// <summary>Closes the innermost object.</summary>
    void EndObject();

    /// <summary>An array as the value of the property <paramref name="name"/>.</summary>
    void StartArray(JsonEncodedText name);

    /// <summary>Closes the innermost array.</summary>
    void EndArray();

    /// <summary>A property name given as text (escaped as needed); its value follows.</summary>
    void PropertyName(string name);

    /// <summary>The string property <paramref name="name"/> (its value escaped as needed).</summary>
    void String(JsonEncodedText name, string value);

    /// <summary>A string value (escaped as needed) after <see cref="PropertyName"/> or in an array.</summary>
    void StringValue(string value);

    /// <summary>The property <paramref name="name"/>: the hash's 64 lowercase hexadecimal digits, quoted.</summary>
    void Hash(JsonEncodedText name, PolicyHash hash);

    /// <summary>The boolean property <paramref name="name"/>.</summary>
    void Boolean(JsonEncodedText name, bool value);

    /// <summary>The property <paramref name="name"/>: the number in its shortest round-trip form, or null when it is missing or not finite.</summary>
    void Number(JsonEncodedText name, double? value);

    /// <summary>A finite number as a value, after <see cref="PropertyName"/> or in an array.</summary>
    void NumberValue(double value);

    /// <summary>The property <paramref name="name"/> as null.</summary>
    void Null(JsonEncodedText name);

    /// <summary>The property <paramref name="name"/> whose value is <paramref name="utf8Json"/>: valid compact JSON, written as it is.</summary>
    void RawValue(JsonEncodedText name, ReadOnlySpan<byte> utf8Json);
}
