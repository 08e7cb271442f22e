using System.Numerics;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>
/// The gauge controller's decisions (add and remove gauges, votes, weekly emissions, depositors' shares and
/// claims): pure functions of a <see cref="GaugeController"/>'s state, as extension methods; only <see
/// cref="GaugeController.Apply(GaugeOperation)"/> changes it.
/// </summary>
public static class GaugeDecisions
{
    /// <summary>Add a gauge (an executed <see cref="AddGauge"/> action).</summary>
    public static Decision<GaugeAdded> DecideAdd(this GaugeController controller, GaugeId gauge, long now) =>
        controller.TimeCheck(now) is { } late ? late : controller.Exists(gauge) ? GovernanceRejections.HasGauge(gauge) : new GaugeAdded(gauge, now);

    /// <summary>Remove an active gauge (an executed <see cref="RemoveGauge"/> action).</summary>
    public static Decision<GaugeRemoved> DecideRemove(this GaugeController controller, GaugeId gauge, long now) =>
        controller.TimeCheck(now) is { } late ? late : controller.IsActive(gauge) ? new GaugeRemoved(gauge, now) : GovernanceRejections.NoGauge(gauge);

    /// <summary>
    /// Vote <paramref name="bps"/> of the account's veBANK slope for <paramref name="gauge"/>, effective from the next
    /// week boundary. Refused: unknown gauge, bps outside 0..10,000, no lock, a lock not outlasting the next week,
    /// a change on the same gauge within 10 days, or more than 10,000 bps in total.
    /// </summary>
    public static Decision<GaugeVoted> DecideVote(this GaugeController controller, AccountId account, GaugeId gauge, int bps, long now)
    {
        if (controller.TimeCheck(now) is { } late)
        {
            return late;
        }

        if (!controller.Exists(gauge) || (bps > 0 && !controller.IsActive(gauge)))
        {
            return GovernanceRejections.NoGauge(gauge);
        }

        if (bps is < 0 or > BasisPoints.One)
        {
            return GovernanceRejections.Bps(bps);
        }

        if (controller.Escrow.LockOf(account) is not { } l)
        {
            return GovernanceRejections.WithoutLock(account);
        }

        var next = Weeks.Next(now);
        if (l.End <= next)
        {
            return GovernanceRejections.TooSoon(account, l.End, next);
        }

        var old = controller.VoteOf(account, gauge);
        if (old is not null && now < checked(old.At + GaugeController.VoteDelay))
        {
            return GovernanceRejections.Cooldown(account, gauge, old.At + GaugeController.VoteDelay);
        }

        var used = controller.PowerUsed(account) - (old?.Bps ?? 0) + bps;
        if (used > BasisPoints.One)
        {
            return GovernanceRejections.OverAllocated(account, used);
        }

        var slope = (Int128)ExactMath.MulDiv((UInt128)l.Slope, (UInt128)bps, BasisPoints.One, Rounding.Floor);
        return new GaugeVoted(account, gauge, bps, slope, l.End, next, used, now);
    }

    /// <summary>
    /// Split <paramref name="amount"/> for the week starting at <paramref name="week"/> (a boundary, not after now,
    /// once) across active gauges: ⌊amount · wᵢ / Σw⌋ each, then the remainder one base unit at a time to the largest
    /// remainders (ties by ordinal gauge id), so the shares sum to <paramref name="amount"/> exactly.
    /// </summary>
    public static Decision<EmissionDistributed> DecideDistribute(this GaugeController controller, long week, UInt128 amount, long now)
    {
        if (controller.TimeCheck(now) is { } late)
        {
            return late;
        }

        if (week < 0 || week % Weeks.Week != 0 || week > now)
        {
            return GovernanceRejections.NotWeek(week);
        }

        if (amount == 0)
        {
            return GovernanceRejections.Zero("emission");
        }

        if (controller.Distributed.ContainsKey(week))
        {
            return GovernanceRejections.Distributed(week);
        }

        var weights = controller.Gauges.Where(controller.IsActive).Select(id => (Id: id, Weight: controller.WeightAt(id, week))).Where(x => x.Weight > 0).ToArray();
        var total = weights.Aggregate(BigInteger.Zero, (s, x) => s + x.Weight);
        if (total.IsZero)
        {
            return GovernanceRejections.NoWeight(week);
        }

        var shares = new UInt128[weights.Length];
        var remainders = new BigInteger[weights.Length];
        UInt128 given = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var q = BigInteger.DivRem((BigInteger)amount * weights[i].Weight, total, out remainders[i]);
            shares[i] = ExactMath.ToUInt128(q);
            given += shares[i];
        }

        var order = Enumerable.Range(0, weights.Length)
            .OrderByDescending(i => remainders[i])
            .ThenBy(i => weights[i].Id)
            .ToArray();
        for (var k = 0; given < amount; k++)
        {
            shares[order[k]] += 1;
            given += 1;
        }

        var list = weights.Select((x, i) => new GaugeEmission(x.Id, x.Weight, shares[i])).ToArray();
        return new EmissionDistributed(week, amount, list, now);
    }

    /// <summary><paramref name="account"/> now holds <paramref name="shares"/> of the gauge's vault (the integrator reports every change).</summary>
    public static Decision<GaugeSharesSet> DecideSetShares(this GaugeController controller, GaugeId gauge, AccountId account, UInt128 shares, long now) =>
        controller.TimeCheck(now) is { } late ? late : controller.Exists(gauge) ? new GaugeSharesSet(gauge, account, shares, now) : GovernanceRejections.NoGauge(gauge);

    /// <summary>Claim every whole base unit <paramref name="account"/> has earned in <paramref name="gauge"/> up to now.</summary>
    public static Decision<GaugeRewardClaimed> DecideClaim(this GaugeController controller, GaugeId gauge, AccountId account, long now)
    {
        if (controller.TimeCheck(now) is { } late)
        {
            return late;
        }

        if (!controller.Exists(gauge))
        {
            return GovernanceRejections.NoGauge(gauge);
        }

        var amount = controller.ClaimableAt(gauge, account, now);
        return amount == 0 ? GovernanceRejections.Nothing(account, gauge) : new GaugeRewardClaimed(gauge, account, amount, now);
    }
}
