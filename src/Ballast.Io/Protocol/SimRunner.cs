using System.Globalization;
using Ballast.Accounting;
using Ballast.Protocol;
using Ballast.Protocol.Journal;

namespace Ballast.Io.Protocol;

/// <summary>What a simulation did.</summary>
public sealed record SimSummary(
    string Scenario,
    int Rows,
    long Events,
    int Vaults,
    int Rebalances,
    int KeeperCallsUnchanged,
    IReadOnlyList<string> Rejections,
    UInt128 Nav,
    UInt128 Supply,
    UInt128 FlowFees,
    UInt128 FixedCosts,
    IReadOnlyList<(DateOnly Date, UInt128 Nav, UInt128 Supply)> NavHistory)
{
    /// <summary>Governance at the end, when the scenario has it: proposals made and executed, BANK supply, BANK locked in veBANK.</summary>
    public (int Proposals, int Executed, UInt128 BankSupply, UInt128 Locked)? Governance { get; init; }

    /// <summary>
    /// Forward-priced requests still pending at the end (made after the last NAV report that could fill them):
    /// deposits with the assets they hold in escrow, and redemptions with the shares they lock.
    /// </summary>
    public (int Deposits, UInt128 Escrowed, int Redemptions, UInt128 Locked) Pending { get; init; }

    /// <summary>
    /// Keeper calls that set the targets an empty vault's next deposit is invested at (a risk-based policy's
    /// <see cref="Rebalanced"/> event with trigger <c>initial</c> and no trades). Not counted in <see cref="Rebalances"/>,
    /// which counts only the rebalances that traded.
    /// </summary>
    public int InitialTargetSettings { get; init; }
}

/// <summary>
/// Drives the protocol from a <see cref="Scenario"/> through the sequencer: set-up (asset, child vaults, composed
/// vault, policy), then for each data row: the children's NAV reports (each child's total assets times the row's
/// price ratio, floored), the investors' flows dated that row, and the keeper's rebalance call. Every command goes
/// through <see cref="ProtocolSequencer.SubmitAsync"/> at the scenario's clock, so the journal is the whole story.
/// </summary>
public static class SimRunner
{
    private static readonly AccountId Issuer = new("issuer");
    private static readonly AccountId Operator = new("operator");
    private static readonly AccountId Reporter = new("reporter");
    private static readonly AccountId Keeper = new("keeper");

    public static async Task<SimSummary> RunAsync(Scenario scenario, IJournalStore store, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(store);
        if ((await store.HeadAsync(cancellationToken).ConfigureAwait(false)).Sequence != 0)
        {
            throw new BallastInputException("the journal is not empty: a simulation starts a new journal (give a new --db file)");
        }

        var prices = scenario.Prices;
        var names = prices.Names;
        var children = scenario.Composed.Children; // the child vault ids: the policy's universe, in the price table's column order
        DryRunSetUp(scenario, At(prices.Dates[0], 0));
        var clock = new ManualClock(At(prices.Dates[0], 0));
        var evidence = new DataEvidenceVerifier();
        if (scenario.DataFile is { } file)
        {
            evidence.Register(file.Path);
        }

        var sequencer = await ProtocolSequencer.OpenAsync(store, new ProtocolEngine(SpecPolicyCompiler.Instance, evidence), clock, cancellationToken).ConfigureAwait(false);
        var stepDone = new bool[scenario.GovernanceSteps.Length];
        var rejections = new List<string>();
        var unchanged = 0;
        var rebalances = 0;
        var targetSettings = 0;
        var flowFees = UInt128.Zero;
        var fixedCosts = UInt128.Zero;
        var history = new List<(DateOnly, UInt128, UInt128)>();

        // A command the scenario cannot do without; refused, it is bad input at the place in the scenario that asked for it.
        async Task SubmitOrFail(ProtocolCommand command, InputLocation where)
        {
            var outcome = await sequencer.SubmitAsync(command, cancellationToken).ConfigureAwait(false);
            if (outcome.Status == CommandStatus.Rejected)
            {
                throw new BallastInputException(where, $"the protocol refused command {command.Id}: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
            }
        }

        var symbol = scenario.AssetSymbol;
        foreach (var command in SetUp(scenario))
        {
            await SubmitOrFail(command, new InputLocation(scenario.Source)).ConfigureAwait(false);
        }

        var scale = Math.Pow(10, scenario.AssetDecimals);
        var done = new bool[scenario.Flows.Length];
        for (var row = 0; row < prices.RowCount; row++)
        {
            var date = prices.Dates[row];

            // 1. NAV reports (from the second row; the first row's report records the starting price). Requests due
            //    at yesterday's NAV are filled first (a report never reprices a due request).
            if (row > 0)
            {
                clock.Now = At(date, 1);
                await FillDue(row, "pre").ConfigureAwait(false);
                await Report(row).ConfigureAwait(false);
            }

            // 2. Investor flows dated today (or "first" on the first row).
            clock.Now = At(date, 2);
            for (var f = 0; f < scenario.Flows.Length; f++)
            {
                // A flow runs on the first row on or after its date ("first": the first row).
                var flow = scenario.Flows[f];
                if (done[f] || (flow.On is { } on && date < on))
                {
                    continue;
                }

                done[f] = true;

                // Forward pricing (the default): the flow is a request, filled at the next NAV reported after it.
                var investor = new AccountId(flow.Account);
                var forward = scenario.Composed.Pricing == PricingMode.Forward;
                ProtocolCommand command;
                if (flow.Deposit is { } units)
                {
                    var amount = (UInt128)Math.Floor(units * scale);
                    await SubmitOrFail(new IssueAsset($"r{row}-fund-{f}", Issuer, symbol, investor, amount), flow.Location).ConfigureAwait(false);
                    command = forward
                        ? new RequestDepositCommand($"r{row}-flow-{f}", investor, scenario.ComposedId, amount)
                        : new DepositCommand($"r{row}-flow-{f}", investor, scenario.ComposedId, amount);
                }
                else
                {
                    var shares = sequencer.State.ComposedVaults[scenario.ComposedId].Ledger.BalanceOf(investor);
                    var redeem = ExactMath.MulDiv(shares, (UInt128)Math.Round(flow.RedeemFraction!.Value * 1_000_000), 1_000_000, Rounding.Floor);
                    command = forward
                        ? new RequestRedeemCommand($"r{row}-flow-{f}", investor, scenario.ComposedId, redeem)
                        : new RedeemCommand($"r{row}-flow-{f}", investor, scenario.ComposedId, redeem);
                }

                var outcome = await sequencer.SubmitAsync(command, cancellationToken).ConfigureAwait(false);
                if (outcome.Status == CommandStatus.Rejected)
                {
                    rejections.Add($"{prices.FormatDate(date)} {flow.Account}: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
                }

            }

            if (row == 0)
            {
                clock.Now = At(date, 3);
                await Report(row).ConfigureAwait(false);
            }

            // Governance steps dated today (the first row on or after their date), in file order.
            clock.Now = At(date, 4);
            for (var s = 0; s < scenario.GovernanceSteps.Length; s++)
            {
                var step = scenario.GovernanceSteps[s];
                if (stepDone[s] || date < step.On)
                {
                    continue;
                }

                stepDone[s] = true;
                var outcome = await sequencer.SubmitAsync(GovernanceCommand(scenario, step, $"r{row}-gov-{s}", row, clock.Now), cancellationToken).ConfigureAwait(false);
                if (outcome.Status == CommandStatus.Rejected)
                {
                    rejections.Add($"{prices.FormatDate(date)} {step.Location}: {step.Kind}: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
                }
            }

            // 3. Requests due at today's NAV are filled (the keeper's duty, done on every row whatever its schedule).
            clock.Now = At(date, 5);
            await FillDue(row, "fill").ConfigureAwait(false);

            // 4. The keeper: settles the composed vault's withdrawal requests that are due, then asks it to rebalance.
            if (scenario.KeeperEveryRow)
            {
                clock.Now = At(date, 5);
                foreach (var (name, requestId) in KeeperDuties.DueSettlements(sequencer.State, scenario.ComposedId, clock.Now))
                {
                    var settled = await sequencer.SubmitAsync(new SettleWithdrawalCommand($"r{row}-settle-{name}-{requestId}", Keeper, name, requestId), cancellationToken).ConfigureAwait(false);
                    if (settled.Status == CommandStatus.Rejected)
                    {
                        rejections.Add($"{prices.FormatDate(date)} settle {name} #{requestId}: {settled.Rejection!.Code}: {settled.Rejection.Message}");
                    }
                }

                var outcome = await sequencer.SubmitAsync(new RebalanceCommand($"r{row}-keeper", Keeper, scenario.ComposedId), cancellationToken).ConfigureAwait(false);
                switch (KeeperCallKindOf(outcome))
                {
                    case KeeperCallKind.InitialTargets:
                        targetSettings++;
                        break;
                    case KeeperCallKind.Rebalance:
                        var e = outcome.Events.OfType<Rebalanced>().First();
                        rebalances++;
                        flowFees += e.FlowFees;
                        fixedCosts += e.FixedCosts;
                        break;
                    case KeeperCallKind.NothingTraded:
                        unchanged++;
                        break;
                    case KeeperCallKind.Rejected:
                        rejections.Add($"{prices.FormatDate(date)} keeper: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
                        break;
                }
            }

            var cv = sequencer.State.ComposedVaults[scenario.ComposedId];
            history.Add((date, ProtocolEngine.Nav(sequencer.State, cv), cv.Ledger.TotalSupply));
            progress?.Report(row + 1);
        }

        var final = sequencer.State.ComposedVaults[scenario.ComposedId];
        var g = sequencer.State.Governance;
        return new SimSummary(scenario.Name, prices.RowCount, sequencer.State.EventCount, sequencer.State.SimpleVaults.Count + sequencer.State.ComposedVaults.Count, rebalances, unchanged, rejections, ProtocolEngine.Nav(sequencer.State, final), final.Ledger.TotalSupply, flowFees, fixedCosts, history)
        {
            Governance = g is null ? null : (g.Governor.Proposals.Count, g.Governor.Proposals.Values.Count(p => p.Executed), g.Bank.TotalSupply, g.Escrow.Supply),
            Pending = PendingRequests(sequencer.State),
            InitialTargetSettings = targetSettings,
        };

        // Fills the composed vault's due requests, oldest first, one command each.
        async Task FillDue(int row, string step)
        {
            var due = ForwardPricing.DueCount(sequencer.State, scenario.ComposedId);
            for (var k = 0; k < due; k++)
            {
                var outcome = await sequencer.SubmitAsync(new FillRequestCommand($"r{row}-{step}-{k}", Keeper, scenario.ComposedId), cancellationToken).ConfigureAwait(false);
                if (outcome.Status == CommandStatus.Rejected)
                {
                    rejections.Add($"{prices.FormatDate(prices.Dates[row])} fill: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
                }
                else if (outcome.Events.FirstOrDefault() is FlowRequestReturned returned)
                {
                    rejections.Add($"{prices.FormatDate(prices.Dates[row])} {returned.Owner}: request {returned.RequestId} returned: {returned.Reason}");
                }
            }
        }

        async Task Report(int row)
        {
            for (var i = 0; i < names.Count; i++)
            {
                var vault = sequencer.State.SimpleVaults[children[i]].Vault;
                var ratio = row == 0 ? 1.0 : prices.Prices[(row * names.Count) + i] / prices.Prices[((row - 1) * names.Count) + i];
                var reported = ReportedAssets(scenario, vault.TotalAssets, ratio, names[i], prices.Dates[row]);
                var outcome = await sequencer.SubmitAsync(new ReportNavCommand($"r{row}-report-{i}", Reporter, children[i], reported), cancellationToken).ConfigureAwait(false);
                if (outcome.Status == CommandStatus.Rejected)
                {
                    rejections.Add($"{prices.FormatDate(prices.Dates[row])} report {names[i]}: {outcome.Rejection!.Code}: {outcome.Rejection.Message}");
                }
            }
        }
    }

    /// <summary>What a keeper call did, as the summary counts it.</summary>
    internal enum KeeperCallKind
    {
        /// <summary>A rebalance that traded.</summary>
        Rebalance,

        /// <summary>An empty vault's targets set for its next deposit (a <see cref="Rebalanced"/> without trades).</summary>
        InitialTargets,

        /// <summary>Nothing traded (an applied call without a rebalance only advanced the policy state).</summary>
        NothingTraded,

        /// <summary>The call was refused.</summary>
        Rejected,
    }

    /// <summary>How the summary counts a keeper call's outcome: only a <see cref="Rebalanced"/> with trades is a rebalance.</summary>
    internal static KeeperCallKind KeeperCallKindOf(CommandOutcome outcome) => outcome.Status switch
    {
        CommandStatus.Rejected => KeeperCallKind.Rejected,
        CommandStatus.Applied when outcome.Events.OfType<Rebalanced>().FirstOrDefault() is { } e => e.Trades.IsDefaultOrEmpty ? KeeperCallKind.InitialTargets : KeeperCallKind.Rebalance,
        _ => KeeperCallKind.NothingTraded,
    };

    /// <summary>
    /// A child's reported total assets: its assets times the day's price ratio, floored. A ratio whose report would not
    /// fit the ledger (a price that jumps by a factor of 10²³ in a day) is bad data, named by column and date.
    /// </summary>
    private static UInt128 ReportedAssets(Scenario scenario, UInt128 totalAssets, double ratio, string column, DateOnly date)
    {
        if (ScaledNav(totalAssets, ratio) is { } reported)
        {
            return reported;
        }

        var where = new InputLocation(scenario.DataFile?.Path ?? scenario.Source, Field: column);
        throw new BallastInputException(where, $"on {scenario.Prices.FormatDate(date)} the price moves by a factor of {ratio:G3}: the child's report ({totalAssets} base units times that) would be more than the ledger holds");
    }

    /// <summary>
    /// A NAV report that moves <paramref name="totalAssets"/> by <paramref name="ratio"/> (a price ratio, today over
    /// yesterday), floored to base units; null when the result would not fit the ledger. Used by the simulation's
    /// reporter and the service's demo reporter alike.
    /// </summary>
    public static UInt128? ScaledNav(UInt128 totalAssets, double ratio)
    {
        var scaled = Math.Round(ratio * 1e15);
        if (double.IsFinite(scaled) && scaled < 1e38)
        {
            try
            {
                return ExactMath.MulDiv(totalAssets, (UInt128)scaled, (UInt128)1_000_000_000_000_000, Rounding.Floor);
            }
            catch (OverflowException)
            {
            }
        }

        return null;
    }

    /// <summary>The protocol command of a governance step.</summary>
    private static ProtocolCommand GovernanceCommand(Scenario scenario, GovernanceStep step, string id, int row, DateTimeOffset now)
    {
        var actor = new AccountId(step.Account);
        switch (step.Kind)
        {
            case "mint":
                return new MintBank(id, Issuer, actor, step.Bank);
            case "lock":
                return new CreateLock(id, actor, step.Bank, now.ToUnixTimeSeconds() + (step.Weeks * Ballast.Governance.Weeks.Week));
            case "propose":
                var policy = SpecPolicyCompiler.Instance.Compile(step.Policy!, scenario.PolicyText);
                Ballast.Governance.EvidenceClaim? claim = null;
                if (step.Evidence && scenario.DataFile is { } file && row > 0)
                {
                    // The claim a proposer can make on the day: a backtest up to the previous row.
                    claim = DataEvidenceVerifier.Claim(scenario.PolicyText, policy.Hash, file.Path, file.Kind, file.Fill, scenario.Prices.Dates[0], scenario.Prices.Dates[row - 1]);
                }

                System.Collections.Immutable.ImmutableArray<Ballast.Governance.GovernanceAction> actions = step.Gauge
                    ? [new Ballast.Governance.AdoptPolicy(scenario.ComposedId, policy.Hash, scenario.PolicyText, claim), new Ballast.Governance.AddGauge(new Ballast.Governance.GaugeId(scenario.ComposedId))]
                    : [new Ballast.Governance.AdoptPolicy(scenario.ComposedId, policy.Hash, scenario.PolicyText, claim)];
                return new Propose(id, actor, actions, step.Description);
            case "vote":
                return new CastVote(id, actor, step.ProposalId, step.Support);
            case "queue":
                return new QueueProposal(id, Keeper, step.ProposalId);
            case "execute":
                return new ExecuteProposal(id, Keeper, step.ProposalId);
            case "cancel":
                return new CancelProposal(id, actor, step.ProposalId);
            default:
                return new VoteGauge(id, actor, new Ballast.Governance.GaugeId(scenario.ComposedId), step.Bps);
        }
    }

    /// <summary>
    /// The scenario's set-up commands, in order: governance (if any), the asset (issuer <c>issuer</c>), the child
    /// vaults and the composed vault (operator <c>operator</c>), and its policy. The service's demo starts from them.
    /// </summary>
    public static IEnumerable<ProtocolCommand> SetUp(Scenario scenario)
    {
        if (scenario.Governance is { } parameters)
        {
            yield return new InitGovernance("setup-governance", Issuer, parameters);
        }

        yield return new CreateAsset("setup-asset", Issuer, scenario.AssetSymbol, scenario.AssetDecimals);
        foreach (var child in scenario.Composed.Children)
        {
            yield return new CreateSimpleVault($"setup-vault-{child}", Operator, child, scenario.ChildDefaults);
        }

        yield return new CreateComposedVault("setup-composed", Operator, scenario.ComposedId, scenario.Composed);
        yield return new SetPolicyCommand("setup-policy", Operator, scenario.ComposedId, scenario.PolicyName, scenario.PolicyText);
    }

    private static (int Deposits, UInt128 Escrowed, int Redemptions, UInt128 Locked) PendingRequests(ProtocolState state)
    {
        var (deposits, escrowed, redemptions, locked) = (0, UInt128.Zero, 0, UInt128.Zero);
        foreach (var request in state.Requests.Pending)
        {
            if (request.Kind == FlowKind.Deposit)
            {
                deposits++;
                escrowed += request.Amount;
            }
            else
            {
                redemptions++;
                locked += request.Amount;
            }
        }

        return (deposits, escrowed, redemptions, locked);
    }

    /// <summary>Decides the set-up in memory first, so a scenario the protocol refuses writes nothing to the journal.</summary>
    private static void DryRunSetUp(Scenario scenario, DateTimeOffset at)
    {
        var engine = new ProtocolEngine(SpecPolicyCompiler.Instance);
        var state = new ProtocolState();
        foreach (var command in SetUp(scenario))
        {
            var outcome = engine.Decide(state, command, at);
            if (outcome.Status != CommandStatus.Applied)
            {
                throw new BallastInputException(new InputLocation(scenario.Source), $"the protocol refuses the scenario's set-up ({command.GetType().Name}): {outcome.Rejection?.Code}: {outcome.Rejection?.Message ?? outcome.Note}");
            }

            foreach (var e in outcome.Events)
            {
                engine.Apply(state, e, at);
            }
        }
    }

    private static DateTimeOffset At(DateOnly date, int second) => new(date.ToDateTime(new TimeOnly(0, 0, second)), TimeSpan.Zero);

    public static string Format(UInt128 amount, int decimals)
    {
        var text = amount.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        return decimals == 0 ? text : $"{text[..^decimals]}.{text[^decimals..]}";
    }
}
