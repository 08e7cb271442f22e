using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Ballast.Data;

namespace Ballast.Policies;

/// <summary>
/// The canonical form of a policy: compact JSON, keys sorted by ordinal order, every default written out, per-asset
/// values expanded to maps keyed by asset name, numbers in shortest round-trip form (integral values without a
/// fraction). Only what determines decisions and simulated trades is included: universe, weights, trigger,
/// execution, costs and lots; not the name or the capital. The same policy spelled in YAML or JSON, with keys in
/// any order and defaults written or left out, has the same canonical form and therefore the same hash.
/// </summary>
/// <remarks>
/// Written as UTF-8 straight into a per-thread buffer (one <see cref="Utf8JsonWriter"/> per thread, reset for each
/// policy; numbers formatted into the buffer, constant keys pre-encoded) and hashed there: no intermediate string,
/// stream or closure per policy. The text is made only when asked for (<see cref="CanonicalForm.Json"/>).
/// </remarks>
public static class CanonicalPolicy
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    [ThreadStatic]
    private static SortedUniverse? _sorted;

    /// <summary>The policy's canonical JSON: compact, sorted keys, defaults written out (see the class summary).</summary>
    /// <param name="policy">A resolved policy.</param>
    /// <returns>The canonical JSON text; equal policies give equal text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public static string Json(PolicySpec policy) => Form(policy).Json;

    /// <summary>The policy's published identity: the SHA-256 of its canonical JSON's UTF-8 bytes.</summary>
    /// <param name="policy">A resolved policy.</param>
    /// <returns>The policy hash (64 lower-case hex digits as text).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public static PolicyHash Hash(PolicySpec policy) => Form(policy).Hash;

    /// <summary>The policy's canonical JSON as UTF-8 bytes, with its hash and where its execution and trigger values lie.</summary>
    /// <param name="policy">A resolved policy.</param>
    /// <returns>The canonical form; equal policies give equal bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    public static CanonicalForm Form(PolicySpec policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(buffer, Options);
            _writer = writer;
        }
        else
        {
            writer.Reset(buffer);
        }

        var (execution, trigger) = Write(writer, policy);
        writer.Flush();
        return new CanonicalForm(buffer.WrittenSpan.ToArray(), execution, trigger);
    }

    /// <summary>The policy hash of canonical JSON text: SHA-256 of its UTF-8 bytes.</summary>
    public static PolicyHash HashOf(string canonicalJson) => PolicyHash.OfCanonicalJson(canonicalJson);

    /// <summary>Canonical number text: integral values up to 2^53 as integers, others in shortest round-trip form.</summary>
    public static string Number(double value)
    {
        Span<byte> utf8 = stackalloc byte[MaxNumberLength];
        return System.Text.Encoding.ASCII.GetString(utf8[..FormatNumber(value, utf8)]);
    }

    /// <summary>The longest canonical number in UTF-8 bytes (<c>-2.2250738585072014e-308</c> is 24).</summary>
    private const int MaxNumberLength = 32;

    /// <summary><see cref="Number"/> as UTF-8 into <paramref name="utf8"/>; returns the length.</summary>
    private static int FormatNumber(double value, Span<byte> utf8)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "canonical numbers must be finite");
        }

        int length;
        if (value == Math.Floor(value) && Math.Abs(value) < 9007199254740992.0)
        {
            ((long)value).TryFormat(utf8, out length, default, CultureInfo.InvariantCulture);
            return length;
        }

        value.TryFormat(utf8, out length, "R", CultureInfo.InvariantCulture);
        for (var i = 0; i < length; i++)
        {
            if (utf8[i] == (byte)'E')
            {
                utf8[i] = (byte)'e';
            }
        }

        return length;
    }

    /// <summary>The universe's names with their indices in ordinal name order (ties by index), each name encoded once, kept per thread for the last universe seen.</summary>
    private static SortedUniverse Sorted(System.Collections.Immutable.ImmutableArray<string> names)
    {
        if (_sorted is { } last && last.Names == names)
        {
            return last;
        }

        var order = new (string Name, int Index)[names.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = (names[i], i);
        }

        if (order.Length <= 64)
        {
            // An insertion sort (the entries are already in index order, so names tie in it): the framework's sort
            // over these tuples is compiled at run time, costing more than sorting a universe.
            for (var i = 1; i < order.Length; i++)
            {
                var item = order[i];
                var j = i;
                for (; j > 0 && string.CompareOrdinal(order[j - 1].Name, item.Name) > 0; j--)
                {
                    order[j] = order[j - 1];
                }

                order[j] = item;
            }
        }
        else
        {
            Array.Sort(order, static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var c and not 0 ? c : a.Index.CompareTo(b.Index));
        }
        var keys = new JsonEncodedText[order.Length];
        for (var k = 0; k < keys.Length; k++)
        {
            // The writer's own encoder, so a pre-encoded name is the bytes the writer would have written for it.
            keys[k] = JsonEncodedText.Encode(order[k].Name, Options.Encoder);
        }

        _sorted = new SortedUniverse(names, order, keys);
        return _sorted;
    }

    /// <summary>A universe in ordinal name order: each name with its index, and the name encoded as the writer writes it (<see cref="Keys"/> aligned with <see cref="Order"/>).</summary>
    private sealed record SortedUniverse(System.Collections.Immutable.ImmutableArray<string> Names, (string Name, int Index)[] Order, JsonEncodedText[] Keys);

    private static long Position(Utf8JsonWriter w) => w.BytesCommitted + w.BytesPending;

    private static (Range Execution, Range Trigger) Write(Utf8JsonWriter w, PolicySpec policy)
    {
        var sorted = Sorted(policy.Universe);

        w.WriteStartObject();

        // Keys in ordinal order: costs, execution, lot, trigger, universe, weights.
        w.WritePropertyName(Keys.Costs);
        WriteBlock(w, ref _lastCosts, policy.Costs, sorted, static (w, costs, sorted) =>
        {
            w.WriteStartObject();
            w.WritePropertyName(Keys.FixedPerTrade);
            WriteNumber(w, costs.FixedPerTrade);
            WriteAssetMap(w, Keys.ProportionalBps, sorted, costs.ProportionalBps.AsSpan());
            WriteAssetMap(w, Keys.SpreadBps, sorted, costs.SpreadBps.AsSpan());
            w.WriteEndObject();
        });

        w.WritePropertyName(Keys.Execution);
        var executionStart = Position(w);
        w.WriteStartObject();
        if (policy.Execution.MaxTurnover is { } maxTurnover)
        {
            w.WritePropertyName(Keys.MaxTurnover);
            WriteNumber(w, maxTurnover);
        }

        if (policy.Execution.MinTrade is { } minTrade)
        {
            w.WritePropertyName(Keys.MinTrade);
            w.WriteStartObject();
            if (minTrade.Value is { } value)
            {
                w.WritePropertyName(Keys.Value);
                WriteNumber(w, value);
            }

            if (minTrade.Weight is { } weight)
            {
                w.WritePropertyName(Keys.Weight);
                WriteNumber(w, weight);
            }

            w.WriteEndObject();
        }

        if (policy.Execution.Partial is { } partial)
        {
            w.WritePropertyName(Keys.Partial);
            WriteNumber(w, partial);
        }

        w.WriteString(Keys.To, policy.Execution.To == ExecutionTarget.Target ? Keys.Target : Keys.BandEdge);
        w.WriteEndObject();
        var execution = new Range((int)executionStart, (int)Position(w));

        w.WritePropertyName(Keys.Lot);
        w.WriteStartObject();
        for (var k = 0; k < sorted.Order.Length; k++)
        {
            var index = sorted.Order[k].Index;
            if (policy.Lot[index] != 0)
            {
                w.WritePropertyName(sorted.Keys[k]);
                WriteNumber(w, policy.Lot[index]);
            }
        }

        w.WriteEndObject();

        w.WritePropertyName(Keys.Trigger);
        var triggerStart = Position(w);
        WriteBlock(w, ref _lastTrigger, policy.Trigger, sorted, WriteTrigger);
        var trigger = new Range((int)triggerStart, (int)Position(w));

        w.WritePropertyName(Keys.Universe);
        w.WriteStartArray();
        foreach (var key in sorted.Keys)
        {
            w.WriteStringValue(key);
        }

        w.WriteEndArray();

        w.WritePropertyName(Keys.Weights);
        WriteBlock(w, ref _lastWeights, policy.Weights, sorted, WriteWeights);

        w.WriteEndObject();
        return (execution, trigger);
    }

    [ThreadStatic]
    private static BlockBytes? _lastCosts;

    [ThreadStatic]
    private static BlockBytes? _lastTrigger;

    [ThreadStatic]
    private static BlockBytes? _lastWeights;

    /// <summary>
    /// Writes a block's value, or copies the bytes this thread wrote last for the very same block object and
    /// universe (the records are immutable, and the policies of a list or a sweep share their bound blocks, so
    /// consecutive policies often hold the same weights, costs or trigger).
    /// </summary>
    private static void WriteBlock<T>(Utf8JsonWriter w, ref BlockBytes? last, T block, SortedUniverse sorted, Action<Utf8JsonWriter, T, SortedUniverse> write)
        where T : class
    {
        if (last is { } known && ReferenceEquals(known.Block, block) && ReferenceEquals(known.Universe, sorted))
        {
            w.WriteRawValue(known.Utf8, skipInputValidation: true);
            return;
        }

        w.Flush();
        var start = (int)w.BytesCommitted;
        write(w, block, sorted);
        w.Flush();
        last = new BlockBytes(block, sorted, _buffer!.WrittenSpan[start..].ToArray());
    }

    /// <summary>The canonical bytes of one block's value as last written on a thread, for that block object and universe.</summary>
    private sealed record BlockBytes(object Block, SortedUniverse Universe, byte[] Utf8);

    private static void WriteWeights(Utf8JsonWriter w, WeightsSpec weights, SortedUniverse sorted)
    {
        switch (weights)
        {
            case FixedWeights fixedWeights:
                w.WriteStartObject();
                w.WriteString(Keys.Scheme, Keys.Fixed);
                WriteAssetMap(w, Keys.Targets, sorted, fixedWeights.Targets.AsSpan());
                w.WriteEndObject();
                break;
            case RiskWeights risk:
                WriteRiskWeights(w, risk, sorted);
                break;
            default:
                throw new NotSupportedException($"no canonical form for weights scheme {weights.GetType().Name}");
        }
    }

    private static void WriteRiskWeights(Utf8JsonWriter w, RiskWeights risk, SortedUniverse sorted)
    {
        // Keys in ordinal order: beta_limit, bounds, budgets, correlation_clusters, covariance, groups,
        // max_turnover, risk_aversion, scheme.
        w.WriteStartObject();
        var limits = risk.Constraints;
        if (limits.Beta is { } beta)
        {
            w.WritePropertyName(Keys.BetaLimit);
            w.WriteStartObject();
            w.WritePropertyName(Keys.Max);
            WriteNumber(w, beta.Max);
            if (beta.Min is { } betaMin)
            {
                w.WritePropertyName(Keys.Min);
                WriteNumber(w, betaMin);
            }

            w.WriteString(Keys.Reference, beta.Reference);
            w.WriteEndObject();
        }

        if (risk.TakesBounds || risk.HasBounds)
        {
            // Bounds are always written for min-variance, defaults ([0, 1]) included, so omitting them and
            // writing the defaults give one hash.
            w.WritePropertyName(Keys.Bounds);
            w.WriteStartObject();
            for (var k = 0; k < sorted.Order.Length; k++)
            {
                var index = sorted.Order[k].Index;
                w.WritePropertyName(sorted.Keys[k]);
                w.WriteStartArray();
                WriteNumber(w, risk.Lower.IsDefaultOrEmpty ? 0 : risk.Lower[index]);
                WriteNumber(w, risk.Upper.IsDefaultOrEmpty ? 1 : risk.Upper[index]);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        if (!risk.Budgets.IsDefaultOrEmpty)
        {
            WriteAssetMap(w, Keys.Budgets, sorted, risk.Budgets.AsSpan());
        }

        if (limits.Clusters is { } clusters)
        {
            w.WritePropertyName(Keys.CorrelationClusters);
            w.WriteStartObject();
            w.WritePropertyName(Keys.MaxWeight);
            WriteNumber(w, clusters.MaxWeight);
            w.WritePropertyName(Keys.Threshold);
            WriteNumber(w, clusters.Threshold);
            w.WriteEndObject();
        }

        w.WritePropertyName(Keys.Covariance);
        w.WriteStartObject();
        if (risk.Covariance.Halflife is { } halflife)
        {
            w.WritePropertyName(Keys.Halflife);
            WriteNumber(w, halflife);
        }

        w.WriteNumber(Keys.Lookback, risk.Covariance.Lookback);
        w.WriteString(Keys.Method, risk.Covariance.Method switch
        {
            CovarianceMethod.Sample => "sample",
            CovarianceMethod.Ewma => "ewma",
            _ => "ledoit-wolf",
        });
        if (risk.Covariance.Method == CovarianceMethod.LedoitWolf)
        {
            w.WriteString(Keys.TargetKey, risk.Covariance.Target == ShrinkageTarget.Identity ? "identity" : "constant-correlation");
        }

        w.WriteEndObject();
        if (!limits.Groups.IsDefaultOrEmpty)
        {
            // Groups by name; members by asset name (the universe is written sorted, so order carries no meaning).
            var names = new string[sorted.Order.Length];
            foreach (var (name, index) in sorted.Order)
            {
                names[index] = name;
            }

            w.WritePropertyName(Keys.Groups);
            w.WriteStartObject();
            foreach (var group in limits.Groups.OrderBy(g => g.Name, StringComparer.Ordinal))
            {
                w.WritePropertyName(group.Name);
                w.WriteStartObject();
                w.WritePropertyName(Keys.Assets);
                w.WriteStartArray();
                foreach (var member in group.Members.Select(m => names[m]).Order(StringComparer.Ordinal))
                {
                    w.WriteStringValue(member);
                }

                w.WriteEndArray();
                w.WritePropertyName(Keys.Max);
                WriteNumber(w, group.Max);
                w.WritePropertyName(Keys.Min);
                WriteNumber(w, group.Min);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        if (limits.MaxTurnover is { } turnover)
        {
            w.WritePropertyName(Keys.MaxTurnover);
            WriteNumber(w, turnover);
        }

        if (risk.Scheme == RiskScheme.MeanVariance)
        {
            w.WritePropertyName(Keys.RiskAversion);
            WriteNumber(w, risk.RiskAversion);
        }

        w.WriteString(Keys.Scheme, RiskWeights.SchemeNames[(int)risk.Scheme]);
        w.WriteEndObject();
    }

    /// <summary>The members a trigger mapping can have, in ordinal order of their keys (the order they are written in).</summary>
    private enum Member
    {
        All,
        Anchor,
        Any,
        Calendar,
        Check,
        Cooldown,
        Drift,
        Offset,
        RiskDrift,
        Volatility,
    }

    private static void WriteTrigger(Utf8JsonWriter w, TriggerSpec trigger, SortedUniverse sorted)
    {
        if (trigger is NoTrigger)
        {
            w.WriteStringValue(Keys.None);
            return;
        }

        // A trigger mapping: its members (including the cooldown and volatility modifiers) in ordinal key order. Each
        // slot holds what its member is written from; a later member of one key replaces an earlier one.
        var members = new object?[Keys.Members.Length];
        Collect(trigger, members);
        w.WriteStartObject();
        for (var m = 0; m < members.Length; m++)
        {
            if (members[m] is { } source)
            {
                w.WritePropertyName(Keys.Members[m]);
                WriteMember(w, (Member)m, source, sorted);
            }
        }

        w.WriteEndObject();
    }

    private static void Collect(TriggerSpec trigger, object?[] members)
    {
        switch (trigger)
        {
            case NoTrigger:
                break;
            case CalendarTrigger calendar:
                members[(int)Member.Calendar] = calendar;
                CollectSchedule(members, calendar.Schedule);
                break;
            case DriftTrigger drift:
                CollectBand(members, Member.Drift, drift, drift.CheckSchedule);
                break;
            case RiskDriftTrigger riskDrift:
                CollectBand(members, Member.RiskDrift, riskDrift, riskDrift.CheckSchedule);
                break;
            case AnyTrigger any:
                members[(int)Member.Any] = any;
                break;
            case AllTrigger all:
                members[(int)Member.All] = all;
                break;
            case CooldownTrigger cooldown:
                Collect(cooldown.Inner, members);
                members[(int)Member.Cooldown] = cooldown;
                break;
            case VolatilityTrigger volatility:
                Collect(volatility.Normal, members);
                members[(int)Member.Volatility] = volatility;
                break;
            default:
                throw new NotSupportedException($"no canonical form for trigger {trigger.GetType().Name}");
        }
    }

    /// <summary>A band trigger's members: <c>check</c> when given, and <c>{key}: {absolute|relative: band}</c>.</summary>
    private static void CollectBand(object?[] members, Member key, TriggerSpec band, CalendarSchedule? check)
    {
        if (check is { } schedule)
        {
            members[(int)Member.Check] = schedule;
            CollectSchedule(members, schedule);
        }

        members[(int)key] = band;
    }

    /// <summary>
    /// A calendar schedule's <c>anchor</c> and <c>offset</c>, each only when it differs from its default (period-start,
    /// 0), so policies written before they existed keep their canonical form and hash.
    /// </summary>
    private static void CollectSchedule(object?[] members, CalendarSchedule schedule)
    {
        if (schedule.Anchor != CalendarAnchor.PeriodStart)
        {
            members[(int)Member.Anchor] = schedule;
        }

        if (schedule.Offset != 0)
        {
            members[(int)Member.Offset] = schedule;
        }
    }

    private static void WriteMember(Utf8JsonWriter w, Member member, object source, SortedUniverse sorted)
    {
        switch (member)
        {
            case Member.All:
                WriteList(w, ((AllTrigger)source).Triggers, sorted);
                break;
            case Member.Any:
                WriteList(w, ((AnyTrigger)source).Triggers, sorted);
                break;
            case Member.Anchor:
                w.WriteStringValue(CalendarSchedule.AnchorNames[(int)((CalendarSchedule)source).Anchor]);
                break;
            case Member.Offset:
                w.WriteNumberValue(((CalendarSchedule)source).Offset);
                break;
            case Member.Calendar:
                w.WriteStringValue(((CalendarTrigger)source).Frequency.ToSpecName());
                break;
            case Member.Check:
                w.WriteStringValue(((CalendarSchedule)source).Frequency.ToSpecName());
                break;
            case Member.Drift or Member.RiskDrift:
                var (measure, band) = source is DriftTrigger drift ? (drift.Measure, drift.Band) : (((RiskDriftTrigger)source).Measure, ((RiskDriftTrigger)source).Band);
                w.WriteStartObject();
                w.WritePropertyName(measure == DriftMeasure.Absolute ? Keys.Absolute : Keys.Relative);
                WriteNumber(w, band);
                w.WriteEndObject();
                break;
            case Member.Cooldown:
                var cooldown = (CooldownTrigger)source;
                w.WriteStartObject();
                if (cooldown.Days is { } days)
                {
                    w.WriteNumber(Keys.Days, days);
                }

                if (cooldown.Rows is { } rows)
                {
                    w.WriteNumber(Keys.Rows, rows);
                }

                w.WriteEndObject();
                break;
            default:
                var volatility = (VolatilityTrigger)source;
                w.WriteStartObject();
                w.WritePropertyName(Keys.Above);
                WriteNumber(w, volatility.Above);
                w.WritePropertyName(Keys.Below);
                WriteNumber(w, volatility.Below);
                w.WriteString(Keys.Scope, volatility.Scope == VolatilityScope.Portfolio ? "portfolio" : "any-asset");
                w.WritePropertyName(Keys.Then);
                WriteTrigger(w, volatility.High, sorted);
                if (volatility.HighWeights is { } highWeights)
                {
                    // Only when given, so volatility triggers written before regime weights keep their hash.
                    w.WritePropertyName(Keys.Weights);
                    WriteWeights(w, highWeights, sorted);
                }

                w.WriteNumber(Keys.Window, volatility.Window);
                w.WriteEndObject();
                break;
        }
    }

    private static void WriteList(Utf8JsonWriter w, IEnumerable<TriggerSpec> triggers, SortedUniverse sorted)
    {
        w.WriteStartArray();
        foreach (var child in triggers)
        {
            WriteTrigger(w, child, sorted);
        }

        w.WriteEndArray();
    }

    private static void WriteAssetMap(Utf8JsonWriter w, JsonEncodedText key, SortedUniverse sorted, ReadOnlySpan<double> values)
    {
        w.WritePropertyName(key);
        w.WriteStartObject();
        for (var k = 0; k < sorted.Order.Length; k++)
        {
            w.WritePropertyName(sorted.Keys[k]);
            WriteNumber(w, values[sorted.Order[k].Index]);
        }

        w.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter w, double value)
    {
        // Per-asset maps repeat one value (a cost for every asset, equal targets): the last number's text is kept.
        var last = _lastNumber ??= new LastNumber();
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (last.Length == 0 || last.Bits != bits)
        {
            last.Length = FormatNumber(value, last.Utf8);
            last.Bits = bits;
        }

        w.WriteRawValue(last.Utf8.AsSpan(0, last.Length), skipInputValidation: true);
    }

    [ThreadStatic]
    private static LastNumber? _lastNumber;

    /// <summary>The last number written on this thread, by its bits, and its canonical text.</summary>
    private sealed class LastNumber
    {
        public long Bits { get; set; }

        public int Length { get; set; }

        public byte[] Utf8 { get; } = new byte[MaxNumberLength];
    }

    /// <summary>The constant keys and values of the canonical form, encoded once.</summary>
    private static class Keys
    {
        public static readonly JsonEncodedText Costs = JsonEncodedText.Encode("costs");
        public static readonly JsonEncodedText FixedPerTrade = JsonEncodedText.Encode("fixed_per_trade");
        public static readonly JsonEncodedText ProportionalBps = JsonEncodedText.Encode("proportional_bps");
        public static readonly JsonEncodedText SpreadBps = JsonEncodedText.Encode("spread_bps");
        public static readonly JsonEncodedText Execution = JsonEncodedText.Encode("execution");
        public static readonly JsonEncodedText MaxTurnover = JsonEncodedText.Encode("max_turnover");
        public static readonly JsonEncodedText MinTrade = JsonEncodedText.Encode("min_trade");
        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
        public static readonly JsonEncodedText Weight = JsonEncodedText.Encode("weight");
        public static readonly JsonEncodedText Partial = JsonEncodedText.Encode("partial");
        public static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
        public static readonly JsonEncodedText Target = JsonEncodedText.Encode("target");
        public static readonly JsonEncodedText BandEdge = JsonEncodedText.Encode("band-edge");
        public static readonly JsonEncodedText Lot = JsonEncodedText.Encode("lot");
        public static readonly JsonEncodedText Trigger = JsonEncodedText.Encode("trigger");
        public static readonly JsonEncodedText Universe = JsonEncodedText.Encode("universe");
        public static readonly JsonEncodedText Weights = JsonEncodedText.Encode("weights");
        public static readonly JsonEncodedText Scheme = JsonEncodedText.Encode("scheme");
        public static readonly JsonEncodedText Fixed = JsonEncodedText.Encode("fixed");
        public static readonly JsonEncodedText Targets = JsonEncodedText.Encode("targets");
        public static readonly JsonEncodedText BetaLimit = JsonEncodedText.Encode("beta_limit");
        public static readonly JsonEncodedText Max = JsonEncodedText.Encode("max");
        public static readonly JsonEncodedText Min = JsonEncodedText.Encode("min");
        public static readonly JsonEncodedText Reference = JsonEncodedText.Encode("reference");
        public static readonly JsonEncodedText Bounds = JsonEncodedText.Encode("bounds");
        public static readonly JsonEncodedText Budgets = JsonEncodedText.Encode("budgets");
        public static readonly JsonEncodedText CorrelationClusters = JsonEncodedText.Encode("correlation_clusters");
        public static readonly JsonEncodedText MaxWeight = JsonEncodedText.Encode("max_weight");
        public static readonly JsonEncodedText Threshold = JsonEncodedText.Encode("threshold");
        public static readonly JsonEncodedText Covariance = JsonEncodedText.Encode("covariance");
        public static readonly JsonEncodedText Halflife = JsonEncodedText.Encode("halflife");
        public static readonly JsonEncodedText Lookback = JsonEncodedText.Encode("lookback");
        public static readonly JsonEncodedText Method = JsonEncodedText.Encode("method");
        public static readonly JsonEncodedText TargetKey = JsonEncodedText.Encode("target");
        public static readonly JsonEncodedText Groups = JsonEncodedText.Encode("groups");
        public static readonly JsonEncodedText Assets = JsonEncodedText.Encode("assets");
        public static readonly JsonEncodedText RiskAversion = JsonEncodedText.Encode("risk_aversion");
        public static readonly JsonEncodedText None = JsonEncodedText.Encode("none");
        public static readonly JsonEncodedText Absolute = JsonEncodedText.Encode("absolute");
        public static readonly JsonEncodedText Relative = JsonEncodedText.Encode("relative");
        public static readonly JsonEncodedText Days = JsonEncodedText.Encode("days");
        public static readonly JsonEncodedText Rows = JsonEncodedText.Encode("rows");
        public static readonly JsonEncodedText Above = JsonEncodedText.Encode("above");
        public static readonly JsonEncodedText Below = JsonEncodedText.Encode("below");
        public static readonly JsonEncodedText Scope = JsonEncodedText.Encode("scope");
        public static readonly JsonEncodedText Then = JsonEncodedText.Encode("then");
        public static readonly JsonEncodedText Window = JsonEncodedText.Encode("window");

        /// <summary>The trigger mapping's keys, indexed by <see cref="Member"/>.</summary>
        public static readonly JsonEncodedText[] Members =
        [
            JsonEncodedText.Encode("all"),
            JsonEncodedText.Encode("anchor"),
            JsonEncodedText.Encode("any"),
            JsonEncodedText.Encode("calendar"),
            JsonEncodedText.Encode("check"),
            JsonEncodedText.Encode("cooldown"),
            JsonEncodedText.Encode("drift"),
            JsonEncodedText.Encode("offset"),
            JsonEncodedText.Encode("risk_drift"),
            JsonEncodedText.Encode("volatility"),
        ];
    }
}
