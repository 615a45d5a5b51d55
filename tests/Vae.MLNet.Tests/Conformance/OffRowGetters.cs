using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>
/// A cursor's getters asked for a value when the cursor is on no row, before its first row or after its last: ML.NET's
/// cursors refuse with <see cref="InvalidOperationException"/>. Before, the VAE's cursor failed with an
/// IndexOutOfRangeException before the first row and gave the last row's values after the last.
/// </summary>
internal static class OffRowGetters
{
    private static readonly MethodInfo ReaderOfType = typeof(OffRowGetters).GetMethod(nameof(Reader), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Asserts that every visible column of <paramref name="view"/> (at least one row) refuses a read off a row, and reads on every row.</summary>
    public static void AssertRefused(IDataView view, string what)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        var reads = view.Schema.Where(column => !column.IsHidden)
            .Select(column => (column.Name, Read: (Action)ReaderOfType.MakeGenericMethod(column.Type.RawType).Invoke(null, [cursor, column])!))
            .Append(("row id", IdReader(cursor)))
            .ToArray();
        AssertEachRefused("before the first row");
        int rows = 0;
        for (; cursor.MoveNext(); rows++)
            foreach (var (_, read) in reads)
                read();
        Assert.True(rows > 0, $"{what}: the view has no row");
        AssertEachRefused("after the last row");

        void AssertEachRefused(string when)
        {
            foreach (var (name, read) in reads)
                Assert.True(Record.Exception(read) is InvalidOperationException, $"{what}: column {name} {when} did not throw InvalidOperationException");
        }
    }

    private static Action Reader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        return () => getter(ref value);
    }

    private static Action IdReader(DataViewRowCursor cursor)
    {
        var getter = cursor.GetIdGetter();
        DataViewRowId id = default;
        return () => getter(ref id);
    }
}
