using System.Text.Json.Serialization;
using Ballast.Policies;

namespace Ballast.Governance;

/// <summary>
/// One action of a proposal, as data. <see cref="ChangeGovernanceParameters"/> is applied by the
/// <see cref="Governor"/> itself; every other kind is decided and applied by the <see cref="IGovernanceTarget{TRecord}"/>.
/// Vault and gauge ids are the protocol's composed vault ids.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(AdoptPolicy), "adopt-policy")]
[JsonDerivedType(typeof(LaunchComposedVault), "launch-composed-vault")]
[JsonDerivedType(typeof(ChangeVaultSettings), "change-vault-settings")]
[JsonDerivedType(typeof(AddGauge), "add-gauge")]
[JsonDerivedType(typeof(RemoveGauge), "remove-gauge")]
[JsonDerivedType(typeof(ChangeGovernanceParameters), "change-governance-parameters")]
public abstract record GovernanceAction;

/// <summary>Attach the policy <paramref name="PolicyText"/> (content hash <paramref name="PolicyHash"/>) to composed vault <paramref name="VaultId"/>, with its backtest claim.</summary>
/// <param name="VaultId">The composed vault.</param>
/// <param name="PolicyHash">The policy's content hash (SHA-256 of its canonical JSON; hex in JSON).</param>
/// <param name="PolicyText">The spec text holding the policy.</param>
/// <param name="Evidence">The backtest claim voters can check; null for none.</param>
public sealed record AdoptPolicy(Protocol.VaultId VaultId, PolicyHash PolicyHash, string PolicyText, EvidenceClaim? Evidence) : GovernanceAction;

/// <summary>Launch composed vault <paramref name="VaultId"/> from <paramref name="SpecText"/> (the protocol's composed-vault spec), with its backtest claim.</summary>
/// <param name="VaultId">The new composed vault's id.</param>
/// <param name="SpecText">The composed-vault spec text.</param>
/// <param name="Evidence">The backtest claim voters can check; null for none.</param>
public sealed record LaunchComposedVault(Protocol.VaultId VaultId, string SpecText, EvidenceClaim? Evidence) : GovernanceAction;

/// <summary>Change rails, fees or caps of <paramref name="VaultId"/>: opaque key/value settings the target interprets.</summary>
/// <param name="VaultId">The vault whose settings change.</param>
/// <param name="Settings">Key → value, e.g. rails keys of <see cref="Protocol.RailsSettings.Keys"/> or fee keys of <see cref="Protocol.FeeSettings.Keys"/>.</param>
public sealed record ChangeVaultSettings(Protocol.VaultId VaultId, IReadOnlyDictionary<string, string> Settings) : GovernanceAction;

/// <summary>Add a gauge for composed vault <paramref name="GaugeId"/>.</summary>
/// <param name="GaugeId">The gauge: the id of the composed vault it is for (the vault must exist, or be launched earlier in the same proposal).</param>
public sealed record AddGauge(GaugeId GaugeId) : GovernanceAction;

/// <summary>Remove gauge <paramref name="GaugeId"/> (it gets no further emissions).</summary>
/// <param name="GaugeId">The gauge to remove.</param>
public sealed record RemoveGauge(GaugeId GaugeId) : GovernanceAction;

/// <summary>Replace the governor's parameters (applied by the governor itself, validated at execution).</summary>
/// <param name="Parameters">The new parameters, validated when executed.</param>
public sealed record ChangeGovernanceParameters(GovernanceParameters Parameters) : GovernanceAction;
