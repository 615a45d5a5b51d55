using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet;

/// <summary>
/// The stateless glue saved after a detector's <see cref="AnomalyColumnsMapping"/> when it adds p-values: ML.NET's
/// OnnxTransformer gives the graph's [N] p-value output as a one-slot vector, and users read a scalar.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class PValueColumnMapping : CustomMappingFactory<PValueColumnMapping.OnnxColumn, PValueColumnMapping.Column>
{
    public const string ContractName = "Vae.MLNet.PValueColumn";

    public override Action<OnnxColumn, Column> GetMapping() => Map;

    public static void Map(OnnxColumn input, Column output) => output.PValue = input.PValue[0];

    internal sealed class OnnxColumn
    {
        [VectorType(1)]
        public float[] PValue { get; set; } = [];
    }

    internal sealed class Column
    {
        public float PValue { get; set; }
    }
}
