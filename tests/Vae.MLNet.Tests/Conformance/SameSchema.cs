using Microsoft.ML;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>Schema equality as ML.NET's estimator workout asks for it.</summary>
internal static class SameSchema
{
    /// <summary>
    /// Same columns in the same order, hidden ones included unless <paramref name="hiddenColumns"/> is false: names,
    /// types, visibility, the index a name looks up, and the kinds and types of their annotations, but for those of
    /// <paramref name="lostAnnotations"/> kinds, which <paramref name="actual"/> may lack.
    /// </summary>
    public static void AssertEqual(DataViewSchema expected, DataViewSchema actual, string what, bool hiddenColumns = true, IReadOnlyCollection<string>? lostAnnotations = null)
    {
        if (!hiddenColumns)
            (expected, actual) = (Visible(expected), Visible(actual));
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} columns expected, {actual.Count} found ({Names(expected)} vs {Names(actual)}).");
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.True(e.Name == a.Name, $"{what}: column {i} is '{a.Name}', expected '{e.Name}' ({Names(expected)} vs {Names(actual)}).");
            Assert.True(e.Type.Equals(a.Type), $"{what}: column '{e.Name}' is {a.Type}, expected {e.Type}.");
            Assert.True(e.IsHidden == a.IsHidden, $"{what}: column {i} '{e.Name}' hidden is {a.IsHidden}, expected {e.IsHidden}.");
            Assert.True(expected[e.Name].Index == actual[a.Name].Index, $"{what}: the name '{e.Name}' looks up different columns.");
            Assert.Equal(Annotations(e, lostAnnotations), Annotations(a, lostAnnotations));
        }
    }

    /// <summary>
    /// What an estimator promised against what its transformer delivered: the same column names, and for each the
    /// same kind (scalar, known-size or variable-size vector), item type, key-ness and annotations (ML.NET's
    /// <c>IsCompatibleWith</c> both ways; it is internal, hence <see cref="Describe"/>).
    /// </summary>
    public static void AssertEqual(SchemaShape promised, SchemaShape delivered, string what)
    {
        var p = promised.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
        var d = delivered.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
        Assert.True(p.Select(c => c.Name).SequenceEqual(d.Select(c => c.Name)),
            $"{what}: the estimator promised columns {string.Join(", ", p.Select(c => c.Name))}, the transformer delivered {string.Join(", ", d.Select(c => c.Name))}.");
        foreach (var (promise, delivery) in p.Zip(d))
            Assert.True(Describe(promise) == Describe(delivery), $"{what}: column '{promise.Name}' promised as {Describe(promise)}, delivered as {Describe(delivery)}.");
    }

    private static string Describe(SchemaShape.Column column) =>
        $"{column.Kind} of {column.ItemType}{(column.IsKey ? " (key)" : "")}, annotations [{string.Join(", ", column.Annotations.Select(Describe))}]";

    private static DataViewSchema Visible(DataViewSchema schema)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(schema.Where(c => !c.IsHidden));
        return builder.ToSchema();
    }

    private static string Names(DataViewSchema schema) => string.Join(", ", schema.Select(c => c.IsHidden ? $"({c.Name})" : c.Name));

    private static string[] Annotations(DataViewSchema.Column column, IReadOnlyCollection<string>? except) =>
        column.Annotations.Schema.Where(a => except?.Contains(a.Name) != true).Select(a => $"{column.Name}.{a.Name}: {a.Type}").ToArray();
}
