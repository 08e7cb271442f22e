using Ballast.Hashing;
using Ballast.Protocol.Journal;

namespace Ballast.Core.Tests.Protocol.Journal;

public sealed class JournalEventTests
{
    private static readonly DateTimeOffset Utc = new(2026, 1, 5, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Constructor_NonUtcTime_ThrowsNamingTheOffset()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new JournalEvent(1, new DateTimeOffset(2026, 1, 5, 15, 30, 0, TimeSpan.FromHours(1)), "t", "c", "{}", default, default));

        Assert.Contains("UTC", error.Message, StringComparison.Ordinal);
        Assert.Contains("01:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_NonUtcTime_Throws() =>
        Assert.Throws<ArgumentException>(() => new JournalEvent(1, Utc, "t", "c", "{}", default, default) with { Time = DateTimeOffset.Parse("2026-01-05T14:30:00-05:00", System.Globalization.CultureInfo.InvariantCulture) });

    [Theory]
    [InlineData(0, "t", "c", "{}")]
    [InlineData(1, "", "c", "{}")]
    [InlineData(1, "t", "", "{}")]
    [InlineData(1, "t\n", "c", "{}")]
    [InlineData(1, "t", "c\u0001", "{}")]
    [InlineData(1, "t", "c", "{\"a\":\"\0\"}")]
    public void Constructor_InvalidField_ThrowsArgument(long sequence, string type, string commandId, string payload) =>
        Assert.ThrowsAny<ArgumentException>(() => new JournalEvent(sequence, Utc, type, commandId, payload, default, default));

    [Fact]
    public void Constructor_LoneSurrogateInPayload_ThrowsArgument() =>
        Assert.Throws<ArgumentException>(() => new JournalEvent(1, Utc, "t", "c", "{\"a\":\"" + '\ud800' + "\"}", default, default));

    [Fact]
    public void Equality_SameFields_AreEqualRecords()
    {
        var hash = Sha256Digest.OfUtf8("h");
        Assert.Equal(new JournalEvent(1, Utc, "t", "c", "{}", default, hash), new JournalEvent(1, Utc, "t", "c", "{}", default, hash));
    }
}
