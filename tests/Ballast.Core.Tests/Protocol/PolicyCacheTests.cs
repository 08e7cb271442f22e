using Ballast.Protocol;
using static Ballast.Core.Tests.Protocol.EngineHarness;

namespace Ballast.Core.Tests.Protocol;

/// <summary>Compiled policies are cached by the engine, keyed by hash, not written into the state.</summary>
public class PolicyCacheTests
{
    [Fact]
    public void Replay_IntoAnotherState_DoesNotCompileAStoredPolicyAgain()
    {
        var h = new EngineHarness();
        h.Deposit(Alice, 1_000);
        var compiled = h.Compiler.Compilations;

        // The same engine rebuilds a second state from the events: the policy it compiled for the first serves it.
        var replayed = new ProtocolState();
        foreach (var (e, at) in h.Events)
        {
            h.Engine.Apply(replayed, e, at);
        }

        Assert.Equal(h.Mix.PolicyHash, replayed.ComposedVaults[new VaultId("mix")].PolicyHash);
        Assert.Equal(compiled, h.Compiler.Compilations);
    }

    [Fact]
    public void Rebalance_DecidedOnManyStates_CompilesThePolicyOnce()
    {
        var compiler = new FakePolicyCompiler();
        var engine = new ProtocolEngine(compiler);
        var first = new EngineHarness(compiler, engine);
        var compiled = compiler.Compilations;
        for (var i = 0; i < 3; i++)
        {
            var state = new ProtocolState();
            foreach (var (e, at) in first.Events)
            {
                engine.Apply(state, e, at);
            }

            engine.Decide(state, new RebalanceCommand($"r{i}", Keeper, new VaultId("mix")), first.Now.AddDays(1));
        }

        Assert.Equal(compiled, compiler.Compilations);
    }
}
