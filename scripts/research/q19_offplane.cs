#!/usr/bin/env dotnet
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/Detectors.cs
#:include ../lib/FeatureView.cs
#:property PublishAot=false
// The held-out suite's third losing shape, synthetic (the generalization issue): normal rows near an m-dimensional
// linear subspace of D dimensions (a seeded random orthonormal basis, unit-variance coordinates, isotropic noise s),
// anomalies displaced by `off` noise widths along a random direction orthogonal to the subspace (so within the normal
// rows' range of every feature). Rows z-scored with the training rows' statistics. One default detector per
// configuration and seed (0-2), scored with the minor-component weight v; AUROC per v, mean over seeds.
//   dotnet run -c Release --file scripts/research/q19_offplane.cs -- "0 0.05 0.1 0.2 0.3 0.5"
using System.Globalization;
using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Training;

var weights = args[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var configs = new (int D, int M, double Noise, double Off, int Rows)[]
{
    (6, 2, 0.05, 6, 1000), (6, 2, 0.05, 10, 300), (9, 3, 0.1, 6, 500), (9, 5, 0.2, 4, 500), (20, 5, 0.1, 6, 1000), (8, 6, 0.1, 5, 300),
};
Console.WriteLine("D M noise off rows | " + string.Join(' ', weights.Select(v => $"v={v}")));
foreach (var c in configs)
{
    var sums = new double[weights.Length];
    for (int seed = 0; seed < 3; seed++)
    {
        var rnd = new Random(1000 * seed + c.D * 31 + c.M);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rnd.NextDouble())) * Math.Cos(2 * Math.PI * rnd.NextDouble());
        var basis = GramSchmidt(Enumerable.Range(0, c.D).Select(_ => Enumerable.Range(0, c.D).Select(_ => Normal()).ToArray()).ToArray());
        float[] Row(bool anomaly)
        {
            var x = new double[c.D];
            for (int i = 0; i < c.M; i++) { double a = Normal(); for (int j = 0; j < c.D; j++) x[j] += a * basis[i][j]; }
            for (int j = 0; j < c.D; j++) x[j] += c.Noise * Normal();
            if (anomaly)
            {
                // a random unit direction in the orthogonal complement
                var dir = new double[c.D];
                for (int i = c.M; i < c.D; i++) { double a = Normal(); for (int j = 0; j < c.D; j++) dir[j] += a * basis[i][j]; }
                double n = Math.Sqrt(dir.Sum(v => v * v));
                for (int j = 0; j < c.D; j++) x[j] += c.Off * c.Noise * dir[j] / n;
            }
            return x.Select(v => (float)v).ToArray();
        }
        var train = Enumerable.Range(0, c.Rows).Select(_ => Row(false)).ToArray();
        var labels = Enumerable.Range(0, 550).Select(i => i >= 500).ToArray();
        var test = labels.Select(Row).ToArray();
        var mean = Enumerable.Range(0, c.D).Select(j => train.Average(r => r[j])).ToArray();
        var sd = Enumerable.Range(0, c.D).Select(j => Math.Sqrt(train.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])))).ToArray();
        float[][] Z(float[][] rows) => rows.Select(r => r.Select((v, j) => (float)((v - mean[j]) / sd[j])).ToArray()).ToArray();
        var ml = new MLContext(seed);
        var t = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Seed = seed, Threshold = 0f, Calibration = VaeCalibration.HeldOut, MinimumHeldOutCalibrationRows = 1, Threads = 1 })
            .Fit(FeatureView.Of(ml, Z(train), c.D));
        for (int k = 0; k < weights.Length; k++)
        {
            var scorer = new VaeAnomalyDetectionTransformer(t.Model, "Features", 0f, scoring: t.Scoring with { MinorComponentWeight = weights[k] });
            sums[k] += Detectors.Auc(FeatureView.Scores(scorer, ml, Z(test), c.D), labels);
        }
    }
    Console.WriteLine($"{c.D} {c.M} {c.Noise} {c.Off} {c.Rows} | " + string.Join(' ', sums.Select(s => (s / 3).ToString("F4", CultureInfo.InvariantCulture))));
}

static double[][] GramSchmidt(double[][] v)
{
    var q = new List<double[]>();
    foreach (var u in v)
    {
        var w = (double[])u.Clone();
        foreach (var e in q) { double dot = w.Zip(e, (a, b) => a * b).Sum(); for (int j = 0; j < w.Length; j++) w[j] -= dot * e[j]; }
        double n = Math.Sqrt(w.Sum(x => x * x));
        q.Add(w.Select(x => x / n).ToArray());
    }
    return q.ToArray();
}
