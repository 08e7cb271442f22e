using Ballast.Accounting;
using Ballast.Governance;
using Ballast.Protocol;

namespace Ballast.Core.Tests.Governance;

public class GovernanceParametersTests
{
    private static readonly GovernanceParameters Defaults = new(86_400, 7 * 86_400, 1_000, 0, 2 * 86_400, 14 * 86_400, new AccountId("guardian"));

    [Fact]
    public void EvidenceRequired_DefaultsToTrue_AndIsAbsentFromTheJournal_SoOlderJournalsStayCanonical()
    {
        var json = ProtocolJson.Canonical(Defaults);

        Assert.True(Defaults.EvidenceRequired);
        Assert.DoesNotContain("evidence", json, StringComparison.Ordinal);
        Assert.True(ProtocolJson.Deserialize<GovernanceParameters>(json).EvidenceRequired);
    }

    [Fact]
    public void EvidenceRequired_False_IsJournaledAndReadBack()
    {
        var relaxed = Defaults with { EvidenceRequired = false };

        var json = ProtocolJson.Canonical(relaxed);

        Assert.Contains("\"evidence_required\":false", json, StringComparison.Ordinal);
        var read = ProtocolJson.Deserialize<GovernanceParameters>(json);
        Assert.False(read.EvidenceRequired);
        Assert.Equal(relaxed, read);
        Assert.Equal(json, ProtocolJson.Canonical(read));
    }
}
