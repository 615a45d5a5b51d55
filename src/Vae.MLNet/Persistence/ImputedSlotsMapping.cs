using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet;

/// <summary>
/// The glue saved after the ONNX part of an imputer of mixed columns, which turns each graph output, a Single vector of
/// a column's filled slots, into the column's own type: a real column copied, a key column mapped by
/// <c>MapValueToKey</c> over the numbers 1 to K (so the key of number k is k), and a one-slot column first made a
/// scalar by this stateless mapping, as ML.NET's OnnxTransformer gives a one-value output as a vector of one.
/// </summary>
/// <remarks>
/// A custom mapping's columns are its classes' properties, whatever the names given at saving (they are not saved):
/// hence the fixed names <see cref="SlotColumn"/> and <see cref="ValueColumn"/>, which the steps copy in and out of.
/// The loaded key column's key values are the numbers 1 to K, not the input's (ML.NET's public components cannot
/// carry annotations across): <c>LoadWithBatchedScoring</c> gives the imputer back, which keeps them.
/// </remarks>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class ImputedSlotsMapping : CustomMappingFactory<ImputedSlotsMapping.Slot, ImputedSlotsMapping.Value>
{
    public const string ContractName = "Vae.MLNet.ImputedSlot";

    /// <summary>The one-slot vector the mapping reads.</summary>
    public const string SlotColumn = nameof(Slot.VaeImputedSlot);

    /// <summary>The scalar the mapping writes.</summary>
    public const string ValueColumn = nameof(Value.VaeImputedValue);

    public override Action<Slot, Value> GetMapping() => Map;

    public static void Map(Slot input, Value output) => output.VaeImputedValue = input.VaeImputedSlot[0];

    /// <summary>
    /// The fitted steps that write <paramref name="name"/>, of <paramref name="column"/>'s type, from the graph output
    /// <paramref name="graphOutput"/> of <paramref name="data"/>, which becomes their output; the temporary columns they
    /// add are listed in <paramref name="temporaries"/>.
    /// </summary>
    public static IEnumerable<ITransformer> Steps(MLContext ml, string name, string graphOutput, VaeInputColumn column, ISet<string> temporaries,
        IDataView data, out IDataView output)
    {
        var steps = new List<ITransformer>();
        void Apply(IEstimator<ITransformer> estimator)
        {
            var step = estimator.Fit(data);
            data = step.Transform(data);
            steps.Add(step);
        }
        string source = graphOutput;
        if (column.Slots == 1)
        {
            Apply(ml.Transforms.CopyColumns(SlotColumn, graphOutput));
            Apply(ml.Transforms.CustomMapping<Slot, Value>(Map, ContractName));
            temporaries.UnionWith([SlotColumn, ValueColumn]);
            source = ValueColumn;
        }
        Apply(column.Kind == VaeInputKind.Categorical
            ? ml.Transforms.Conversion.MapValueToKey(name, source, keyData: ml.Data.LoadFromEnumerable(
                Enumerable.Range(1, column.Categories).Select(k => new Value { VaeImputedValue = k })))
            : ml.Transforms.CopyColumns(name, source));
        output = data;
        return steps;
    }

    /// <summary>The graph's one-value output.</summary>
    internal sealed class Slot
    {
        [VectorType(1)]
        public float[] VaeImputedSlot { get; set; } = [];
    }

    /// <summary>Its value as a scalar; also the rows of the key numbers 1 to K.</summary>
    internal sealed class Value
    {
        public float VaeImputedValue { get; set; }
    }
}
