using System.Collections.Concurrent;
using Ballast.Accounting;
using Ballast.Policies;

namespace Ballast.Protocol;

/// <summary>
/// Compiled policies by hash, owned by the engine (not by <see cref="ProtocolState"/>: deciding never changes the
/// state). A compiled policy is a pure function of its stored text, and a stored text is accepted only when it
/// compiles to the hash it is stored under, so one entry per hash serves every state the engine sees.
/// </summary>
internal sealed class PolicyCache(IPolicyCompiler compiler)
{
    private readonly IPolicyCompiler _compiler = compiler ?? throw new ArgumentNullException(nameof(compiler));
    private readonly ConcurrentDictionary<PolicyHash, RebalancePolicy> _compiled = new();

    /// <summary>How many compiled policies are held.</summary>
    internal int Count => _compiled.Count;

    /// <summary>The compiled policy with this hash (compiled once from the text <paramref name="state"/> stores for it, which must hash to it).</summary>
    internal RebalancePolicy Get(ProtocolState state, PolicyHash hash)
    {
        if (_compiled.TryGetValue(hash, out var compiled))
        {
            return compiled;
        }

        var stored = state.Policies.TryGetValue(hash, out var s) ? s : throw new AccountingInvariantException($"policy {hash} was never stored");
        compiled = new RebalancePolicy(_compiler.Compile(stored.Name, stored.Text));
        if (compiled.Hash != hash)
        {
            throw new AccountingInvariantException($"stored policy '{stored.Name}' hashes to {compiled.Hash}, not {hash}");
        }

        return _compiled.GetOrAdd(hash, compiled);
    }
}
