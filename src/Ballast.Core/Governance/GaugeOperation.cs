using System.Text.Json.Serialization;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>A gauge-controller record, with every number computed; <see cref="At"/> is unix seconds (UTC).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(GaugeAdded), "gauge-added")]
[JsonDerivedType(typeof(GaugeRemoved), "gauge-removed")]
[JsonDerivedType(typeof(GaugeVoted), "gauge-voted")]
[JsonDerivedType(typeof(EmissionDistributed), "emission-distributed")]
[JsonDerivedType(typeof(GaugeSharesSet), "gauge-shares-set")]
[JsonDerivedType(typeof(GaugeRewardClaimed), "gauge-reward-claimed")]
public abstract record GaugeOperation(long At);

/// <summary>A gauge for composed vault <paramref name="Gauge"/> (from an executed <see cref="AddGauge"/>).</summary>
public sealed record GaugeAdded(string Gauge, long At) : GaugeOperation(At);

/// <summary>A gauge removed (from an executed <see cref="RemoveGauge"/>): no further emissions.</summary>
public sealed record GaugeRemoved(string Gauge, long At) : GaugeOperation(At);

/// <summary>
/// <paramref name="Account"/> now gives <paramref name="Bps"/> of its veBANK slope to <paramref name="Gauge"/>:
/// slope ⌊lockSlope · bps / 10⁴⌋ until <paramref name="End"/> (the lock end), effective from the week boundary
/// <paramref name="EffectiveFrom"/>; <paramref name="PowerUsed"/> is the account's new total in bps.
/// </summary>
public sealed record GaugeVoted(AccountId Account, string Gauge, int Bps, Int128 Slope, long End, long EffectiveFrom, int PowerUsed, long At) : GaugeOperation(At);

/// <summary>One gauge's share of a week's emission: its weight at the week start and the base units it gets.</summary>
public sealed record GaugeEmission(string Gauge, UInt128 Weight, UInt128 Amount);

/// <summary>The emission of week <paramref name="Week"/> split across active gauges by weight; the shares sum to <paramref name="Amount"/>.</summary>
public sealed record EmissionDistributed(long Week, UInt128 Amount, IReadOnlyList<GaugeEmission> Shares, long At) : GaugeOperation(At);

/// <summary><paramref name="Account"/> now holds <paramref name="Shares"/> of the composed vault behind <paramref name="Gauge"/> (reported by the integrator at every share change).</summary>
public sealed record GaugeSharesSet(string Gauge, AccountId Account, UInt128 Shares, long At) : GaugeOperation(At);

/// <summary><paramref name="Amount"/> BANK base units of rewards claimed from <paramref name="Gauge"/> (paid by the integrator).</summary>
public sealed record GaugeRewardClaimed(string Gauge, AccountId Account, UInt128 Amount, long At) : GaugeOperation(At);

/// <summary>
/// A gauge's reward books at a time: emitted, released so far (streamed linearly over each week), claimed, still
/// claimable (Σ of each holder's whole base units) and dust (released − claimed − claimable: released while no one
/// held shares plus rounding, kept by the gauge). <c>Claimed + Claimable + Dust = Released ≤ Emitted</c> exactly.
/// </summary>
public sealed record GaugeRewardReport(UInt128 Emitted, UInt128 Released, UInt128 Claimed, UInt128 Claimable, UInt128 Dust, UInt128 Unattributed);
