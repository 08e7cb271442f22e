using Ballast.Cluster.Sequencing;
using Ballast.Io.Storage;

namespace Ballast.Cluster.Keeping;

/// <summary>The sharded keeper on a cluster of sequencer grains: where it reads the journals, and how it submits to their sequencers.</summary>
public static class SequencerGrainKeeper
{
    /// <summary>
    /// Rounds submitted command by command to each deployment's sequencer grain (<see cref="GrainCommandSubmitter"/>,
    /// the way the API sends commands), decided at the sequencer's own clock (<see cref="ISequencerGrain.Now"/>).
    /// </summary>
    public static IKeeperSubmitter Submitter(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return new PerCommandSubmitter(
            (deployment, command, ct) => new GrainCommandSubmitter(grains, deployment).SubmitAsync(command, ct),
            (deployment, ct) => grains.GetGrain<ISequencerGrain>(deployment).Now().WaitAsync(ct));
    }

    /// <summary>Each deployment's journal in the cluster's database, read through a store of the silo's own (beside the sequencer's).</summary>
    public static IKeeperJournalSource Journals(SequencingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new JournalStoreSource(deployment => JournalStores.Open(options.JournalLocation(deployment)));
    }
}
