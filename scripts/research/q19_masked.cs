#!/usr/bin/env dotnet
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/Table.cs
#:include ../lib/FeatureView.cs
#:property PublishAot=false
// Masked-cell modelling (MCM-like, docs/quality.md "Masked cells"): train with MissingValues = Model and, in a
// worktree with q19_masked_training.patch applied, VAE_RESEARCH_MASK_RATE = p hiding each observed cell of every
// mini-batch with probability p from the encoder (the loss still reconstructs every observed cell). Then write, per
// row (training rows label -1), the product's score of the complete row (def), the reconstruction NLL at z = mu
// (recon), and with K random masks hiding each cell with probability SCOREMASK, the decoder's Gaussian NLL of every
// cell given the masked row (mcm) and of the hidden cells only, scaled to D cells (mcmm), averaged over the masks.
//   git worktree add ../mcm && cd ../mcm && git apply scripts/research/q19_masked_training.patch
//   VAE_RESEARCH_MASK_RATE=0.1 dotnet run -c Release --file scripts/research/q19_masked.cs -- SPLITS "DATASETS" OUTDIR NAME SCOREMASK K
//   python3 scripts/research/q19_masked_report.py OUTDIR NAME DEFAULT_SCORES_DIR
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
var datasets = args[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
string outDir = args[2];
string name = args[3];
double scoreMask = double.Parse(args[4], CultureInfo.InvariantCulture);
int K = int.Parse(args[5]);
var inv = CultureInfo.InvariantCulture;
foreach (var d in datasets)
for (int seed = 0; seed < 3; seed++)
{
    var (xtr, xte, yte, D) = Table.ReadSplit(splits, d, seed);
    var ml = new MLContext(seed);
    var opts = new VaeAnomalyDetectionTrainer.Options
    {
        Seed = seed, Threshold = 0f, Calibration = VaeCalibration.Automatic, MinimumHeldOutCalibrationRows = 1, CalibrationFolds = 2, Threads = 1,
        MissingValues = VaeMissingValues.Model,
    };
    var watch = Stopwatch.StartNew();
    var t = ml.AnomalyDetection.Trainers.Vae(opts).Fit(FeatureView.Of(ml, xtr, D));
    double seconds = watch.Elapsed.TotalSeconds;
    var model = t.Model;
    var (x, y) = Table.DumpRows(xtr, xte, yte);
    double[] def = FeatureView.Scores(t, ml, x, D);
    var logv = model.OutputLogVariance;
    double Nll(float[] row, float[] rec, bool[]? only)
    {
        double s = 0; int c = 0;
        for (int j = 0; j < D; j++) { if (only != null && !only[j]) continue; double e = row[j] - rec[j]; s += 0.5 * (e * e / Math.Exp(logv[j]) + logv[j]); c++; }
        return only == null ? s : (c == 0 ? 0 : s * D / c);
    }
    var full = model.Decode(model.Encode(x));
    var mcm = new double[x.Length]; var mcmMasked = new double[x.Length];
    for (int k = 0; k < K; k++)
    {
        var masks = new bool[x.Length][];
        var masked = new float[x.Length][];
        for (int i = 0; i < x.Length; i++)
        {
            var rng = new Random(HashCode.Combine(i, k, 12345));
            masks[i] = new bool[D]; masked[i] = (float[])x[i].Clone();
            int hidden = 0;
            for (int j = 0; j < D; j++) if (rng.NextDouble() < scoreMask) { masks[i][j] = true; hidden++; }
            if (hidden == D) masks[i][rng.Next(D)] = false;
            if (hidden == 0) masks[i][rng.Next(D)] = true;
            for (int j = 0; j < D; j++) if (masks[i][j]) masked[i][j] = float.NaN;
        }
        var rec = model.Decode(model.Encode(masked));
        for (int i = 0; i < x.Length; i++) { mcm[i] += Nll(x[i], rec[i], null) / K; mcmMasked[i] += Nll(x[i], rec[i], masks[i]) / K; }
    }
    Directory.CreateDirectory($"{outDir}/{name}");
    string path = $"{outDir}/{name}/{d}.seed{seed}.tsv";
    var w = new StreamWriter(path + ".tmp");
    w.WriteLine($"# D={D} ntrain={xtr.Length} seconds={seconds.ToString("F2", inv)}");
    w.WriteLine("y\tdef\trecon\tmcm\tmcmm");
    for (int i = 0; i < x.Length; i++)
        w.WriteLine($"{y[i]}\t{def[i].ToString("G7", inv)}\t{Nll(x[i], full[i], null).ToString("G7", inv)}\t{mcm[i].ToString("G7", inv)}\t{mcmMasked[i].ToString("G7", inv)}");
    w.Dispose();
    File.Move(path + ".tmp", path, overwrite: true);
    Console.WriteLine($"{name} {d} {seed} D={D} n={xtr.Length} {seconds:F2}s");
}
