using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Vae.MLNet;

/// <summary>
/// The two things a third-party estimator needs from ML.NET that ML.NET 5 keeps internal: the environment behind a
/// catalog (for logging to <c>mlContext.Log</c> and seeding from the <c>MLContext</c>) and the construction of
/// <see cref="SchemaShape.Column"/>. Both are reached by reflection here and nowhere else. This folder holds every
/// dependency on ML.NET's internals (with <see cref="MLNetZipLayout"/>, <see cref="AssemblyResolution"/> and, for the
/// pipeline export, <see cref="TransformInternals"/>, which PipelineOnnxExportTests exercise), and MLNetInternalsTests
/// checks each one, so an ML.NET upgrade that changes them fails there, loudly.
/// </summary>
internal static class MLNetInternals
{
    private static readonly MethodInfo CreateShape = typeof(SchemaShape).GetMethod("Create",
            BindingFlags.Static | BindingFlags.NonPublic, [typeof(DataViewSchema)])
        ?? throw new MissingMethodException("SchemaShape.Create(DataViewSchema) not found in this version of ML.NET.");

    /// <summary>The <see cref="IHostEnvironment"/> of an ML.NET catalog, such as <c>mlContext.Transforms</c>.</summary>
    public static IHostEnvironment GetEnvironment(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var property = catalog.GetType().GetInterfaces()
            .FirstOrDefault(i => i.Name == "IInternalCatalog")?.GetProperty("Environment")
            ?? throw new MissingMemberException($"{catalog.GetType().Name} does not expose IInternalCatalog.Environment in this version of ML.NET.");
        return (IHostEnvironment)property.GetValue(catalog)!;
    }

    /// <summary>The shape of <paramref name="schema"/>, as ML.NET's pipelines pass it to <c>GetOutputSchema</c>.</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) => (SchemaShape)CreateShape.Invoke(null, [schema])!;

    /// <summary>
    /// <paramref name="input"/> with <paramref name="columns"/> added, replacing input columns of the same name; those
    /// named in <paramref name="slotNamed"/> carry a <c>SlotNames</c> annotation (a shape records its kind, not its names).
    /// </summary>
    public static SchemaShape AddColumns(SchemaShape input, IEnumerable<(string Name, DataViewType Type)> columns, IReadOnlySet<string>? slotNamed = null)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var (name, type) in columns)
            builder.AddColumn(name, type, slotNamed?.Contains(name) == true ? SlotNamesShape : null);
        var added = ShapeOf(builder.ToSchema());
        var names = added.Select(c => c.Name).ToHashSet();
        return new SchemaShape(input.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    private static readonly DataViewSchema.Annotations SlotNamesShape = BuildSlotNamesShape();

    private static DataViewSchema.Annotations BuildSlotNamesShape()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, 1),
            (ref VBuffer<ReadOnlyMemory<char>> names) => names = new VBuffer<ReadOnlyMemory<char>>(1, ["".AsMemory()]));
        return builder.ToAnnotations();
    }
}
