using Orleans.TestingHost;

namespace Ballast.Cluster.Tests;

/// <summary>A grain whose answer depends on its key and its argument, so the smoke test cannot pass by accident.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<string> Echo(string text);
}

/// <summary>The smoke test's grain.</summary>
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<string> Echo(string text) => Task.FromResult($"{this.GetPrimaryKeyLong()}:{text}");
}

/// <summary>Orleans' code generation and an in-process silo work in this build (the packages, the analyzers, the test host).</summary>
public sealed class OrleansHostingSmokeTests
{
    [Fact]
    public async Task InProcessSilo_AnswersAGrainCall()
    {
        var builder = new TestClusterBuilder { Options = { InitialSilosCount = 1 } };
        var cluster = builder.Build();
        await cluster.DeployAsync(TestContext.Current.CancellationToken);
        try
        {
            var answer = await cluster.GrainFactory.GetGrain<IEchoGrain>(42).Echo("ballast");
            Assert.Equal("42:ballast", answer);
        }
        finally
        {
            await cluster.StopAllSilosAsync(TestContext.Current.CancellationToken);
            await cluster.DisposeAsync();
        }
    }
}
