#!/usr/bin/env dotnet
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/Table.cs
#:include ../lib/Detectors.cs
#:include ../lib/FeatureView.cs
#:property PublishAot=false
// The aggregate posterior's bandwidth (the generalization issue): the default detector per data set and seed 0-2, then
// the same model scored with its training codes' variances widened, v' = v + h², by a Scott-like bandwidth per latent
// dimension h_j = a · sd_j(code means) · M^(-1/(k+4)) (a in 0.25, 0.5, 1), or scaled, v' = s·v (s in 0.25, 0.5, 2, 4, or the s of 0.25 to 16 that maximizes the codes' leave-one-out
// log-likelihood under the others' mixture: a bandwidth chosen without labels). Writes, for
// every test row (label 0/1) and training row (label -1), the score of each variant and kNN (k = 5; 6 on training rows).
//   dotnet run -c Release --file scripts/research/q19_bandwidth.cs -- SPLITS "DATASETS" OUTDIR
using System.Globalization;
using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
var datasets = args[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
string outDir = args[2];
var inv = CultureInfo.InvariantCulture;
var variants = new (string Name, Func<LatentCodes, LatentCodes> Widen)[]
{
    ("def", c => c),
    ("scott0.25", c => Scott(c, 0.25)), ("scott0.5", c => Scott(c, 0.5)), ("scott1", c => Scott(c, 1)),
    ("mult2", c => Scaled(c, 2)), ("mult4", c => Scaled(c, 4)), ("mult0.5", c => Scaled(c, 0.5)), ("mult0.25", c => Scaled(c, 0.25)),
    ("looS", c => Scaled(c, LooScale(c))),
};
Directory.CreateDirectory(outDir);
foreach (var d in datasets)
for (int seed = 0; seed < 3; seed++)
{
    var (xtr, xte, yte, D) = Table.ReadSplit(splits, d, seed);
    var ml = new MLContext(seed);
    var opts = new VaeAnomalyDetectionTrainer.Options { Seed = seed, Threshold = 0f, MinimumHeldOutCalibrationRows = 1, CalibrationFolds = 2, Threads = 1 };
    var t = ml.AnomalyDetection.Trainers.Vae(opts).Fit(FeatureView.Of(ml, xtr, D));
    var m = t.Model;
    var (x, y) = Table.DumpRows(xtr, xte, yte);
    var columns = variants.Select(v =>
    {
        var widened = new VaeModel(m.Activation, m.Likelihood, m.EncoderLayers, m.MeanLayer, m.LogVarianceLayer, m.DecoderLayers,
            m.OutputLayer, m.OutputLogVariance, v.Widen(m.TrainingCodes!), m.MissingValues, m.InputLayout, m.MinorComponents);
        return FeatureView.Scores(new VaeAnomalyDetectionTransformer(widened, "Features", 0f, scoring: t.Scoring), ml, x, D);
    }).ToArray();
    string path = $"{outDir}/{d}.seed{seed}.tsv";
    using (var w = new StreamWriter(path + ".tmp"))
    {
        w.WriteLine($"# D={D} ntrain={xtr.Length} codes={m.TrainingCodes!.Count}");
        w.WriteLine("y\t" + string.Join('\t', variants.Select(v => v.Name)) + "\tknn");
        for (int i = 0; i < x.Length; i++)
            w.WriteLine($"{y[i]}\t" + string.Join('\t', columns.Select(c => c[i].ToString("G7", inv))) + "\t" + Detectors.Knn(xtr, x[i], y[i] < 0 ? 6 : 5).ToString("G7", inv));
    }
    File.Move(path + ".tmp", path, overwrite: true);
    Console.WriteLine($"{d} {seed} D={D} n={xtr.Length}");
}

static LatentCodes Scott(LatentCodes c, double a)
{
    int k = c.LatentDimension, n = c.Count;
    var lv = c.LogVariances.ToArray();
    double shrink = Math.Pow(n, -1.0 / (k + 4));
    for (int j = 0; j < k; j++)
    {
        double mean = 0, sq = 0;
        for (int i = 0; i < n; i++) mean += c.Means[i * k + j];
        mean /= n;
        for (int i = 0; i < n; i++) sq += Math.Pow(c.Means[i * k + j] - mean, 2);
        double h = a * Math.Sqrt(sq / n) * shrink;
        for (int i = 0; i < n; i++) lv[i * k + j] = (float)Math.Log(Math.Exp(lv[i * k + j]) + h * h);
    }
    return new LatentCodes(k, c.Means, lv);
}

static LatentCodes Scaled(LatentCodes c, double s) => new(c.LatentDimension, c.Means, c.LogVariances.Select(v => (float)(v + Math.Log(s))).ToArray());

/// <summary>The scale s in 0.25·2^i (i = 0..6) under which the codes' means are likeliest under the other codes' mixture.</summary>
static double LooScale(LatentCodes c)
{
    int k = c.LatentDimension, n = c.Count;
    double best = 1, bestLl = double.NegativeInfinity;
    for (int i = 0; i <= 6; i++)
    {
        double s = 0.25 * Math.Pow(2, i), ll = 0;
        var logTerms = new double[n];
        for (int a = 0; a < n; a++)
        {
            double max = double.NegativeInfinity;
            for (int b = 0; b < n; b++)
            {
                if (b == a) { logTerms[b] = double.NegativeInfinity; continue; }
                double t = 0;
                for (int j = 0; j < k; j++)
                {
                    double v = s * Math.Exp(c.LogVariances[b * k + j]), dlt = c.Means[a * k + j] - c.Means[b * k + j];
                    t -= 0.5 * (dlt * dlt / v + Math.Log(v));
                }
                logTerms[b] = t; if (t > max) max = t;
            }
            double sum = 0; for (int b = 0; b < n; b++) sum += Math.Exp(logTerms[b] - max);
            ll += max + Math.Log(sum);
        }
        if (ll > bestLl) { bestLl = ll; best = s; }
    }
    Console.WriteLine($"  looS {best}");
    return best;
}
