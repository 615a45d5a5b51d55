using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>
/// Value equality of two row sources, column by column and row by row: Singles within 1e-5 relative (absolute
/// below 1), Booleans exactly, vectors slot by slot.
/// </summary>
internal static class SameValues
{
    private const double Tolerance = 1e-5;

    /// <summary>
    /// Every row of <paramref name="expected"/> and <paramref name="actual"/>: in every column, matched by index, or
    /// unless <paramref name="hiddenColumns"/>, in every visible column, matched by name.
    /// </summary>
    public static void AssertEqual(IDataView expected, IDataView actual, string what, bool hiddenColumns = true)
    {
        using var e = expected.GetRowCursor(expected.Schema);
        using var a = actual.GetRowCursor(actual.Schema);
        AssertEqual(e, a, a, hiddenColumns, what);
    }

    /// <summary>The rows <paramref name="mapper"/> maps from <paramref name="input"/> against <paramref name="transformed"/>, in every column.</summary>
    public static void AssertEqual(IDataView transformed, IRowToRowMapper mapper, IDataView input, string what)
    {
        using var e = transformed.GetRowCursor(transformed.Schema);
        using var source = input.GetRowCursor(input.Schema);
        AssertEqual(e, source, mapper.GetRow(source, mapper.OutputSchema), hiddenColumns: true, what);
    }

    // `moving` is the cursor that advances `actual`: the actual cursor itself, or the input of a mapped row.
    private static void AssertEqual(DataViewRowCursor expected, DataViewRowCursor moving, DataViewRow actual, bool hiddenColumns, string what)
    {
        var comparisons = expected.Schema.Where(c => hiddenColumns || !c.IsHidden)
            .Select(c => Comparison(expected, actual, c, hiddenColumns ? actual.Schema[c.Index] : actual.Schema[c.Name], $"{what}: column '{c.Name}'"))
            .ToArray();
        long rows = 0;
        while (expected.MoveNext())
        {
            Assert.True(moving.MoveNext(), $"{what}: {rows} rows, expected more.");
            foreach (var compare in comparisons)
                compare(rows);
            rows++;
        }
        Assert.False(moving.MoveNext(), $"{what}: more than the {rows} rows expected.");
        Assert.True(rows > 0, $"{what}: no rows to compare.");
    }

    private static Action<long> Comparison(DataViewRow expected, DataViewRow actual, DataViewSchema.Column e, DataViewSchema.Column a, string where)
    {
        Assert.True(e.Type.Equals(a.Type), $"{where} is {a.Type}, expected {e.Type}.");
        return e.Type switch
        {
            VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Single => Vectors<float>(expected, actual, e, a, Close, where),
            VectorDataViewType { ItemType: BooleanDataViewType } => Vectors<bool>(expected, actual, e, a, (x, y) => x == y, where),
            NumberDataViewType t when t == NumberDataViewType.Single => Scalars<float>(expected, actual, e, a, Close, where),
            BooleanDataViewType => Scalars<bool>(expected, actual, e, a, (x, y) => x == y, where),
            VectorDataViewType { ItemType: KeyDataViewType { RawType: var raw } } when raw == typeof(uint) => Vectors<uint>(expected, actual, e, a, (x, y) => x == y, where),
            KeyDataViewType { RawType: var raw } when raw == typeof(uint) => Scalars<uint>(expected, actual, e, a, (x, y) => x == y, where),
            _ => throw new NotSupportedException($"{where} is {e.Type}, which these checks do not compare."),
        };
    }

    private static Action<long> Scalars<T>(DataViewRow expected, DataViewRow actual, DataViewSchema.Column e, DataViewSchema.Column a,
        Func<T, T, bool> equal, string where) =>
        Values<T>(expected, actual, e, a, (x, y, row) => Assert.True(equal(x, y), $"{where}, row {row}: {y}, expected {x}."));

    private static Action<long> Vectors<T>(DataViewRow expected, DataViewRow actual, DataViewSchema.Column e, DataViewSchema.Column a,
        Func<T, T, bool> equal, string where) =>
        Values<VBuffer<T>>(expected, actual, e, a, (x, y, row) =>
        {
            Assert.True(x.Length == y.Length, $"{where}, row {row}: {y.Length} slots, expected {x.Length}.");
            foreach (var (xs, ys, slot) in x.DenseValues().Zip(y.DenseValues(), Enumerable.Range(0, x.Length)))
                Assert.True(equal(xs, ys), $"{where}, row {row}, slot {slot}: {ys}, expected {xs}.");
        });

    private static Action<long> Values<T>(DataViewRow expected, DataViewRow actual, DataViewSchema.Column e, DataViewSchema.Column a, Action<T, T, long> assert)
    {
        var getExpected = expected.GetGetter<T>(e);
        var getActual = actual.GetGetter<T>(a);
        T x = default!, y = default!;
        return row =>
        {
            getExpected(ref x);
            getActual(ref y);
            assert(x, y, row);
        };
    }

    private static bool Close(float expected, float actual) =>
        (float.IsNaN(expected) && float.IsNaN(actual)) || Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected));
}
