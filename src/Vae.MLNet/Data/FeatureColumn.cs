using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Checks and reads the column a VAE consumes: a known-size vector of <see cref="float"/>. Every read checks
/// values, so that NaN or ∞ stops the work with the column and the row named instead of training on garbage.
/// </summary>
internal static class FeatureColumn
{
    /// <summary>The vector size of <paramref name="columnName"/>, after checking that it is a known-size Single vector.</summary>
    public static int CheckSchema(DataViewSchema schema, string columnName, int? expectedSize = null)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"Feature column '{columnName}' not found in the input schema.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size == 0)
            throw new ArgumentOutOfRangeException(nameof(columnName),
                $"Feature column '{columnName}' must be a known-size vector of Single, but its type is {column.Type}.");
        CheckSize(columnName, expectedSize, vector.Size);
        return vector.Size;
    }

    /// <summary>The same check on a <see cref="SchemaShape"/>, as estimators see it before training.</summary>
    public static void CheckShape(SchemaShape shape, string columnName)
    {
        var matches = shape.Where(c => c.Name == columnName).ToArray();
        if (matches.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(columnName), $"Feature column '{columnName}' not found in the input schema.");
        var column = matches[^1];
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single || column.IsKey)
            throw new ArgumentOutOfRangeException(nameof(columnName),
                $"Feature column '{columnName}' must be a known-size vector of Single, but it is a {Describe(column)}.");
    }

    /// <summary>
    /// The most feature values a VAE trains on: <see cref="Array.MaxLength"/> (2,147,483,591), the longest array .NET
    /// allocates, which holds every row at once.
    /// </summary>
    public const long MaximumValues = 0x7FFFFFC7;

    /// <summary>
    /// Reads the column into one contiguous row-major buffer, [rows × size], checking every value of every row: all
    /// rows when there are at most <paramref name="maximumRows"/> (and at most <see cref="MaximumValues"/> values), in
    /// their order; else a uniform random sample of that many, drawn by reservoir sampling over one pass of the
    /// cursor (Algorithm R, seeded by <paramref name="seed"/>), so that data of any length is read in the memory of
    /// the sample.
    /// </summary>
    /// <param name="data">The data.</param>
    /// <param name="columnName">Its feature column.</param>
    /// <param name="maximumRows">The most rows to hold.</param>
    /// <param name="seed">Seed of the sample.</param>
    /// <param name="rows">The rows read into the buffer.</param>
    /// <param name="size">The features of a row.</param>
    /// <param name="dataRows">The rows of the data, sampled or not.</param>
    /// <param name="missingValues">Whether NaN is an error or a missing cell (<see cref="CopyChecked"/>).</param>
    public static float[] ReadSample(IDataView data, string columnName, long maximumRows, int seed, VaeMissingValues missingValues,
        out int rows, out int size, out long dataRows)
    {
        size = CheckSchema(data.Schema, columnName);
        return ReadSample(data, [columnName], VaeInputLayout.Real(size, columnName), maximumRows, seed, missingValues, out rows, out dataRows);
    }

    /// <summary>
    /// <see cref="ReadSample(IDataView, string, long, int, VaeMissingValues, out int, out int, out long)"/> over the
    /// columns <paramref name="names"/>, which <paramref name="layout"/> describes: each row read as its
    /// <see cref="VaeInputLayout.Cells"/> model-space cells (<see cref="FeatureRowReader"/>).
    /// </summary>
    public static float[] ReadSample(IDataView data, IReadOnlyList<string> names, VaeInputLayout layout, long maximumRows, int seed,
        VaeMissingValues missingValues, out int rows, out long dataRows)
    {
        int size = layout.Cells;
        long capacity = Math.Max(1, Math.Min(maximumRows, MaximumValues / size));
        // One contiguous buffer, grown by doubling when the row count is unknown (TextLoader does not know it).
        long? known = data.GetRowCount();
        var buffer = new float[Math.Min(Math.Max(1, known ?? 1024), capacity) * size];
        var row = new float[size];
        Random? sampler = null;
        using var cursor = data.GetRowCursor(names.Select(n => data.Schema[n]));
        var reader = new FeatureRowReader(cursor, names, layout, missingValues);
        long read = 0;
        while (cursor.MoveNext())
        {
            if (read < capacity)
            {
                if ((read + 1) * size > buffer.Length)
                    Array.Resize(ref buffer, (int)(Math.Min(2 * read, capacity) * size));
                reader.Read(buffer.AsSpan((int)(read * size), size), read);
            }
            else
            {
                // Row n (from 0) replaces a random one of the sample with probability capacity / (n + 1): each row
                // read so far is then in the sample with the same probability.
                reader.Read(row, read);
                long slot = (sampler ??= new Random(seed)).NextInt64(read + 1);
                if (slot < capacity)
                    row.CopyTo(buffer.AsSpan((int)(slot * size), size));
            }
            read++;
        }
        if (read == 0)
            throw new VaeDataException(names[0], null, $"The data has no rows: a VAE needs at least one row of '{names[0]}' to train.");
        rows = (int)Math.Min(read, capacity);
        if ((long)rows * size != buffer.Length)
            Array.Resize(ref buffer, rows * size);
        dataRows = read;
        return buffer;
    }

    /// <summary>
    /// Copies one row's vector into <paramref name="destination"/>, densifying it and checking its size and values.
    /// <paramref name="row"/> is the row's position in its data view, or null for the one row a row mapper is given
    /// (by <c>PredictionEngine.Predict</c>, whose input row counts its calls, not rows of any data).
    /// </summary>
    /// <param name="values">The row's vector.</param>
    /// <param name="destination">Where its dense values go.</param>
    /// <param name="columnName">The column, for messages.</param>
    /// <param name="row">The row's position, for messages.</param>
    /// <param name="missingValues">Whether NaN is an error or a missing cell; ±∞ is an error either way, and so is a
    /// row whose every cell is missing, which gives a model nothing to encode.</param>
    /// <param name="wholeRow">Whether the vector is the whole row, so that all of it missing is an error here; false for
    /// one column of several, whose row <see cref="FeatureRowReader"/> checks whole.</param>
    public static void CopyChecked(in VBuffer<float> values, Span<float> destination, string columnName, long? row, VaeMissingValues missingValues,
        bool wholeRow = true)
    {
        int bad = Copy(values, destination, columnName, row, out string where);
        if (bad < 0)
            return;
        if (missingValues == VaeMissingValues.Error)
            throw new VaeDataException(columnName, row,
                $"{where} holds {destination[bad]} at slot {bad}: features must be finite. Replace missing values first (e.g. mlContext.Transforms.ReplaceMissingValues), " +
                $"or let the model handle them (MissingValues = {nameof(VaeMissingValues.Model)}).", bad);
        int infinite = destination.IndexOfAny(float.PositiveInfinity, float.NegativeInfinity);
        if (infinite >= 0)
            throw new VaeDataException(columnName, row,
                $"{where} holds {destination[infinite]} at slot {infinite}: features must be finite, or NaN for a missing cell.", infinite);
        if (wholeRow && !destination.ContainsAnyExcept(float.NaN))
            throw new VaeDataException(columnName, row,
                $"{where} has no observed value: all {destination.Length} features are missing (NaN), which leaves nothing to encode, score or learn from. " +
                DropRowsWithNothingObserved);
    }

    /// <summary>
    /// <see cref="CopyChecked"/> for a latent code, the decoder's input: every value must be finite, whatever the model's
    /// <see cref="VaeModel.MissingValues"/>, since a code has no missing cells.
    /// </summary>
    public static void CopyLatentChecked(in VBuffer<float> values, Span<float> destination, string columnName, long? row)
    {
        int bad = Copy(values, destination, columnName, row, out string where);
        if (bad >= 0)
            throw new VaeDataException(columnName, row,
                $"{where} holds {destination[bad]} at slot {bad}: a latent code must be finite, whatever the model's {nameof(VaeModel.MissingValues)} " +
                "(a code has no missing cells: the decoder reads every coordinate as it is).", bad);
    }

    /// <summary>
    /// Copies <paramref name="values"/> into <paramref name="destination"/> after checking its size; the first slot
    /// that is not finite, or −1, and <paramref name="where"/> the row and column for messages.
    /// </summary>
    private static int Copy(in VBuffer<float> values, Span<float> destination, string columnName, long? row, out string where)
    {
        where = Where(columnName, row);
        if (values.Length != destination.Length)
            throw new VaeDataException(columnName, row,
                $"{where} has {values.Length} features, but the model expects {destination.Length}.");
        values.CopyTo(destination);
        return IndexOfNonFinite(destination);
    }

    /// <summary>
    /// How messages name row <paramref name="row"/> of column <paramref name="columnName"/>: by its position, or as the
    /// row given to <c>PredictionEngine.Predict</c> when it has none (null).
    /// </summary>
    internal static string Where(string columnName, long? row) =>
        row is long r ? $"Row {r} of column '{columnName}'" : $"Column '{columnName}' of the row given to PredictionEngine.Predict";

    /// <summary>
    /// The advice for a row without an observed value. Not ML.NET's <c>FilterRowsByMissingValues</c>: it drops every
    /// row with any missing cell, most of a table that has them, where only the empty rows need to go.
    /// </summary>
    internal const string DropRowsWithNothingObserved =
        "Drop such rows first, e.g. mlContext.Data.FilterByCustomPredicate with a predicate that is true when every feature is missing " +
        "(FilterRowsByMissingValues would drop every row with any missing cell).";

    /// <summary>The first of <paramref name="values"/> that is NaN or ±∞, or −1 when all are finite.</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        // x − x is 0 for every finite x and NaN for NaN and ±∞: one vectorized pass clears the usual, clean row.
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        bool clean = true;
        foreach (var vector in vectors)
            clean &= Vector.EqualsAll(vector - vector, Vector<float>.Zero);
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            clean &= float.IsFinite(values[i]);
        if (clean)
            return -1;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                return i;
        return -1;
    }

    private static void CheckSize(string columnName, int? expected, int actual)
    {
        if (expected is int e && e != actual)
            throw new ArgumentOutOfRangeException(nameof(columnName),
                $"Feature column '{columnName}' has {actual} features, but the model was trained on {e}.");
    }

    private static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => $"scalar {column.ItemType}",
        SchemaShape.Column.VectorKind.VariableVector => $"variable-size vector of {column.ItemType}",
        _ => $"vector of {column.ItemType}{(column.IsKey ? " (key)" : "")}",
    };
}
