using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Core.Tests.Protocol.Journal;

public sealed class JournalHashTests
{
    private static readonly DateTimeOffset Time = new(2026, 1, 5, 14, 30, 0, TimeSpan.Zero);

    /// <summary>The worked example of docs/journal.md, byte for byte: changing the encoding must change this test and the doc.</summary>
    [Fact]
    public void Encode_WorkedExample_MatchesDocumentedBytesAndHash()
    {
        var bytes = JournalHash.Encode(1, Time, "deposit", "cmd-1", "{\"units\":5}", Sha256Digest.Zero);

        Assert.Equal(
            "0000001262616c6c6173742e6a6f75726e616c2e7631" // field("ballast.journal.v1")
            + "0000000000000001" // sequence 1
            + "0000001c323032362d30312d30355431343a33303a30302e303030303030305a" // field("2026-01-05T14:30:00.0000000Z")
            + "000000076465706f736974" // field("deposit")
            + "00000005636d642d31" // field("cmd-1")
            + "0000000b7b22756e697473223a357d" // field("{\"units\":5}")
            + new string('0', 64), // previous hash: genesis
            Convert.ToHexStringLower(bytes));
        Assert.Equal(Sha256Digest.Of(bytes), JournalHash.Compute(1, Time, "deposit", "cmd-1", "{\"units\":5}", Sha256Digest.Zero));
        Assert.Equal("f1cb8f1dfe7d2266e00e2b4257d8ad9f563ffeb1218b359403fd49bf571fd9aa", JournalHash.Compute(1, Time, "deposit", "cmd-1", "{\"units\":5}", Sha256Digest.Zero).ToHex());
    }

    [Fact]
    public void Compute_FieldBoundaryMoved_GivesDifferentHash()
    {
        var a = JournalHash.Compute(1, Time, "ab", "c", "{}", Sha256Digest.Zero);
        var b = JournalHash.Compute(1, Time, "a", "bc", "{}", Sha256Digest.Zero);
        var c = JournalHash.Compute(1, Time, "a", "b", "c{}", Sha256Digest.Zero);

        Assert.NotEqual(a, b);
        Assert.NotEqual(b, c);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Compute_AnyFieldChanged_GivesDifferentHash()
    {
        var genuine = JournalHash.Compute(7, Time, "t", "c", "{}", Sha256Digest.Zero);

        Assert.NotEqual(genuine, JournalHash.Compute(8, Time, "t", "c", "{}", Sha256Digest.Zero));
        Assert.NotEqual(genuine, JournalHash.Compute(7, Time.AddTicks(1), "t", "c", "{}", Sha256Digest.Zero));
        Assert.NotEqual(genuine, JournalHash.Compute(7, Time, "u", "c", "{}", Sha256Digest.Zero));
        Assert.NotEqual(genuine, JournalHash.Compute(7, Time, "t", "d", "{}", Sha256Digest.Zero));
        Assert.NotEqual(genuine, JournalHash.Compute(7, Time, "t", "c", "{ }", Sha256Digest.Zero));
        Assert.NotEqual(genuine, JournalHash.Compute(7, Time, "t", "c", "{}", Sha256Digest.OfUtf8("x")));
    }

    [Fact]
    public void FormatTime_UtcWithTicks_WritesSevenFractionDigitsAndParsesBack()
    {
        var time = Time.AddTicks(1234567);

        var text = JournalHash.FormatTime(time);

        Assert.Equal("2026-01-05T14:30:00.1234567Z", text);
        Assert.True(JournalHash.TryParseTime(text, out var parsed));
        Assert.Equal(time, parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }

    [Theory]
    [InlineData("2026-01-05T14:30:00Z")]
    [InlineData("2026-01-05 14:30:00.0000000Z")]
    [InlineData("2026-01-05T14:30:00.0000000+00:00")]
    [InlineData("2026-01-05T24:30:00.0000000Z")]
    [InlineData("2026-1-05T14:30:00.00000000Z")]
    public void TryParseTime_OtherSpelling_ReturnsFalse(string text) =>
        Assert.False(JournalHash.TryParseTime(text, out _));

    [Fact]
    public void FormatTime_NonUtcOffset_Throws() =>
        Assert.Throws<ArgumentException>(() => JournalHash.FormatTime(new DateTimeOffset(2026, 1, 5, 14, 30, 0, TimeSpan.FromHours(1))));
}
