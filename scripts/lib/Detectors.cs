// kNN anomaly score and AUROC, shared by the scripts that include it with `#:include lib/Detectors.cs`.

static class Detectors
{
    /// <summary>kNN as ADBench's: the Euclidean distance from <paramref name="row"/> to its k-th nearest training row.</summary>
    public static double Knn(float[][] train, float[] row, int k)
    {
        var best = new SortedSet<(double, int)>();
        for (int i = 0; i < train.Length; i++)
        {
            double s = 0; var t = train[i];
            for (int j = 0; j < row.Length; j++) { double e = t[j] - row[j]; s += e * e; }
            if (best.Count < k) best.Add((s, i));
            else if (s < best.Max.Item1) { best.Remove(best.Max); best.Add((s, i)); }
        }
        return Math.Sqrt(best.Max.Item1);
    }

    /// <summary>The area under the ROC curve of scores <paramref name="s"/> (higher = more anomalous), ties at half.</summary>
    public static double Auc(double[] s, bool[] y)
    {
        var idx = Enumerable.Range(0, s.Length).OrderBy(i => s[i]).ToArray();
        double rankSum = 0; int pos = y.Count(v => v); int neg = y.Length - pos;
        int a = 0;
        while (a < idx.Length)
        {
            int b = a; while (b + 1 < idx.Length && s[idx[b + 1]] == s[idx[a]]) b++;
            double rank = (a + b) / 2.0 + 1;
            for (int i = a; i <= b; i++) if (y[idx[i]]) rankSum += rank;
            a = b + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }
}
