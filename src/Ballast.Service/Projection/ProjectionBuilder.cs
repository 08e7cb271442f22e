using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Projection;

/// <summary>
/// Builds the <see cref="ReadModel"/> from journal events, in order, by replaying them into its own
/// <see cref="ProtocolState"/> (never the writer's): after each command, the vaults and accounts it touched are
/// read again, a time-series point is added where a vault changed, and rebalances and policy texts are recorded.
/// The read model is a function of the journal alone, so it is rebuilt by replaying it.
/// </summary>
public sealed class ProjectionBuilder
{
    /// <summary>Journal events kept in <see cref="ReadModel.Recent"/>.</summary>
    public const int RecentWindow = 4096;

    /// <summary>Commands kept per account in <see cref="AccountView.History"/>.</summary>
    public const int HistoryWindow = 1000;

    private static readonly Dictionary<Type, (PropertyInfo[] Vaults, PropertyInfo[] Accounts)> Members = [];
    private readonly ProtocolEngine _engine = new(SpecPolicyCompiler.Instance);
    private readonly ProtocolState _state = new();
    private readonly AccountId _keeper;
    private readonly Dictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _keeperCalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _parents = new(StringComparer.Ordinal);
    private readonly HashSet<string> _vaultsTouched = new(StringComparer.Ordinal);
    private readonly HashSet<AccountId> _accountsTouched = [];
    private ReadModel _model = ReadModel.Empty;
    private CommandAccepted? _command;
    private JournalEvent? _commandEvent;

    /// <summary>A builder that attributes commands sent by <paramref name="keeper"/> to the keeper.</summary>
    public ProjectionBuilder(AccountId keeper) => _keeper = keeper;

    /// <summary>The last event applied.</summary>
    public JournalHead Head => _model.Head;

    /// <summary>Applies one journal event (the next in sequence).</summary>
    public void Apply(JournalEvent journalEvent)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        var e = EventTypes.Parse(journalEvent.Type, journalEvent.Payload);
        if (e is CommandAccepted accepted)
        {
            FinishCommand();
            _command = accepted;
            _commandEvent = journalEvent;
            Touch(accepted.Command);
        }
        else
        {
            Touch(e);
        }

        _engine.Apply(_state, e, journalEvent.Time);
        switch (e)
        {
            case SimpleVaultCreated created:
                _created[created.Vault.Value] = created.At;
                break;
            case ComposedVaultCreated created:
                _created[created.Vault.Value] = created.At;
                foreach (var child in created.Spec.Children)
                {
                    (_parents.TryGetValue(child.Value, out var parents) ? parents : _parents[child.Value] = []).Add(created.Vault.Value);
                }

                break;
            case PolicyStored stored when !_model.Policies.ContainsKey(stored.Hash.ToString()):
                _model = _model with { Policies = _model.Policies.SetItem(stored.Hash.ToString(), new PolicyView(stored.Hash.ToString(), stored.Name, stored.Text, journalEvent.Sequence)) };
                break;
            case Rebalanced r:
                var view = new RebalanceView(journalEvent.Sequence, journalEvent.Time, journalEvent.CommandId, r.Policy.ToString(), r.Trigger, r.Reason, r.InputsDigest, r.Row, r.TargetsPpm, Text(r.FlowFees), Text(r.FixedCosts), Text(r.NavBefore), Text(r.NavAfter));
                var list = _model.Rebalances.GetValueOrDefault(r.Vault.Value) ?? [];
                _model = _model with { Rebalances = _model.Rebalances.SetItem(r.Vault.Value, list.Add(view)) };
                break;
        }

        var recent = _model.Recent.Add(journalEvent);
        _model = _model with
        {
            Head = JournalHead.After(journalEvent),
            HeadTime = journalEvent.Time,
            Recent = recent.Count > RecentWindow ? recent.RemoveRange(0, recent.Count - RecentWindow) : recent,
        };
    }

    /// <summary>Finishes the command in progress and returns the read model as of the last event applied.</summary>
    public ReadModel Publish()
    {
        FinishCommand();
        return _model;
    }

    private void FinishCommand()
    {
        if (_command is null || _commandEvent is null)
        {
            return;
        }

        var at = _model.HeadTime ?? _commandEvent.Time;
        var sequence = _model.Head.Sequence;
        if (_command.Command.Actor == _keeper && VaultOf(_command.Command) is { } called)
        {
            _keeperCalls[called] = _commandEvent.Time;
            _vaultsTouched.Add(called);
        }

        foreach (var vault in _vaultsTouched.ToList())
        {
            foreach (var parent in _parents.GetValueOrDefault(vault) ?? [])
            {
                _vaultsTouched.Add(parent);
            }
        }

        var vaults = _model.Vaults;
        var series = _model.Series;
        foreach (var id in _vaultsTouched)
        {
            if (View(id) is not { } v)
            {
                continue;
            }

            vaults = vaults.SetItem(id, v);
            var points = series.GetValueOrDefault(id) ?? [];
            var point = new VaultPoint(sequence, at, v.Nav, v.TotalSupply, v.SharePrice, v.Kind == "composed" ? [.. v.Allocation.Select(a => a.Ppm)] : null);
            if (points.Count == 0 || Changed(points[^1], point))
            {
                series = series.SetItem(id, points.Add(point));
            }
        }

        var accounts = _model.Accounts;
        var history = new HistoryEntry(_commandEvent.Sequence, _commandEvent.Time, _commandEvent.CommandId, Ballast.Service.Access.CommandNames.Of(_command.Command), _command.Command.Actor.Value);
        foreach (var account in _accountsTouched)
        {
            if (ProtocolEngine.IsSystemAccount(account))
            {
                continue;
            }

            var past = accounts.GetValueOrDefault(account.Value)?.History ?? [];
            past = past.Add(history);
            accounts = accounts.SetItem(account.Value, Account(account, past.Count > HistoryWindow ? past.RemoveAt(0) : past));
        }

        _model = _model with { Vaults = vaults, Series = series, Accounts = accounts };
        _vaultsTouched.Clear();
        _accountsTouched.Clear();
        _command = null;
        _commandEvent = null;
    }

    private static bool Changed(VaultPoint a, VaultPoint b) =>
        a.Nav != b.Nav || a.TotalSupply != b.TotalSupply || a.SharePrice != b.SharePrice ||
        !(a.AllocationPpm ?? []).SequenceEqual(b.AllocationPpm ?? []);

    private VaultView? View(string id)
    {
        if (_state.SimpleVaults.TryGetValue(new VaultId(id), out var simple))
        {
            var vault = simple.Vault;
            var decimals = _state.Assets[simple.Spec.Asset].Asset.Decimals;
            return new VaultView(id, "simple", simple.Spec.Asset.Value, decimals, vault.ShareDecimals, simple.Spec.Operator.Value, simple.Spec.Reporter.Value,
                Text(vault.TotalAssets), Text(vault.TotalSupply), PriceText(vault.Ledger.Price, decimals, vault.ShareDecimals), vault.IsPaused, vault.PendingReport is not null,
                null, null, [], _created.GetValueOrDefault(id), vault.LastReportAt, null, _keeperCalls.TryGetValue(id, out var k) ? k : null, 0, vault.Ledger.Price);
        }

        if (_state.ComposedVaults.TryGetValue(new VaultId(id), out var cv))
        {
            var decimals = _state.Assets[cv.Spec.Asset].Asset.Decimals;
            var nav = ProtocolEngine.Nav(_state, cv);
            var allocation = cv.Spec.Children.Select(child =>
            {
                var assets = _state.SimpleVaults.TryGetValue(child, out var c) ? c.Vault.ConvertToAssets(c.Vault.BalanceOf(cv.Account)) : UInt128.Zero;
                return new AllocationView(child.Value, Text(assets), nav == 0 ? 0 : (int)ExactMath.MulDiv(assets, 1_000_000, nav, Rounding.Floor));
            }).ToImmutableArray();
            var lastReport = cv.Spec.Children.Select(c => _state.SimpleVaults.TryGetValue(c, out var s) ? s.Vault.LastReportAt : null).Max();
            var shareDecimals = decimals + cv.Spec.DecimalsOffset;

            // A composed vault's shares are worth its NAV (its ledger's total assets move only with flows), with the
            // ledger's virtual share and asset as in every conversion.
            var price = new SharePrice(nav + 1, cv.Ledger.TotalSupply + cv.Ledger.VirtualShares);
            return new VaultView(id, "composed", cv.Spec.Asset.Value, decimals, shareDecimals, cv.Spec.Operator.Value, null,
                Text(nav), Text(cv.Ledger.TotalSupply), PriceText(price, decimals, shareDecimals), cv.Paused, false,
                cv.PolicyHash?.ToString(), cv.TargetsPpm is { } t ? [.. t] : null, allocation, _created.GetValueOrDefault(id), lastReport, cv.LastRebalanceAt,
                _keeperCalls.TryGetValue(id, out var k) ? k : null, _model.Rebalances.GetValueOrDefault(id)?.Count ?? 0, price);
        }

        return null;
    }

    private AccountView Account(AccountId account, ImmutableList<HistoryEntry> history)
    {
        var wallets = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var escrowed = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var symbol in _state.Assets.Keys)
        {
            if (_state.Balance(symbol, account) is var balance && balance > 0)
            {
                wallets[symbol.Value] = Text(balance);
            }

            if (_state.Escrowed(symbol, account) is var held && held > 0)
            {
                escrowed[symbol.Value] = Text(held);
            }
        }

        var positions = new List<PositionView>();
        var withdrawals = new List<WithdrawalView>();
        foreach (var (id, simple) in _state.SimpleVaults)
        {
            var (free, locked) = (simple.Vault.BalanceOf(account), simple.Vault.LockedSharesOf(account));
            if (free > 0 || locked > 0)
            {
                positions.Add(new PositionView(id.Value, Text(free), Text(locked), string.Empty));
            }

            withdrawals.AddRange(simple.Vault.PendingWithdrawals(account).Select(r => new WithdrawalView(id.Value, r.Id, Text(r.Shares), r.NotBefore)));
        }

        foreach (var (id, cv) in _state.ComposedVaults)
        {
            var (free, locked) = (cv.Ledger.BalanceOf(account), _state.Requests.Locked(id, account));
            if (free > 0 || locked > 0)
            {
                positions.Add(new PositionView(id.Value, Text(free), Text(locked), string.Empty));
            }
        }

        var requests = _state.Requests.Pending.Where(r => r.Owner == account)
            .Select(r => new RequestView(r.Id, r.Vault.Value, r.Kind == FlowKind.Deposit ? "deposit" : "redeem", Text(r.Amount), r.At));
        return new AccountView(account.Value, wallets.ToImmutable(), escrowed.ToImmutable(), [.. positions.OrderBy(p => p.Vault, StringComparer.Ordinal)], [.. requests.OrderBy(r => r.Id)], [.. withdrawals], history);
    }

    /// <summary>Records the vaults and accounts an event or command names (its <see cref="VaultId"/> <c>Vault</c> and its <see cref="AccountId"/> members).</summary>
    private void Touch(object value)
    {
        var (vaults, accounts) = MembersOf(value.GetType());
        foreach (var p in vaults)
        {
            if (p.GetValue(value) is VaultId { Value: { } vault })
            {
                _vaultsTouched.Add(vault);
            }
        }

        foreach (var p in accounts)
        {
            if (p.GetValue(value) is AccountId account && account.Value is not null)
            {
                _accountsTouched.Add(account);
            }
        }
    }

    private static (PropertyInfo[] Vaults, PropertyInfo[] Accounts) MembersOf(Type type)
    {
        lock (Members)
        {
            if (!Members.TryGetValue(type, out var members))
            {
                var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
                members = ([.. properties.Where(p => p.Name is "Vault" && p.PropertyType == typeof(VaultId))], [.. properties.Where(p => p.PropertyType == typeof(AccountId))]);
                Members[type] = members;
            }

            return members;
        }
    }

    private static string? VaultOf(ProtocolCommand command) => MembersOf(command.GetType()).Vaults.FirstOrDefault()?.GetValue(command) is VaultId { Value: { } vault } ? vault : null;

    /// <summary>Asset units one whole share is worth at <paramref name="price"/>, floored, as a decimal.</summary>
    private static string PriceText(SharePrice price, int assetDecimals, int shareDecimals) =>
        SimRunner.Format(ExactMath.MulDiv(ExactMath.Pow10(shareDecimals), price.Assets, price.Shares, Rounding.Floor), assetDecimals);

    private static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
