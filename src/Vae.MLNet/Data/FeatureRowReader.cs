using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Reads the input columns of a row into its model-space cells (<see cref="VaeInputLayout"/>), checking every value:
/// NaN, ∞, missing and out-of-range keys, and wrong sizes stop the work with the column, row and slot named.
/// </summary>
internal sealed class FeatureRowReader
{
    private delegate void CellReader(Span<float> cells, long? row);

    private delegate void VectorCopy(in VBuffer<float> values, Span<float> cells, long? row);

    private readonly CellReader[] _readers;
    private readonly VaeInputLayout _layout;
    private readonly IReadOnlyList<string> _names;
    private readonly VaeMissingValues _missingValues;

    /// <param name="row">A row (or cursor) with the columns <paramref name="names"/> active.</param>
    /// <param name="names">The columns, in the order of <paramref name="layout"/>, which they match (<see cref="FeatureColumns.Check"/>).</param>
    /// <param name="layout">Their kinds and sizes.</param>
    /// <param name="missingValues">Whether NaN and key 0 are errors or missing cells.</param>
    public FeatureRowReader(DataViewRow row, IReadOnlyList<string> names, VaeInputLayout layout, VaeMissingValues missingValues)
        : this(FeatureReaders(row, names, layout, missingValues), names, layout, missingValues)
    {
    }

    private FeatureRowReader(CellReader[] readers, IReadOnlyList<string> names, VaeInputLayout layout, VaeMissingValues missingValues)
    {
        _readers = readers;
        _layout = layout;
        _names = names;
        _missingValues = missingValues;
    }

    /// <summary>
    /// A reader of the latent codes in column <paramref name="name"/> of <paramref name="row"/>, each of
    /// <paramref name="latentDimension"/> values, all of which must be finite (<see cref="FeatureColumn.CopyLatentChecked"/>).
    /// </summary>
    public static FeatureRowReader ForLatentCodes(DataViewRow row, string name, int latentDimension) =>
        new([RealReader(row, name, (in VBuffer<float> values, Span<float> cells, long? position) =>
            FeatureColumn.CopyLatentChecked(values, cells, name, position))], [name], VaeInputLayout.Real(latentDimension, name), VaeMissingValues.Error);

    private static CellReader[] FeatureReaders(DataViewRow row, IReadOnlyList<string> names, VaeInputLayout layout, VaeMissingValues missingValues)
    {
        // A lone real column checks its own rows, as it always has; mixed rows are checked whole.
        bool alone = layout.Columns.Count == 1;
        return layout.Columns.Select((c, i) => c.Kind switch
        {
            VaeInputKind.Real => RealReader(row, names[i], (in VBuffer<float> values, Span<float> cells, long? position) =>
                FeatureColumn.CopyChecked(values, cells, names[i], position, missingValues, alone)),
            VaeInputKind.Binary => BinaryReader(row, names[i], c.Slots),
            _ => KeyReader(row, names[i], c.Slots, c.Categories, missingValues),
        }).ToArray();
    }

    /// <summary>The columns' values of the current row into <paramref name="cells"/>, [W].</summary>
    /// <param name="cells">Where the row's model-space cells go.</param>
    /// <param name="row">The row's position, for messages; null for the one row of <c>PredictionEngine.Predict</c>.</param>
    public void Read(Span<float> cells, long? row)
    {
        if (_readers.Length == 1)
        {
            _readers[0](cells, row);
            if (_layout.IsSingleReal || _missingValues == VaeMissingValues.Error || cells.ContainsAnyExcept(float.NaN))
                return;
        }
        else
        {
            for (int i = 0; i < _readers.Length; i++)
                _readers[i](cells.Slice(_layout.CellOffset(i), _layout.Columns[i].Cells), row);
            if (_missingValues == VaeMissingValues.Error || cells.ContainsAnyExcept(float.NaN))
                return;
        }
        string where = row is long r ? $"Row {r}" : "The row given to PredictionEngine.Predict";
        throw new VaeDataException(_names[0], row,
            $"{where} has no observed value: every feature of {string.Join(", ", _names.Select(n => $"'{n}'"))} is missing (NaN or key 0), which leaves " +
            "nothing to encode, score or learn from. " + FeatureColumn.DropRowsWithNothingObserved);
    }

    /// <summary>A reader of the real column <paramref name="name"/>, each row's values checked and copied by <paramref name="copy"/>.</summary>
    private static CellReader RealReader(DataViewRow row, string name, VectorCopy copy)
    {
        var column = row.Schema[name];
        if (column.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<float>>(column);
            var values = default(VBuffer<float>);
            return (cells, position) =>
            {
                getter(ref values);
                copy(values, cells, position);
            };
        }
        var scalarGetter = row.GetGetter<float>(column);
        var scalar = new float[1];
        return (cells, position) =>
        {
            scalarGetter(ref scalar[0]);
            copy(new VBuffer<float>(1, scalar), cells, position);
        };
    }

    private static CellReader BinaryReader(DataViewRow row, string name, int slots)
    {
        var read = Slots<bool>(row, name, slots);
        return (cells, position) =>
        {
            var values = read(position);
            for (int s = 0; s < values.Length; s++)
                cells[s] = values[s] ? 1f : 0f;
        };
    }

    private static CellReader KeyReader(DataViewRow row, string name, int slots, int categories, VaeMissingValues missingValues)
    {
        var read = Slots<uint>(row, name, slots);
        return (cells, position) =>
        {
            var keys = read(position);
            cells.Clear();
            for (int s = 0; s < keys.Length; s++)
            {
                uint key = keys[s];
                var block = cells.Slice(s * categories, categories);
                if (key == 0)
                {
                    if (missingValues == VaeMissingValues.Error)
                        throw new VaeDataException(name, position,
                            $"{FeatureColumn.Where(name, position)} holds the missing key (0) at slot {s}: a value MapValueToKey did not know, or a missing one. " +
                            "To score a category the training rows lacked as the rare category it is, give MapValueToKey every category " +
                            "(keyData) before training; to score it on the row's other columns, let the model treat it as a missing cell " +
                            $"(MissingValues = {nameof(VaeMissingValues.Model)}); or filter such rows first.", s);
                    block.Fill(float.NaN);
                }
                else if (key > categories)
                    throw new VaeDataException(name, position,
                        $"{FeatureColumn.Where(name, position)} holds key {key} at slot {s}, above the {categories} categories of the model: map the column with the " +
                        "MapValueToKey transformer fitted with the model.", s);
                else
                    block[(int)key - 1] = 1f;
            }
        };
    }

    /// <summary>A reader of a scalar or known-size vector column of <typeparamref name="T"/> into a dense span, its size checked.</summary>
    private static Func<long?, ReadOnlySpan<T>> Slots<T>(DataViewRow row, string name, int slots)
    {
        var column = row.Schema[name];
        var dense = new T[slots];
        if (column.Type is not VectorDataViewType)
        {
            var scalar = row.GetGetter<T>(column);
            return _ =>
            {
                scalar(ref dense[0]);
                return dense;
            };
        }
        var getter = row.GetGetter<VBuffer<T>>(column);
        var values = default(VBuffer<T>);
        return position =>
        {
            getter(ref values);
            if (values.Length != slots)
                throw new VaeDataException(name, position, $"{FeatureColumn.Where(name, position)} has {values.Length} features, but the model expects {slots}.");
            values.CopyTo(dense);
            return dense;
        };
    }
}
