using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Ballast.Io.Specs;

/// <summary>
/// What one load of a spec has already bound, by the very nodes it was bound from: a block (weights, costs, trigger,
/// ...) read from the same node, at the same field path, for the same universe and weights, binds to the same value,
/// so it is bound once and shared. Policies of a list inherit the top level's blocks (the same nodes), and the cells of
/// a sweep share every node but the swept leaves and the mappings above them, which <see cref="TreeKey"/> makes shared too
/// (the subtree a value set at a path gives, built once per value). Only successes are kept: a block that fails is bound
/// again for each policy that uses it, so every error is the one the full binder gives, naming that policy. Safe to use
/// from several threads (two may bind one block at once; both get one value).
/// </summary>
internal sealed class BindMemo
{
    private readonly ConcurrentDictionary<Key, object> _blocks = new(KeyComparer.Instance);

    /// <summary>A memo for one load; <paramref name="cells"/> when policies are a sweep's cells, which share their own blocks too.</summary>
    public BindMemo(bool cells) => Cells = cells;

    /// <summary>Whether the policies are a sweep's cells: their own blocks are shared between cells, not only the top level's.</summary>
    public bool Cells { get; }
    private readonly ConcurrentDictionary<Key, object> _trees = new(KeyComparer.Instance);

    /// <summary>The key of a block: which binder, the node and field path it is bound from, and what else it reads (by reference).</summary>
    public static Key BlockKey(Kind kind, SpecNode node, string path, object? context1 = null, object? context2 = null, object? context3 = null) =>
        new(kind, node, path, context1, context2, context3, 0);

    /// <summary>The key of a subtree: the node below which a value is put, the path's segments, the step and the value.</summary>
    public static Key TreeKey(SpecNode? current, object segments, int step, SpecNode value) =>
        new(Kind.Tree, current, string.Empty, segments, value, null, step);

    /// <summary>The block bound before under <paramref name="key"/>, if any.</summary>
    public bool TryGet<T>(Key key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
        where T : class
    {
        var found = (key.Kind == Kind.Tree ? _trees : _blocks).TryGetValue(key, out var known);
        value = found ? (T)known! : null;
        return found;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/>; returns the value kept (another thread's, when it was first).</summary>
    public T Add<T>(Key key, T value)
        where T : class => (T)(key.Kind == Kind.Tree ? _trees : _blocks).GetOrAdd(key, value);

    /// <summary>Which binder a block went through.</summary>
    public enum Kind
    {
        Universe,
        Weights,
        Costs,
        Lot,
        Trigger,
        Execution,
        Tree,
    }

    /// <summary>
    /// A memo key: nodes and contexts compared by reference, the path by text, the step by value. A class, not a
    /// struct: the dictionaries over it then run the framework's shared, precompiled code instead of code compiled at
    /// start-up for a struct key (which cost a one-policy run about 10 ms of CPU).
    /// </summary>
    public sealed class Key(Kind kind, object? node, string path, object? a, object? b, object? c, int step)
    {
        public Kind Kind { get; } = kind;

        public object? Node { get; } = node;

        public string Path { get; } = path;

        public object? A { get; } = a;

        public object? B { get; } = b;

        public object? C { get; } = c;

        public int Step { get; } = step;
    }

    /// <summary>Nodes and contexts by reference (a step by value), paths by text.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key? x, Key? y) =>
            x is not null && y is not null && x.Kind == y.Kind && x.Step == y.Step && ReferenceEquals(x.Node, y.Node) && ReferenceEquals(x.A, y.A) && ReferenceEquals(x.B, y.B)
            && ReferenceEquals(x.C, y.C) && string.Equals(x.Path, y.Path, StringComparison.Ordinal);

        public int GetHashCode(Key key) =>
            HashCode.Combine(key.Kind, key.Step, RuntimeHelpers.GetHashCode(key.Node), RuntimeHelpers.GetHashCode(key.A), RuntimeHelpers.GetHashCode(key.B), RuntimeHelpers.GetHashCode(key.C), key.Path.Length);
    }
}
