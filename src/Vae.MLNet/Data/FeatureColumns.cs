using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// The schema side of a VAE's input columns: which kind each column is, inferred from its ML.NET type as ML.NET's
/// trainers infer from types (<see cref="VaeInputKind"/>), and whether data matches a trained model's layout.
/// </summary>
internal static class FeatureColumns
{
    /// <summary>The layout of <paramref name="names"/> in <paramref name="schema"/>, each column's kind from its type.</summary>
    public static VaeInputLayout Infer(DataViewSchema schema, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Column '{twice.Key}' is named twice among the feature columns; a VAE reads each column once.", nameof(names));
        return new VaeInputLayout(names.Select(name => Describe(schema, name)));
    }

    /// <summary>
    /// Checks that <paramref name="schema"/> holds <paramref name="names"/> as <paramref name="layout"/> describes them
    /// (the first name in place of the layout's first column): same kind, slots and categories.
    /// </summary>
    public static void Check(DataViewSchema schema, IReadOnlyList<string> names, VaeInputLayout layout)
    {
        for (int i = 0; i < names.Count; i++)
        {
            var actual = Describe(schema, names[i]);
            var expected = layout.Columns[i];
            string name = names[i];
            if (actual.Kind != expected.Kind)
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Feature column '{name}' is {Describe(actual)}, but the model was trained on {Describe(expected)}.");
            if (actual.Slots != expected.Slots)
                throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{name}' has {actual.Slots} features, but the model was trained on {expected.Slots}.");
            if (actual.Categories != expected.Categories)
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Key column '{name}' has {actual.Categories} categories, but the model was trained on {expected.Categories}: map it with the " +
                    "MapValueToKey transformer fitted with the model (fit and save them in one pipeline), so that each value keeps its key.");
        }
    }

    /// <summary>The same check of a column's type on a <see cref="SchemaShape"/>, as estimators see it before training.</summary>
    public static void CheckShape(SchemaShape shape, string columnName)
    {
        var matches = shape.Where(c => c.Name == columnName).ToArray();
        if (matches.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(columnName), $"Feature column '{columnName}' not found in the input schema.");
        var column = matches[^1];
        bool known = column.Kind != SchemaShape.Column.VectorKind.VariableVector;
        bool single = column.ItemType == NumberDataViewType.Single && !column.IsKey;
        // A SchemaShape gives a key column's raw type as its item type.
        bool key = column.IsKey && column.ItemType == NumberDataViewType.UInt32;
        if (!known || !(single || column.ItemType is BooleanDataViewType || key))
            throw new ArgumentOutOfRangeException(nameof(columnName), $"{TypeRule(columnName)}, but it is a {Describe(column)}.");
    }

    /// <summary>The column <paramref name="name"/> of <paramref name="schema"/> as a VAE input column.</summary>
    private static VaeInputColumn Describe(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' not found in the input schema.");
        var (item, size) = column.Type is VectorDataViewType vector ? (vector.ItemType, vector.Size) : (column.Type, 1);
        if (size == 0)
            throw new ArgumentOutOfRangeException(nameof(name), $"{TypeRule(name)}, but its type is {column.Type}.");
        return item switch
        {
            NumberDataViewType n when n == NumberDataViewType.Single => new VaeInputColumn(name, VaeInputKind.Real, size),
            BooleanDataViewType => new VaeInputColumn(name, VaeInputKind.Binary, size),
            KeyDataViewType { RawType: var raw, Count: var count } when raw == typeof(uint) && count > 0 => count <= VaeInputColumn.MaximumCategories
                ? new VaeInputColumn(name, VaeInputKind.Categorical, size, (int)count)
                : throw new ArgumentOutOfRangeException(nameof(name),
                    $"Key column '{name}' has {count} categories; a VAE models at most {VaeInputColumn.MaximumCategories} per key column (each is a softmax output). " +
                    "Group rare values first (e.g. MapValueToKey with maximumNumberOfKeys), or drop an identifier-like column."),
            _ => throw new ArgumentOutOfRangeException(nameof(name), $"{TypeRule(name)}, but its type is {column.Type}."),
        };
    }

    private static string TypeRule(string name) =>
        $"Feature column '{name}' must be a known-size vector of Single, of Boolean or of a key type over UInt32 with a known count (MapValueToKey), or one such value";

    private static string Describe(VaeInputColumn column) => column.Kind switch
    {
        VaeInputKind.Real => "real-valued (Single)",
        VaeInputKind.Binary => "Boolean",
        _ => $"a key of {column.Categories} categories",
    };

    private static string Describe(SchemaShape.Column column) => column.Kind switch
    {
        SchemaShape.Column.VectorKind.Scalar => $"scalar {column.ItemType}",
        SchemaShape.Column.VectorKind.VariableVector => $"variable-size vector of {column.ItemType}",
        _ => $"vector of {column.ItemType}{(column.IsKey ? " (key)" : "")}",
    };
}
