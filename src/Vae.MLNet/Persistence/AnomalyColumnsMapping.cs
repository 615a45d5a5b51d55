using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Vae.MLNet;

/// <summary>
/// The stateless glue saved after the ONNX part of an anomaly detector: ML.NET's OnnxTransformer turns the graph's
/// [N] outputs into one-slot vectors, and <c>mlContext.AnomalyDetection.Evaluate</c> needs scalars.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class AnomalyColumnsMapping : CustomMappingFactory<AnomalyColumnsMapping.OnnxColumns, AnomalyColumnsMapping.Columns>
{
    public const string ContractName = "Vae.MLNet.AnomalyColumns";

    public override Action<OnnxColumns, Columns> GetMapping() => Map;

    public static void Map(OnnxColumns input, Columns output)
    {
        output.Score = input.Score[0];
        output.PredictedLabel = input.PredictedLabel[0];
    }

    internal sealed class OnnxColumns
    {
        [VectorType(1)]
        public float[] Score { get; set; } = [];

        [VectorType(1)]
        public bool[] PredictedLabel { get; set; } = [];
    }

    internal sealed class Columns
    {
        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
