using Ballast.Governance;

namespace Ballast.Core.Tests.Governance;

public class EvidenceCheckTests
{
    private static EvidenceClaim Claim(string sharpe = "0.8123456789012345") => new(
        "3f2a...policy-hash",
        EvidenceClaim.DigestOf("Date,A\n2020-01-01,1\n"u8),
        new DateOnly(2010, 1, 4),
        new DateOnly(2019, 12, 31),
        new Dictionary<string, string>
        {
            ["cagr"] = EvidenceClaim.FormatMetric(0.0712),
            ["sharpe"] = sharpe,
        });

    [Fact]
    public void Compare_SameClaim_Verified()
    {
        Assert.True(EvidenceCheck.Compare(Claim(), Claim()).Verified);
        Assert.Equal(Claim().Hash(), Claim().Hash());
    }

    [Fact]
    public void Compare_OneMetricTampered_FlaggedWithBothValues()
    {
        var result = EvidenceCheck.Compare(Claim("0.9"), Claim());
        Assert.False(result.Verified);
        Assert.Equal([new EvidenceMismatch("metric:sharpe", "0.9", "0.8123456789012345")], result.Mismatches);
        Assert.NotEqual(Claim("0.9").Hash(), Claim().Hash());
    }

    [Fact]
    public void Compare_DigestPeriodAndMissingMetric_EachListed()
    {
        var recomputed = Claim() with
        {
            DataDigest = EvidenceClaim.DigestOf("other"u8),
            PeriodTo = new DateOnly(2019, 12, 30),
            Metrics = new Dictionary<string, string> { ["cagr"] = EvidenceClaim.FormatMetric(0.0712), ["vol"] = "0.1" },
        };
        var fields = EvidenceCheck.Compare(Claim(), recomputed).Mismatches.Select(m => m.Field);
        Assert.Equal(["data_digest", "period_to", "metric:sharpe", "metric:vol"], fields);
    }

    [Fact]
    public void FormatMetric_RoundTrips()
    {
        Assert.Equal("0.1", EvidenceClaim.FormatMetric(0.1));
        Assert.Equal(0.1 + 0.2, double.Parse(EvidenceClaim.FormatMetric(0.1 + 0.2), System.Globalization.CultureInfo.InvariantCulture));
    }
}
