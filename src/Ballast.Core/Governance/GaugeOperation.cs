using System.Text.Json.Serialization;
using Ballast.Accounting;

namespace Ballast.Governance;

/// <summary>A gauge-controller record, with every number computed; <see cref="At"/> is unix seconds (UTC).</summary>
/// <param name="At">Unix seconds (UTC) the operation was decided at.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(GaugeAdded), "gauge-added")]
[JsonDerivedType(typeof(GaugeRemoved), "gauge-removed")]
[JsonDerivedType(typeof(GaugeVoted), "gauge-voted")]
[JsonDerivedType(typeof(EmissionDistributed), "emission-distributed")]
[JsonDerivedType(typeof(GaugeSharesSet), "gauge-shares-set")]
[JsonDerivedType(typeof(GaugeRewardClaimed), "gauge-reward-claimed")]
public abstract record GaugeOperation(long At);

/// <summary>A gauge for composed vault <paramref name="Gauge"/> (from an executed <see cref="AddGauge"/>).</summary>
/// <param name="Gauge">The gauge's id: a composed vault id.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record GaugeAdded(GaugeId Gauge, long At) : GaugeOperation(At);

/// <summary>A gauge removed (from an executed <see cref="RemoveGauge"/>): no further emissions.</summary>
/// <param name="Gauge">The gauge's id.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record GaugeRemoved(GaugeId Gauge, long At) : GaugeOperation(At);

/// <summary>
/// <paramref name="Account"/> now gives <paramref name="Bps"/> of its veBANK slope to <paramref name="Gauge"/>:
/// slope ⌊lockSlope · bps / 10⁴⌋ until <paramref name="End"/> (the lock end), effective from the week boundary
/// <paramref name="EffectiveFrom"/>; <paramref name="PowerUsed"/> is the account's new total in bps.
/// </summary>
/// <param name="Account">The voter.</param>
/// <param name="Gauge">The gauge voted for.</param>
/// <param name="Bps">Share of the voter's veBANK slope, 0 to 10,000 bps.</param>
/// <param name="Slope">The slope given to the gauge: ⌊lock slope · bps / 10⁴⌋.</param>
/// <param name="End">The voter's lock end, unix seconds, when the vote's weight reaches zero.</param>
/// <param name="EffectiveFrom">The week boundary from which the vote counts.</param>
/// <param name="PowerUsed">The voter's total over all gauges after this vote, in bps.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record GaugeVoted(AccountId Account, GaugeId Gauge, int Bps, Int128 Slope, long End, long EffectiveFrom, int PowerUsed, long At) : GaugeOperation(At);

/// <summary>One gauge's share of a week's emission: its weight at the week start and the base units it gets.</summary>
/// <param name="Gauge">The gauge's id.</param>
/// <param name="Weight">Its weight at the week start.</param>
/// <param name="Amount">BANK it receives for the week, in base units.</param>
public sealed record GaugeEmission(GaugeId Gauge, UInt128 Weight, UInt128 Amount);

/// <summary>The emission of week <paramref name="Week"/> split across active gauges by weight; the shares sum to <paramref name="Amount"/>.</summary>
/// <param name="Week">Unix seconds of the week's start, a week boundary.</param>
/// <param name="Amount">BANK emitted for the week, in base units.</param>
/// <param name="Shares">Each active gauge's share, by ordinal gauge id; they sum to <paramref name="Amount"/>.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record EmissionDistributed(long Week, UInt128 Amount, IReadOnlyList<GaugeEmission> Shares, long At) : GaugeOperation(At);

/// <summary><paramref name="Account"/> now holds <paramref name="Shares"/> of the composed vault behind <paramref name="Gauge"/> (reported by the integrator at every share change).</summary>
/// <param name="Gauge">The gauge.</param>
/// <param name="Account">The holder.</param>
/// <param name="Shares">The holder's composed-vault shares now, in share base units.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record GaugeSharesSet(GaugeId Gauge, AccountId Account, UInt128 Shares, long At) : GaugeOperation(At);

/// <summary><paramref name="Amount"/> BANK base units of rewards claimed from <paramref name="Gauge"/> (paid by the integrator).</summary>
/// <param name="Gauge">The gauge.</param>
/// <param name="Account">The claimant.</param>
/// <param name="Amount">BANK paid, in base units.</param>
/// <param name="At">Unix seconds (UTC).</param>
public sealed record GaugeRewardClaimed(GaugeId Gauge, AccountId Account, UInt128 Amount, long At) : GaugeOperation(At);

/// <summary>
/// A gauge's reward books at a time: emitted, released so far (streamed linearly over each week), claimed, still
/// claimable (Σ of each holder's whole base units) and dust (released − claimed − claimable: released while no one
/// held shares plus rounding, kept by the gauge). <c>Claimed + Claimable + Dust = Released ≤ Emitted</c> exactly.
/// </summary>
/// <param name="Emitted">BANK distributed to the gauge in total, in base units.</param>
/// <param name="Released">The part streamed so far (linearly over each week).</param>
/// <param name="Claimed">The part holders have claimed.</param>
/// <param name="Claimable">Σ of each holder's whole base units not yet claimed.</param>
/// <param name="Dust">Released − claimed − claimable: rounding and what was released while no one held shares.</param>
/// <param name="Unattributed">The part of the dust released while nobody held shares.</param>
public sealed record GaugeRewardReport(UInt128 Emitted, UInt128 Released, UInt128 Claimed, UInt128 Claimable, UInt128 Dust, UInt128 Unattributed);
