using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tools;

/// <summary>Seeded rows and a VAE of the default network's shape (30 features, one hidden layer of 256, latent 8) with random weights.</summary>
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
        const int hidden = VaeTrainingOptions.Defaults.HiddenUnits;
        return new VaeModel(VaeActivation.Relu, VaeLikelihood.Gaussian, [Layer(Features, hidden)], Layer(hidden, 8), Layer(hidden, 8),
            [Layer(8, hidden)], Layer(hidden, Features), new float[Features]);
    }
}
