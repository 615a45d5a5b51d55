namespace Vae.MLNet.Tools;

/// <summary>
/// Rows for benchmarks that anyone can regenerate: a mixture of three Gaussians on a random 4-dimensional subspace
/// of D dimensions plus noise, with 1% planted anomalies drawn uniformly from a wider box. Rows come one at a time
/// from a seeded generator, so any number of them can be streamed without being stored.
/// </summary>
internal sealed class SyntheticData
{
    private const int Subspace = 4;
    private readonly Random _random;
    private readonly float[] _basis;
    private readonly float[] _centres;
    private readonly float[] _code = new float[Subspace];

    public SyntheticData(int dimension, int seed)
    {
        Dimension = dimension;
        _random = new Random(seed);
        _basis = Enumerable.Range(0, Subspace * dimension).Select(_ => (float)Normal()).ToArray();
        _centres = Enumerable.Range(0, 3 * Subspace).Select(_ => (float)(3 * Normal())).ToArray();
    }

    public int Dimension { get; }

    /// <summary>Writes the next row into <paramref name="row"/>; returns whether it is a planted anomaly.</summary>
    public bool Next(Span<float> row)
    {
        if (_random.NextDouble() < 0.01)
        {
            for (int j = 0; j < Dimension; j++)
                row[j] = (float)(_random.NextDouble() * 16 - 8);
            return true;
        }
        int component = _random.Next(3);
        for (int s = 0; s < Subspace; s++)
            _code[s] = _centres[component * Subspace + s] + (float)Normal();
        for (int j = 0; j < Dimension; j++)
        {
            float value = (float)(0.1 * Normal());
            for (int s = 0; s < Subspace; s++)
                value += _code[s] * _basis[s * Dimension + j];
            row[j] = value;
        }
        return false;
    }

    /// <summary><paramref name="rows"/> rows in one row-major array.</summary>
    public static SyntheticMatrix Matrix(int rows, int dimension, int seed)
    {
        var generator = new SyntheticData(dimension, seed);
        var features = new float[checked(rows * dimension)];
        for (int r = 0; r < rows; r++)
            generator.Next(features.AsSpan(r * dimension, dimension));
        return new SyntheticMatrix(features, rows, dimension);
    }

    private double Normal() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}

/// <summary>Generated rows held in memory: row-major [Rows × Dimension].</summary>
internal sealed record SyntheticMatrix(float[] Features, int Rows, int Dimension);
