using Ballast.Io.Storage;

namespace Ballast.Io.Tests.Storage;

public sealed class JournalStoresTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("mysql:Server=x", "unknown scheme 'mysql:'")]
    [InlineData("sqlite:", "names no file")]
    [InlineData("postgres:", "no connection string")]
    [InlineData("postgres:Nonsense Key=1", "malformed connection string")]
    [InlineData("postgres:Port=5432;Database=d", "names no Host")]
    public void Open_BadLocation_ThrowsArgumentNamingWhatIsExpected(string location, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => JournalStores.Open(location));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("'sqlite:FILE', 'postgres:CONNECTION-STRING'", error.Message, StringComparison.Ordinal);
        Assert.Equal("location", error.ParamName);
    }
}
