using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// One column a VAE reads: its name, its kind (hence its likelihood), its slots, and for keys the number of categories.
/// Immutable.
/// </summary>
public sealed class VaeInputColumn
{
    /// <summary>The most categories one key column may have: a one-hot block of this many cells per slot.</summary>
    public const int MaximumCategories = 1000;

    /// <summary>Describes a column, checking that its sizes make sense.</summary>
    /// <param name="name">The column's name in the data.</param>
    /// <param name="kind">What it holds.</param>
    /// <param name="slots">Its values per row: 1 for a scalar, the size of a known-size vector.</param>
    /// <param name="categories">The key's count for <see cref="VaeInputKind.Categorical"/> (1 to <see cref="MaximumCategories"/>); 0 otherwise.</param>
    public VaeInputColumn(string name, VaeInputKind kind, int slots, int categories = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Enum.IsDefined(kind))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown kind of column '{name}'.");
        if (slots < 1)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, $"Column '{name}' needs at least one slot.");
        if (kind == VaeInputKind.Categorical && categories is < 1 or > MaximumCategories)
            throw new ArgumentOutOfRangeException(nameof(categories), categories,
                $"Key column '{name}' has {categories} categories; a VAE models 1 to {MaximumCategories} per key column (each is a softmax output). " +
                "Group rare values first, or drop an identifier-like column.");
        if (kind != VaeInputKind.Categorical && categories != 0)
            throw new ArgumentOutOfRangeException(nameof(categories), categories, $"Column '{name}' is {kind}: only a categorical column has categories.");
        if ((long)slots * Math.Max(1, categories) > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(slots), slots, $"Column '{name}' would need more than {Array.MaxLength} cells.");
        Name = name;
        Kind = kind;
        Slots = slots;
        Categories = categories;
    }

    /// <summary>The column's name in the data.</summary>
    public string Name { get; }

    /// <summary>What it holds, hence its likelihood.</summary>
    public VaeInputKind Kind { get; }

    /// <summary>Values per row: the features it adds to the model.</summary>
    public int Slots { get; }

    /// <summary>The categories of each slot of a <see cref="VaeInputKind.Categorical"/> column; 0 for the other kinds.</summary>
    public int Categories { get; }

    /// <summary>The model-space cells of a row: <see cref="Slots"/>, or <see cref="Slots"/> · <see cref="Categories"/> one-hot cells for keys.</summary>
    public int Cells => Kind == VaeInputKind.Categorical ? Slots * Categories : Slots;

    /// <summary>The cells of one slot: 1, or <see cref="Categories"/> for keys.</summary>
    public int CellsPerSlot => Kind == VaeInputKind.Categorical ? Categories : 1;

    /// <summary>An ML.NET type of such a column: a scalar for one slot (a vector of one reads the same), a known-size vector otherwise.</summary>
    internal DataViewType DataType
    {
        get
        {
            PrimitiveDataViewType item = Kind switch
            {
                VaeInputKind.Real => NumberDataViewType.Single,
                VaeInputKind.Binary => BooleanDataViewType.Instance,
                _ => new KeyDataViewType(typeof(uint), Categories),
            };
            return Slots == 1 ? item : new VectorDataViewType(item, Slots);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        Kind == VaeInputKind.Categorical ? $"{Name}: {Slots} × key of {Categories}" : $"{Name}: {Slots} × {Kind}";
}
