using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Benchmarks;

/// <summary>Seeded rows and a VAE of the benchmark's shape (30 features, hidden 64, latent 8) with random weights.</summary>
internal static class BenchmarkData
{
    public const int Features = 30;

    public sealed class Row
    {
        [VectorType(BenchmarkData.Features)]
        public float[] Features { get; set; } = [];
    }

    public static Row[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => new Row { Features = Enumerable.Range(0, Features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray() })
            .ToArray();
    }

    public static VaeModel RandomModel(int seed)
    {
        var random = new Random(seed);
        DenseLayer Layer(int inputs, int outputs) => new(inputs, outputs,
            Enumerable.Range(0, inputs * outputs).Select(_ => (float)((random.NextDouble() - 0.5) / Math.Sqrt(inputs))).ToArray(),
            new float[outputs]);
        return new VaeModel(VaeActivation.Relu, VaeLikelihood.Gaussian, [Layer(Features, 64)], Layer(64, 8), Layer(64, 8),
            [Layer(8, 64)], Layer(64, Features), new float[Features]);
    }
}
