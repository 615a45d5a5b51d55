// A split file of the shared data sets (header, feature columns, then Label: 1 = anomaly), read for the scripts that
// include it with `#:include lib/Table.cs`. An empty feature cell is a missing value, NaN, as ML.NET's TextLoader reads
// it into a Single column; statistics skip it.
using System.Globalization;

/// <summary>The rows of one split file: raw feature values (NaN where a cell is empty) and labels.</summary>
sealed record Table(string[] Header, float[][] X, bool[] Y)
{
    public int Features => Header.Length - 1;

    public static Table Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        if (header[^1] != "Label")
            throw new InvalidDataException($"{path}: the last column is '{header[^1]}', not Label.");
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select((l, i) =>
        {
            var cells = l.Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}: data row {i + 1} has {cells.Length} cells but the header has {header.Length}.");
            return cells.Select(c => c.Length == 0 ? float.NaN : float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        }).ToArray();
        return new Table(header, rows.Select(r => r[..^1]).ToArray(), rows.Select(r => r[^1] > 0).ToArray());
    }

    /// <summary>
    /// Each column's mean and standard deviation (n - 1) over its observed cells; a column with no spread gets 1, so
    /// that z-scoring leaves it at 0; a column with no observed cell gets mean 0, as ReplaceMissingValues' default.
    /// </summary>
    public (float[] Mean, float[] Sd) Stats()
    {
        int d = Features; var m = new float[d]; var s = new float[d];
        for (int j = 0; j < d; j++)
        {
            double sum = 0; int n = 0;
            foreach (var r in X) if (!float.IsNaN(r[j])) { sum += r[j]; n++; }
            double mean = n > 0 ? sum / n : 0;
            double ss = 0;
            foreach (var r in X) if (!float.IsNaN(r[j])) ss += (r[j] - mean) * (r[j] - mean);
            double var = ss / Math.Max(1, n - 1);
            m[j] = (float)mean; s[j] = var > 0 ? (float)Math.Sqrt(var) : 1f;
        }
        return (m, s);
    }

    /// <summary>
    /// The protocol's split <paramref name="splits"/>/NAME/seedS/{train,test}.csv, both z-scored with the training
    /// rows' statistics: the training rows, the test rows, the test labels and the feature count.
    /// </summary>
    public static (float[][] Train, float[][] Test, bool[] TestLabels, int Features) ReadSplit(string splits, string name, int seed)
    {
        var train = Read($"{splits}/{name}/seed{seed}/train.csv");
        var test = Read($"{splits}/{name}/seed{seed}/test.csv");
        var (mean, sd) = train.Stats();
        return (train.Z(mean, sd), test.Z(mean, sd), test.Y, train.Features);
    }

    /// <summary>
    /// The rows a per-row research dump writes (scripts/research/q19_analyze.py reads them): the test rows, labelled 1
    /// (anomaly) or 0, then the training rows, labelled -1.
    /// </summary>
    public static (float[][] Rows, int[] Labels) DumpRows(float[][] train, float[][] test, bool[] testLabels) =>
        (test.Concat(train).ToArray(), testLabels.Select(v => v ? 1 : 0).Concat(train.Select(_ => -1)).ToArray());

    /// <summary>The rows z-scored with <paramref name="mean"/> and <paramref name="sd"/>; NaN stays NaN.</summary>
    public float[][] Z(float[] mean, float[] sd) => X.Select(r => r.Select((v, j) => (v - mean[j]) / sd[j]).ToArray()).ToArray();
}
