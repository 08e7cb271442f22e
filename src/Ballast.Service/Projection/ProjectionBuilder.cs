using System.Collections.Immutable;
using System.Globalization;
using Ballast.Accounting;
using Ballast.Io.Protocol;
using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Service.Projection;

/// <summary>
/// Builds the <see cref="ReadModel"/> from journal events, in order, by replaying them into its own
/// <see cref="ProtocolState"/> (never the writer's). After each command a time-series point (and, for a composed
/// vault, its buy-and-hold twin's) is added for every vault the command changed; the vault and account views, and the
/// governance view, are built once per <see cref="Publish"/> for what the batch touched. Which vaults and accounts a
/// command touches is mapped per type in <see cref="Touches"/>. The read model is a function of the journal alone, so
/// it is rebuilt by replaying it.
/// </summary>
public sealed class ProjectionBuilder
{
    /// <summary>Journal events kept in <see cref="ReadModel.Recent"/>.</summary>
    public const int RecentWindow = 4096;

    /// <summary>Commands kept per account in <see cref="AccountView.History"/>.</summary>
    public const int HistoryWindow = 1000;

    private readonly ProtocolEngine _engine = new(SpecPolicyCompiler.Instance);
    private readonly ProtocolState _state = new();
    private readonly AccountId _keeper;
    private readonly Dictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _keeperCalls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _parents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TwinBasis> _twinBases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableList<HistoryEntry>> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _vaultsTouched = new(StringComparer.Ordinal);
    private readonly HashSet<AccountId> _accountsTouched = [];
    private readonly HashSet<string> _vaultsToView = new(StringComparer.Ordinal);
    private readonly HashSet<AccountId> _accountsToView = [];
    private readonly Dictionary<(string Account, string Vault), (UInt128 In, UInt128 Out)> _flows = [];
    // The recent window as a builder: a Publish freezes it in O(1) (ToImmutable), and the next events copy only the
    // tree paths they change; a Publish used to build a new 4,096-node ImmutableList from a queue every batch.
    private readonly ImmutableList<JournalEvent>.Builder _recent = ImmutableList.CreateBuilder<JournalEvent>();
    private ReadModel _model = ReadModel.Empty;
    private JournalHead _head = JournalHead.Empty;
    private DateTimeOffset? _headTime;
    private bool _governanceChanged;
    private CommandAccepted? _command;
    private JournalEvent? _commandEvent;
    private bool _commandRestored;
    private long _restoredThrough;

    /// <summary>A builder that attributes commands sent by <paramref name="keeper"/> to the keeper.</summary>
    public ProjectionBuilder(AccountId keeper) => _keeper = keeper;

    /// <summary>The last event applied.</summary>
    public JournalHead Head => _head;

    /// <summary>Events applied with their series points computed (those after a restored checkpoint, or all): the count a resumed start keeps low.</summary>
    public long ProjectedEvents { get; private set; }

    /// <summary>Events applied to the protocol state only, their series points restored from the store (<see cref="Restore"/>).</summary>
    public long RestoredEvents { get; private set; }

    /// <summary>Each composed vault's buy-and-hold basis, once it has one.</summary>
    public IReadOnlyDictionary<string, TwinBasis> TwinBases => _twinBases;

    /// <summary>
    /// Takes the series, twins and twin bases through journal event <paramref name="through"/> from the store instead
    /// of computing them: the events up to it are still applied (the protocol state, the views of now, history), but
    /// no point is computed for them. Call before the first event is applied.
    /// </summary>
    public void Restore(long through, ImmutableDictionary<string, ImmutableList<VaultPoint>> series, ImmutableDictionary<string, ImmutableList<TwinPoint>> twins, IReadOnlyDictionary<string, TwinBasis> bases)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(twins);
        ArgumentNullException.ThrowIfNull(bases);
        if (_head.Sequence != 0)
        {
            throw new InvalidOperationException("a projection is restored before any event is applied");
        }

        _restoredThrough = through;
        _model = _model with { Series = series.WithComparers(StringComparer.Ordinal), Twins = twins.WithComparers(StringComparer.Ordinal) };
        foreach (var (vault, basis) in bases)
        {
            _twinBases[vault] = basis;
        }
    }

    /// <summary>
    /// Applies one journal event (the next in sequence). <paramref name="decoded"/>, when given, is the protocol event
    /// its payload encodes (the writer's, handed over in memory), so the payload is not parsed again.
    /// </summary>
    public void Apply(JournalEvent journalEvent, ProtocolEvent? decoded = null)
    {
        ArgumentNullException.ThrowIfNull(journalEvent);
        var e = decoded ?? EventTypes.Parse(journalEvent.Type, journalEvent.Payload);
        if (journalEvent.Sequence <= _restoredThrough)
        {
            RestoredEvents++;
        }
        else
        {
            ProjectedEvents++;
        }

        if (e is CommandAccepted accepted)
        {
            FinishCommand();
            _command = accepted;
            _commandEvent = journalEvent;
            _commandRestored = journalEvent.Sequence <= _restoredThrough;
            _accountsTouched.Add(accepted.Command.Actor);
            if (Touches.RecipientOf(accepted.Command) is { } recipient)
            {
                _accountsTouched.Add(recipient);
            }

            if (Touches.VaultOf(accepted.Command) is { } vault)
            {
                _vaultsTouched.Add(vault);
            }
        }
        else
        {
            Touches.Add(e, _vaultsTouched, _accountsTouched);
        }

        _engine.Apply(_state, e, journalEvent.Time);
        switch (e)
        {
            case SimpleVaultCreated created:
                _created[Touches.Key(created.Vault)] = created.At;
                break;
            case ComposedVaultCreated created:
                _created[Touches.Key(created.Vault)] = created.At;
                foreach (var child in created.Spec.Children)
                {
                    (_parents.TryGetValue(Touches.Key(child), out var parents) ? parents : _parents[Touches.Key(child)] = []).Add(Touches.Key(created.Vault));
                }

                break;
            case PolicyStored stored when !_model.Policies.ContainsKey(stored.Hash.ToString()):
                _model = _model with { Policies = _model.Policies.SetItem(stored.Hash.ToString(), new PolicyView(stored.Hash.ToString(), stored.Name, stored.Text, journalEvent.Sequence)) };
                break;
            case Rebalanced r:
                var view = new RebalanceView(journalEvent.Sequence, journalEvent.Time, journalEvent.CommandId, r.Policy.ToString(), r.Trigger, r.Reason, r.InputsDigest, r.Row, r.TargetsPpm, Text(r.FlowFees), Text(r.FixedCosts), Text(r.NavBefore), Text(r.NavAfter));
                var key = Touches.Key(r.Vault);
                _model = _model with { Rebalances = _model.Rebalances.SetItem(key, (_model.Rebalances.GetValueOrDefault(key) ?? []).Add(view)) };
                break;
            case ComposedDeposited d:
                Flow(d.Investor, d.Vault, d.Assets, 0);
                break;
            case ComposedRedeemed r:
                Flow(r.Investor, r.Vault, 0, r.Assets);
                break;
            case SimpleVaultOperation { Operation: Deposited d } op:
                Flow(d.Receiver, op.Vault, d.Assets, 0);
                break;
            case SimpleVaultOperation { Operation: Withdrawn w } op:
                Flow(w.Owner, op.Vault, 0, w.Assets);
                break;
            case GovernanceInitialized or BankRecorded or EscrowRecorded or GovernorRecorded or GaugeRecorded or EvidenceChecked:
                _governanceChanged = true;
                break;
        }

        _recent.Add(journalEvent);
        if (_recent.Count > RecentWindow)
        {
            _recent.RemoveAt(0);
        }

        _head = JournalHead.After(journalEvent);
        _headTime = journalEvent.Time;
    }

    /// <summary>Finishes the command in progress, builds the views the batch touched, and returns the read model as of the last event applied.</summary>
    public ReadModel Publish()
    {
        FinishCommand();
        var vaults = _model.Vaults;
        foreach (var id in _vaultsToView)
        {
            if (View(id) is { } v)
            {
                vaults = vaults.SetItem(id, v);
            }
        }

        var accounts = _model.Accounts;
        foreach (var account in _accountsToView)
        {
            accounts = accounts.SetItem(account.Value, Account(account, _history[account.Value]));
        }

        var governance = _model.Governance;
        if (_governanceChanged && _state.Governance is { } g && _headTime is { } now)
        {
            governance = GovernanceProjection.Of(g, now);
        }

        // The governance view's states (active, succeeded, expired) move with time: re-read it whenever time moved.
        else if (_state.Governance is { } g2 && _headTime is { } now2 && governance?.At != now2)
        {
            governance = GovernanceProjection.Of(g2, now2);
        }

        _model = _model with { Head = _head, HeadTime = _headTime, Vaults = vaults, Accounts = accounts, Governance = governance, Recent = _recent.ToImmutable() };
        _vaultsToView.Clear();
        _accountsToView.Clear();
        _governanceChanged = false;
        return _model;
    }

    /// <summary>After a command's last event: a point for each vault it changed (with its parents), history for each account it named.</summary>
    private void FinishCommand()
    {
        if (_command is null || _commandEvent is null)
        {
            return;
        }

        var at = _headTime ?? _commandEvent.Time;
        var sequence = _head.Sequence;
        if (_command.Command.Actor == _keeper && Touches.VaultOf(_command.Command) is { } called)
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

        var series = _model.Series;
        var twins = _model.Twins;
        foreach (var id in _vaultsTouched)
        {
            if (_commandRestored)
            {
                _vaultsToView.Add(id); // its points come from the store; View skips an id that is no vault
                continue;
            }

            if (Point(id, sequence, at) is not { } point)
            {
                continue;
            }

            _vaultsToView.Add(id);
            var points = series.GetValueOrDefault(id) ?? [];
            if (points.Count == 0 || Changed(points[^1], point))
            {
                series = series.SetItem(id, points.Add(point));
                if (Twin(id, point) is { } twin)
                {
                    twins = twins.SetItem(id, (twins.GetValueOrDefault(id) ?? []).Add(twin));
                }
            }
        }

        var history = new HistoryEntry(_commandEvent.Sequence, _commandEvent.Time, _commandEvent.CommandId, Access.CommandNames.Of(_command.Command), _command.Command.Actor.Value);
        foreach (var account in _accountsTouched)
        {
            if (account.Value is null || ProtocolEngine.IsSystemAccount(account))
            {
                continue;
            }

            var past = (_history.GetValueOrDefault(account.Value) ?? []).Add(history);
            _history[account.Value] = past.Count > HistoryWindow ? past.RemoveAt(0) : past;
            _accountsToView.Add(account);
        }

        _model = _model with { Series = series, Twins = twins };
        _vaultsTouched.Clear();
        _accountsTouched.Clear();
        _command = null;
        _commandEvent = null;
    }

    /// <summary>Adds to what an account has put into a vault and taken out of it (base units), for its profit and loss.</summary>
    private void Flow(AccountId account, VaultId vault, UInt128 into, UInt128 outOf)
    {
        var key = (account.Value, Touches.Key(vault));
        var (i, o) = _flows.GetValueOrDefault(key);
        _flows[key] = (i + into, o + outOf);
    }

    private static bool Changed(VaultPoint a, VaultPoint b) =>
        a.Nav != b.Nav || a.TotalSupply != b.TotalSupply || a.SharePrice != b.SharePrice ||
        !(a.AllocationPpm ?? []).SequenceEqual(b.AllocationPpm ?? []);

    /// <summary>A vault's NAV, supply, share price and (composed) allocation now.</summary>
    private VaultPoint? Point(string id, long sequence, DateTimeOffset at)
    {
        if (_state.SimpleVaults.TryGetValue(new VaultId(id), out var simple))
        {
            var vault = simple.Vault;
            return new VaultPoint(sequence, at, Text(vault.TotalAssets), Text(vault.TotalSupply), PriceText(vault.Ledger.Price, vault.Config.Asset.Decimals, vault.ShareDecimals), null);
        }

        if (_state.ComposedVaults.TryGetValue(new VaultId(id), out var cv))
        {
            var (nav, price, decimals) = ComposedPrice(cv);
            return new VaultPoint(sequence, at, Text(nav), Text(cv.Ledger.TotalSupply), PriceText(price, decimals, decimals + cv.Spec.DecimalsOffset), [.. Allocation(cv, nav).Select(a => a.Ppm)]);
        }

        return null;
    }

    /// <summary>
    /// The buy-and-hold twin of a composed vault at <paramref name="point"/>: the child shares (and idle cash) the
    /// vault held at its first allocation, never rebalanced, valued at the children's prices now; per share of the
    /// supply then, and scaled to the supply now. Null for a simple vault or before the first allocation.
    /// </summary>
    private TwinPoint? Twin(string id, VaultPoint point)
    {
        if (!_state.ComposedVaults.TryGetValue(new VaultId(id), out var cv))
        {
            return null;
        }

        if (!_twinBases.TryGetValue(id, out var basis))
        {
            var held = cv.Spec.Children.Select(c => _state.SimpleVaults.TryGetValue(c, out var s) ? s.Vault.BalanceOf(cv.Account) : UInt128.Zero).ToImmutableArray();
            if (held.All(h => h == 0) || cv.Ledger.TotalSupply == 0)
            {
                return null;
            }

            basis = new TwinBasis(point.Sequence, held, _state.Balance(cv.Spec.Asset, cv.Account), cv.Ledger.TotalSupply);
            _twinBases[id] = basis;
        }

        var value = basis.Cash;
        for (var i = 0; i < cv.Spec.Children.Length; i++)
        {
            if (_state.SimpleVaults.TryGetValue(cv.Spec.Children[i], out var child))
            {
                value += child.Vault.ConvertToAssets(basis.Shares[i]);
            }
        }

        var decimals = _state.Assets[cv.Spec.Asset].Asset.Decimals;
        var twinPrice = cv.Ledger.PriceAt(value) with { Shares = basis.Supply + cv.Ledger.VirtualShares };
        var twinNav = ExactMath.MulDiv(value, cv.Ledger.TotalSupply + cv.Ledger.VirtualShares, basis.Supply + cv.Ledger.VirtualShares, Rounding.Floor);
        return new TwinPoint(point.Sequence, point.Time, point.Nav, Text(twinNav), point.SharePrice, PriceText(twinPrice, decimals, decimals + cv.Spec.DecimalsOffset));
    }

    /// <summary>A composed vault's NAV, its share price (Core's: the ledger priced at the NAV) and its asset's decimals.</summary>
    private (UInt128 Nav, SharePrice Price, int Decimals) ComposedPrice(ComposedVaultState cv)
    {
        var nav = ProtocolEngine.Nav(_state, cv);
        return (nav, cv.Ledger.PriceAt(nav), _state.Assets[cv.Spec.Asset].Asset.Decimals);
    }

    private ImmutableArray<AllocationView> Allocation(ComposedVaultState cv, UInt128 nav) => [.. cv.Spec.Children.Select(child =>
    {
        var assets = _state.SimpleVaults.TryGetValue(child, out var c) ? c.Vault.ConvertToAssets(c.Vault.BalanceOf(cv.Account)) : UInt128.Zero;
        return new AllocationView(Touches.Key(child), Text(assets), nav == 0 ? 0 : (int)ExactMath.MulDiv(assets, 1_000_000, nav, Rounding.Floor));
    })];

    private VaultView? View(string id)
    {
        if (_state.SimpleVaults.TryGetValue(new VaultId(id), out var simple))
        {
            var vault = simple.Vault;
            var decimals = _state.Assets[simple.Spec.Asset].Asset.Decimals;
            return new VaultView(id, "simple", simple.Spec.Asset.Value, decimals, vault.ShareDecimals, simple.Spec.Operator.Value, simple.Spec.Reporter.Value,
                Text(vault.TotalAssets), Text(vault.TotalSupply), PriceText(vault.Ledger.Price, decimals, vault.ShareDecimals), vault.IsPaused, vault.PendingReport is not null,
                null, null, [], _created.GetValueOrDefault(id), vault.LastReportAt, null, _keeperCalls.TryGetValue(id, out var k) ? k : null, 0, vault.Ledger.Price)
            { Pricing = PricingOf(id) };
        }

        if (_state.ComposedVaults.TryGetValue(new VaultId(id), out var cv))
        {
            var (nav, price, decimals) = ComposedPrice(cv);
            var shareDecimals = decimals + cv.Spec.DecimalsOffset;
            var lastReport = cv.Spec.Children.Select(c => _state.SimpleVaults.TryGetValue(c, out var s) ? s.Vault.LastReportAt : null).Max();
            return new VaultView(id, "composed", cv.Spec.Asset.Value, decimals, shareDecimals, cv.Spec.Operator.Value, null,
                Text(nav), Text(cv.Ledger.TotalSupply), PriceText(price, decimals, shareDecimals), cv.Paused, false,
                cv.PolicyHash?.ToString(), cv.TargetsPpm is { } t ? [.. t] : null, Allocation(cv, nav), _created.GetValueOrDefault(id), lastReport, cv.LastRebalanceAt,
                _keeperCalls.TryGetValue(id, out var k) ? k : null, _model.Rebalances.GetValueOrDefault(id)?.Count ?? 0, price)
            { Rails = ProtocolJson.Canonical(cv.Spec.Rails), Pricing = PricingOf(id) };
        }

        return null;
    }

    private string PricingOf(string id) => ForwardPricing.IsForward(_state, new VaultId(id)) ? "forward" : "immediate";

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
                positions.Add(Position(account, Touches.Key(id), free, locked));
            }

            withdrawals.AddRange(simple.Vault.PendingWithdrawals(account).Select(r => new WithdrawalView(Touches.Key(id), r.Id, Text(r.Shares), r.NotBefore)));
        }

        foreach (var (id, cv) in _state.ComposedVaults)
        {
            var (free, locked) = (cv.Ledger.BalanceOf(account), _state.Requests.Locked(id, account));
            if (free > 0 || locked > 0)
            {
                positions.Add(Position(account, Touches.Key(id), free, locked));
            }
        }

        var requests = _state.Requests.Pending.Where(r => r.Owner == account)
            .Select(r => new RequestView(r.Id, Touches.Key(r.Vault), r.Kind == FlowKind.Deposit ? "deposit" : "redeem", Text(r.Amount), r.At));
        return new AccountView(account.Value, wallets.ToImmutable(), escrowed.ToImmutable(), [.. positions.OrderBy(p => p.Vault, StringComparer.Ordinal)], [.. requests.OrderBy(r => r.Id)], [.. withdrawals], history);
    }

    private PositionView Position(AccountId account, string vault, UInt128 free, UInt128 locked)
    {
        var (invested, returned) = _flows.GetValueOrDefault((account.Value, vault));
        return new PositionView(vault, Text(free), Text(locked), string.Empty) { Invested = Text(invested), Returned = Text(returned) };
    }

    /// <summary>Asset units one whole share is worth at <paramref name="price"/>, floored, as a decimal.</summary>
    private static string PriceText(SharePrice price, int assetDecimals, int shareDecimals) =>
        SimRunner.Format(ExactMath.MulDiv(ExactMath.Pow10(shareDecimals), price.Assets, price.Shares, Rounding.Floor), assetDecimals);

    private static string Text(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What a composed vault held at its first allocation (the point at <paramref name="Sequence"/>): child shares in child order, idle cash, and its supply then.</summary>
public sealed record TwinBasis(long Sequence, ImmutableArray<UInt128> Shares, UInt128 Cash, UInt128 Supply);
