namespace Ballast.Accounting;

/// <summary>Applying operation records: the only code that changes a vault.</summary>
public sealed partial class Vault
{
    /// <summary>
    /// Applies an accepted operation record. Decides nothing: it moves the numbers the record carries. Throws
    /// <see cref="AccountingInvariantException"/> when the record does not fit the state (a bug or a corrupted
    /// journal), in which case the vault must be rebuilt from its journal.
    /// </summary>
    public void Apply(VaultOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.At < LastEventAt)
        {
            throw new AccountingInvariantException($"operation at {operation.At:O} is before the last one at {LastEventAt:O}");
        }

        switch (operation)
        {
            case Deposited d:
                Ledger.AddAssets(Config.FlowFeesPaidOut ? d.Assets - d.EntryFee : d.Assets);
                Ledger.Mint(d.Receiver, d.Shares);
                break;
            case Withdrawn w:
                Ledger.Burn(w.Owner, w.Shares);
                Ledger.RemoveAssets(Config.FlowFeesPaidOut ? w.Assets + w.ExitFee : w.Assets);
                break;
            case AssetsDonated g:
                Ledger.AddAssets(g.Assets);
                break;
            case LossRecorded l:
                Ledger.RemoveAssets(l.Assets);
                break;
            case NavReportApplied r:
                ApplyReport(r);
                break;
            case NavReportHeld h:
                IsPaused = true;
                PendingReport = new PendingNavReport(h.ReportedAssets, h.ReasonCode, h.At);
                break;
            case VaultPaused:
                IsPaused = true;
                break;
            case FeesChanged f:
                {
                    var config = Config with { EntryFeeBps = f.EntryFeeBps, ExitFeeBps = f.ExitFeeBps, ManagementFeeBps = f.ManagementFeeBps, PerformanceFeeBps = f.PerformanceFeeBps };
                    config.Validate();
                    Config = config;
                    break;
                }

            case VaultUnpaused u:
                if (u.AcceptedReport is { } accepted)
                {
                    ApplyReport(accepted);
                }

                IsPaused = false;
                PendingReport = null;
                break;
            case WithdrawalRequested q:
                ApplyRequest(q);
                break;
            case WithdrawalSettled s:
                TakeRequest(s.RequestId, s.Owner, s.Shares);
                Ledger.BurnLocked(s.Shares);
                Ledger.RemoveAssets(Config.FlowFeesPaidOut ? s.AssetsPaid + s.ExitFee : s.AssetsPaid);
                break;
            case WithdrawalRefused f:
                TakeRequest(f.RequestId, f.Owner, f.Shares);
                Ledger.Unlock(f.Owner, f.Shares);
                break;
            case SharesLocked l:
                Ledger.Lock(l.Owner, l.Shares);
                break;
            case SharesReleased r:
                Ledger.Unlock(r.Owner, r.Shares);
                break;
            case WithdrawalCancelled c:
                TakeRequest(c.RequestId, c.Owner, c.Shares);
                Ledger.Unlock(c.Owner, c.Shares);
                break;
            default:
                throw new AccountingInvariantException($"unknown operation {operation.GetType().Name}");
        }

        LastEventAt = operation.At;
    }

    private void ApplyReport(NavReportApplied report)
    {
        // The reports inside the rolling window (before → reported) for the compounded bound; older ones drop out.
        var window = Config.ReportBounds.Window;
        _recentReports.RemoveAll(r => r.At.UtcTicks <= report.At.UtcTicks - window.Ticks);
        if (window > TimeSpan.Zero)
        {
            _recentReports.Add(new RecentReport(report.At, Ledger.TotalAssets, report.ReportedAssets));
        }

        Ledger.SetTotalAssets(report.ReportedAssets);
        Ledger.Mint(report.FeeRecipient, report.ManagementFeeShares);
        Ledger.Mint(report.FeeRecipient, report.PerformanceFeeShares);
        HighWaterMark = report.HighWaterMark;
        LastReportAt = report.At;
        FeesAccruedTo = report.At;
    }

    private void ApplyRequest(WithdrawalRequested request)
    {
        if (request.RequestId != NextRequestId)
        {
            throw new AccountingInvariantException($"withdrawal request id {request.RequestId} is not the next id {NextRequestId}");
        }

        Ledger.Lock(request.Owner, request.Shares);
        _requests.Add(request.RequestId, new WithdrawalRequest(
            request.RequestId, request.Owner, request.Shares, request.AssetsAtRequest, request.MaxLossBps, request.At, request.NotBefore));
        NextRequestId = request.RequestId + 1;
    }

    private void TakeRequest(long id, AccountId owner, UInt128 shares)
    {
        if (!_requests.TryGetValue(id, out var request) || request.Owner != owner || request.Shares != shares)
        {
            throw new AccountingInvariantException($"withdrawal request {id} of {owner} for {shares} shares is not in flight");
        }

        _requests.Remove(id);
    }
}
