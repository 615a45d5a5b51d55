namespace Vae.MLNet;

/// <summary>
/// The columns a VAE reads, in order, and how a row of them becomes the one row of model-space cells its network
/// sees: each real or Boolean slot one cell (a Boolean as 0 or 1), each key slot of K categories K one-hot cells, a
/// missing value (NaN, key 0) NaN in all its cells. The first column is the transformer's input column (a
/// transformer reads its <c>InputColumnName</c> in its place); the others are read by their names. Immutable.
/// </summary>
public sealed class VaeInputLayout
{
    private readonly int[] _cellOffsets;

    /// <summary>The layout of <paramref name="columns"/>, in order; their names must differ.</summary>
    public VaeInputLayout(IEnumerable<VaeInputColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = columns.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("A VAE reads at least one column.", nameof(columns));
        if (list.Any(c => c is null))
            throw new ArgumentException("A column of the layout is null.", nameof(columns));
        if (list.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Column '{twice.Key}' is listed {twice.Count()} times; a VAE reads each column once.", nameof(columns));
        long cells = list.Sum(c => (long)c.Cells);
        if (cells > Array.MaxLength)
            throw new ArgumentException($"The columns need {cells} model cells a row, more than {Array.MaxLength}.", nameof(columns));
        Columns = Array.AsReadOnly(list);
        _cellOffsets = new int[list.Length];
        for (int i = 1; i < list.Length; i++)
            _cellOffsets[i] = _cellOffsets[i - 1] + list[i - 1].Cells;
        Cells = (int)cells;
        Features = list.Sum(c => c.Slots);
    }

    /// <summary>The columns, the transformer's input column first.</summary>
    public IReadOnlyList<VaeInputColumn> Columns { get; }

    /// <summary>F, the features of a row: the slots of every column (a key slot is one feature, whatever its categories).</summary>
    public int Features { get; }

    /// <summary>W, the model-space cells of a row: <see cref="VaeModel.InputDimension"/>.</summary>
    public int Cells { get; }

    /// <summary>Whether this is the layout of one column of real values, every model's before mixed columns existed.</summary>
    public bool IsSingleReal => Columns is [{ Kind: VaeInputKind.Real }];

    /// <summary>One column of <paramref name="slots"/> real values: the layout of a model built without one.</summary>
    public static VaeInputLayout Real(int slots, string name = "Features") => new([new VaeInputColumn(name, VaeInputKind.Real, slots)]);

    /// <summary>The first model-space cell of column <paramref name="column"/>.</summary>
    public int CellOffset(int column) => _cellOffsets[column];

    /// <summary>
    /// The name of each feature slot, as ML.NET's <c>SlotNames</c> annotation gives them: <c>Column</c> for a column
    /// of one slot, <c>Column[i]</c> otherwise; the first column is called <paramref name="firstColumnName"/>.
    /// </summary>
    public string[] SlotNames(string firstColumnName) =>
        Columns.SelectMany((c, i) =>
        {
            string name = i == 0 ? firstColumnName : c.Name;
            return c.Slots == 1 ? [name] : Enumerable.Range(0, c.Slots).Select(s => $"{name}[{s}]");
        }).ToArray();

    /// <summary>The feature slot of each model-space cell, [W].</summary>
    internal int[] SlotOfCells()
    {
        var slots = new int[Cells];
        int cell = 0, slot = 0;
        foreach (var column in Columns)
            for (int s = 0; s < column.Slots; s++, slot++)
                for (int k = 0; k < column.CellsPerSlot; k++)
                    slots[cell++] = slot;
        return slots;
    }

    /// <summary>Whether <paramref name="other"/> describes the same columns.</summary>
    internal bool SameAs(VaeInputLayout other) =>
        Columns.Count == other.Columns.Count && Columns.Zip(other.Columns).All(p =>
            p.First.Name == p.Second.Name && p.First.Kind == p.Second.Kind && p.First.Slots == p.Second.Slots && p.First.Categories == p.Second.Categories);

    /// <inheritdoc />
    public override string ToString() => string.Join("; ", Columns);
}
