using System.Collections.Concurrent;
using Ballast.Protocol;
using Ballast.Service.Writing;

namespace Ballast.Cluster.Keeping;

/// <summary>
/// Submits keeper rounds to local <see cref="CommandWriter"/>s, one per deployment: the round is run as one plan on
/// the writer (<see cref="CommandWriter.RunPlanAsync"/>), so its commands are decided together, in order, between
/// batches, exactly as the single-process keeper's round is.
/// </summary>
public sealed class CommandWriterSubmitter : IKeeperSubmitter
{
    private readonly ConcurrentDictionary<string, (CommandWriter Writer, TimeProvider Clock)> _writers = new(StringComparer.Ordinal);

    /// <summary>Routes <paramref name="deployment"/>'s rounds to <paramref name="writer"/>, whose sequencer decides on <paramref name="clock"/> (replacing any writer it had).</summary>
    public void Serve(string deployment, CommandWriter writer, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(clock);
        _writers[deployment] = (writer, clock);
    }

    /// <inheritdoc/>
    public Task<DateTimeOffset> NowAsync(string deployment, CancellationToken cancellationToken = default) => Task.FromResult(Served(deployment).Clock.GetUtcNow());

    /// <inheritdoc/>
    public Task<IReadOnlyList<WriteResult>> SubmitAsync(string deployment, IReadOnlyList<ProtocolCommand> commands, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var writer = Served(deployment).Writer;
        return commands.Count == 0 ? Task.FromResult<IReadOnlyList<WriteResult>>([]) : writer.RunPlanAsync((_, _) => commands, cancellationToken);
    }

    private (CommandWriter Writer, TimeProvider Clock) Served(string deployment) =>
        _writers.TryGetValue(deployment, out var served) ? served : throw new KeyNotFoundException($"no writer serves deployment '{deployment}' on this silo");
}
