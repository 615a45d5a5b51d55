namespace Vae.MLNet.Cli;

/// <summary>
/// Rows for benchmarks that anyone can regenerate: a mixture of three Gaussians on a random 4-dimensional subspace
/// of D dimensions plus noise, with 1% planted anomalies drawn uniformly from a wider box.
/// </summary>
internal sealed class SyntheticData
{
    private SyntheticData(float[] features, bool[] anomalies, int dimension)
    {
        Features = features;
        Anomalies = anomalies;
        Dimension = dimension;
    }

    /// <summary>Row-major [Rows × Dimension].</summary>
    public float[] Features { get; }

    public bool[] Anomalies { get; }

    public int Dimension { get; }

    public int Rows => Anomalies.Length;

    public static SyntheticData GaussianMixture(int rows, int dimension, int seed)
    {
        var random = new Random(seed);
        const int subspace = 4;
        var basis = Enumerable.Range(0, subspace * dimension).Select(_ => (float)Normal(random)).ToArray();
        var centres = Enumerable.Range(0, 3 * subspace).Select(_ => (float)(3 * Normal(random))).ToArray();
        var features = new float[(long)rows * dimension <= int.MaxValue ? rows * dimension : throw new ArgumentOutOfRangeException(nameof(rows), "rows × features must fit in one array")];
        var anomalies = new bool[rows];
        var code = new float[subspace];
        for (int r = 0; r < rows; r++)
        {
            var row = features.AsSpan(r * dimension, dimension);
            anomalies[r] = random.NextDouble() < 0.01;
            if (anomalies[r])
            {
                for (int j = 0; j < dimension; j++)
                    row[j] = (float)(random.NextDouble() * 16 - 8);
                continue;
            }
            int component = random.Next(3);
            for (int s = 0; s < subspace; s++)
                code[s] = centres[component * subspace + s] + (float)Normal(random);
            for (int j = 0; j < dimension; j++)
            {
                float value = (float)(0.1 * Normal(random));
                for (int s = 0; s < subspace; s++)
                    value += code[s] * basis[s * dimension + j];
                row[j] = value;
            }
        }
        return new SyntheticData(features, anomalies, dimension);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
