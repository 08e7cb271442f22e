using System.Globalization;
using System.Text;

namespace Ballast.Accounting;

/// <summary>
/// A deep, immutable copy of a vault's state. Two snapshots are equal when every total, balance, request and
/// setting of the state is equal (lists compared element by element); <see cref="ToString"/> prints all of it.
/// </summary>
/// <param name="TotalAssets">The vault's total assets, in base units.</param>
/// <param name="TotalSupply">All shares outstanding, locked ones included, in share base units.</param>
/// <param name="LockedShares">Shares held in withdrawal requests.</param>
/// <param name="Balances">Free share balances by account, in the ledger's order.</param>
/// <param name="Requests">Withdrawal requests in flight, oldest first.</param>
/// <param name="IsPaused">Whether the vault is paused.</param>
/// <param name="PendingReport">The NAV report held while paused, or null.</param>
/// <param name="LastReportAt">When the last NAV report was applied; null before the first.</param>
/// <param name="FeesAccruedTo">The time management fees have been accrued to.</param>
/// <param name="HighWaterMark">The share price above which the performance fee is charged.</param>
/// <param name="LastEventAt">The time of the last operation; earlier times are refused.</param>
/// <param name="NextRequestId">The number the next withdrawal request gets.</param>
public sealed record VaultSnapshot(
    UInt128 TotalAssets,
    UInt128 TotalSupply,
    UInt128 LockedShares,
    IReadOnlyList<KeyValuePair<AccountId, UInt128>> Balances,
    IReadOnlyList<WithdrawalRequest> Requests,
    bool IsPaused,
    PendingNavReport? PendingReport,
    DateTimeOffset? LastReportAt,
    DateTimeOffset FeesAccruedTo,
    SharePrice HighWaterMark,
    DateTimeOffset LastEventAt,
    long NextRequestId)
{
    /// <inheritdoc />
    public bool Equals(VaultSnapshot? other) =>
        other is not null
        && TotalAssets == other.TotalAssets
        && TotalSupply == other.TotalSupply
        && LockedShares == other.LockedShares
        && Balances.SequenceEqual(other.Balances)
        && Requests.SequenceEqual(other.Requests)
        && IsPaused == other.IsPaused
        && Equals(PendingReport, other.PendingReport)
        && LastReportAt == other.LastReportAt
        && FeesAccruedTo == other.FeesAccruedTo
        && HighWaterMark == other.HighWaterMark
        && LastEventAt == other.LastEventAt
        && NextRequestId == other.NextRequestId;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TotalAssets, TotalSupply, LockedShares, Balances.Count, Requests.Count, IsPaused, LastEventAt, NextRequestId);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"assets={TotalAssets} supply={TotalSupply} locked={LockedShares} paused={IsPaused} ");
        text.Append(c, $"pending={PendingReport} lastReport={LastReportAt:O} feesTo={FeesAccruedTo:O} hwm={HighWaterMark} ");
        text.Append(c, $"last={LastEventAt:O} nextRequest={NextRequestId}");
        foreach (var (account, shares) in Balances)
        {
            text.Append(c, $"\n  {account}={shares}");
        }

        foreach (var request in Requests)
        {
            text.Append(c, $"\n  {request}");
        }

        return text.ToString();
    }
}
