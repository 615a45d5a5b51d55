using System.Runtime.InteropServices;

namespace Vae.MLNet.Training;

/// <summary>
/// A seeded order of the training rows in which the copies of a row (rows whose feature cells are bit for bit the same)
/// stand together, groups in random order. A split made at a group boundary never trains on a row and holds its copy
/// out: a held-out copy would score in-sample, below a new row's score, and a threshold calibrated on such scores
/// flags new normal rows far more often than promised (tables with repeated records are common).
/// </summary>
internal sealed class RowGroups
{
    private readonly int[] _starts;

    private RowGroups(long[] order, int[] starts)
    {
        Order = order;
        _starts = starts;
    }

    /// <summary>Every row once: the groups in their shuffled order, each group's rows in their data order.</summary>
    public long[] Order { get; }

    /// <summary>How many distinct rows there are.</summary>
    public int Count => _starts.Length - 1;

    /// <summary>
    /// The rows grouped by content, the groups shuffled by <paramref name="random"/>. Without copies it is the order that
    /// shuffling the row indices gives, so data without repeated rows is split as before.
    /// </summary>
    public static RowGroups Shuffled(float[] data, int rows, int dimension, Random random)
    {
        var groupOf = new int[rows];
        var sizes = new List<int>();
        var firstRow = new Dictionary<int, int>(rows, new ContentComparer(data, dimension));
        for (int row = 0; row < rows; row++)
        {
            if (firstRow.TryGetValue(row, out int group))
            {
                groupOf[row] = group;
                sizes[group]++;
            }
            else
            {
                groupOf[row] = firstRow[row] = sizes.Count;
                sizes.Add(1);
            }
        }
        var groups = Enumerable.Range(0, sizes.Count).ToArray();
        random.Shuffle(groups);
        var starts = new int[groups.Length + 1];
        var next = new int[groups.Length];
        for (int i = 0; i < groups.Length; i++)
        {
            next[groups[i]] = starts[i];
            starts[i + 1] = starts[i] + sizes[groups[i]];
        }
        var order = new long[rows];
        for (int row = 0; row < rows; row++)
            order[next[groupOf[row]]++] = row;
        return new RowGroups(order, starts);
    }

    /// <summary>Where in <see cref="Order"/> group <paramref name="group"/> starts (<see cref="Count"/>: the end).</summary>
    public int Start(int group) => _starts[group];

    /// <summary>The group boundary in <see cref="Order"/> nearest to <paramref name="position"/> (the lower one on a tie).</summary>
    public int NearestBoundary(int position)
    {
        int index = Array.BinarySearch(_starts, position);
        if (index >= 0)
            return position;
        int above = ~index;
        if (above == _starts.Length)
            return _starts[^1];
        int below = _starts[above - 1];
        return position - below <= _starts[above] - position ? below : _starts[above];
    }

    /// <summary>Rows, by index, equal when their cells are bit for bit equal (so NaN equals NaN, as a missing cell should).</summary>
    private sealed class ContentComparer(float[] data, int dimension) : IEqualityComparer<int>
    {
        public bool Equals(int a, int b) => Cells(a).SequenceEqual(Cells(b));

        public int GetHashCode(int row)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(Cells(row)));
            return hash.ToHashCode();
        }

        private ReadOnlySpan<int> Cells(int row) => MemoryMarshal.Cast<float, int>(data.AsSpan(row * dimension, dimension));
    }
}
