using System.Text;
using System.Text.Json;
using Ballast.Io.Reports;
using CsCheck;

namespace Ballast.Io.Tests.Reports;

/// <summary><see cref="IndentedJsonText"/> writes the bytes an indented <see cref="Utf8JsonWriter"/> with the relaxed encoder writes, for any tree of objects, arrays, strings (escapes included), numbers, booleans and nulls.</summary>
public sealed class IndentedJsonTextTests
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };

    /// <summary>Characters of names and strings: plain ASCII, the ones JSON escapes, controls, DEL, accents, CJK and a surrogate pair.</summary>
    private static readonly string[] Pieces = ["a", "Z", "0", " ", "-", "=", "\"", "\\", "/", "<", ">", "&", "'", "+", "`", "~", "%", "\n", "\t", "\u0001", "\u007f", "é", "中", "\U0001F600", "\u2028"];

    [Fact]
    public void Any_tree_is_written_as_the_frameworks_writer_writes_it() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var elements = random.Next(1, 4);
            using var buffer = new MemoryStream();
            var text = new IndentedJsonText(1, "\n");
            using (var w = new Utf8JsonWriter(buffer, Options))
            {
                w.WriteStartArray();
                for (var e = 0; e < elements; e++)
                {
                    var seedOfElement = random.Next();
                    Value(new Random(seedOfElement), w, null, 0);
                    Value(new Random(seedOfElement), text, null, 0);
                }

                w.WriteEndArray();
            }

            var expected = Encoding.UTF8.GetString(buffer.ToArray());
            return expected[1..^2] == Encoding.UTF8.GetString(text.Written);
        }, iter: 20_000);

    [Fact]
    public void Reset_starts_again_at_the_depth_as_the_first_element()
    {
        var text = new IndentedJsonText(2, "\n");
        text.StartObject();
        text.Number("x", 1.5);
        text.EndObject();
        text.StartObject();
        text.EndObject();
        Assert.Equal("\n    {\n      \"x\": 1.5\n    },\n    {}", Encoding.UTF8.GetString(text.Written));
        text.Reset(2);
        text.NullValue();
        Assert.Equal("\n    null", Encoding.UTF8.GetString(text.Written));
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var n = random.Next(0, 8); n > 0; n--)
        {
            builder.Append(random.Next(3) == 0 ? Pieces[random.Next(Pieces.Length)] : ((char)('a' + random.Next(26))).ToString());
        }

        return builder.ToString();
    }

    private static double RandomNumber(Random random) => random.Next(4) switch
    {
        0 => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 0.5,
        1 => random.Next(-1000, 1000),
        _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-9, 20)),
    };

    /// <summary>One random value, named when <paramref name="name"/> is not null, written through the framework's writer.</summary>
    private static void Value(Random random, Utf8JsonWriter w, string? name, int depth)
    {
        if (name is not null)
        {
            w.WritePropertyName(name);
        }

        switch (depth >= 3 ? random.Next(5) : random.Next(7))
        {
            case 0: w.WriteStringValue(RandomText(random)); break;
            case 1: w.WriteNumberValue(RandomNumber(random)); break;
            case 2: w.WriteNumberValue(random.NextInt64(-100_000, 100_000)); break;
            case 3: w.WriteBooleanValue(random.Next(2) == 0); break;
            case 4: w.WriteNullValue(); break;
            case 5:
                w.WriteStartObject();
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    Value(random, w, RandomText(random), depth + 1);
                }

                w.WriteEndObject();
                break;
            default:
                w.WriteStartArray();
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    Value(random, w, null, depth + 1);
                }

                w.WriteEndArray();
                break;
        }
    }

    /// <summary>The same random value (same draws in the same order) through <see cref="IndentedJsonText"/>.</summary>
    private static void Value(Random random, IndentedJsonText text, string? name, int depth)
    {
        if (name is not null)
        {
            text.Name(name);
        }

        switch (depth >= 3 ? random.Next(5) : random.Next(7))
        {
            case 0: text.StringValue(RandomText(random)); break;
            case 1: text.NumberValue(RandomNumber(random)); break;
            case 2: Integer(text, random.NextInt64(-100_000, 100_000)); break;
            case 3: Boolean(text, random.Next(2) == 0); break;
            case 4: text.NullValue(); break;
            case 5:
                text.StartObject();
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    Value(random, text, RandomText(random), depth + 1);
                }

                text.EndObject();
                break;
            default:
                text.StartArray();
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    Value(random, text, null, depth + 1);
                }

                text.EndArray();
                break;
        }
    }

    private static void Integer(IndentedJsonText text, long value) => text.NumberValue(value);

    private static void Boolean(IndentedJsonText text, bool value) => text.BooleanValue(value);
}
