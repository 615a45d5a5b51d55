#!/usr/bin/env dotnet
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/Table.cs
#:include ../lib/Detectors.cs
#:include ../lib/FeatureView.cs
#:property PublishAot=false
// Per-row score components for the generalization issue (docs/quality.md, "Toward scores that generalize"): for each
// data set and seed 0-2, train the product's detector (threshold fixed; held-out calibration unless no row is held out:
// under 80 training rows none is, and 2 cross-fitted models are the fewest; AUROC does not depend on the threshold)
// with a latent/hidden rule, and write, for every test row (label 0/1) and
// every training row (label -1): the product's score, its reconstruction term (diagonal Gaussian NLL at z = mu, up to
// a constant), the latent term (score - reconstruction), and with "full" also kNN (k = 5; k = 6 on training rows, so
// a row is not its own neighbour) and, for every principal component of the z-scored training rows (largest first),
// (v_i . x)^2 / lambda_i and (v_i . r)^2 / lambda_i for the residual r = x - decoder(mu(x)). The analysis
// (q19_analyze.py) combines them offline. One TorchSharp thread: two on a shared 2-core machine oversubscribe it.
// Features z-scored with the training rows' statistics, as quality.sh does.
// With "codes", also kNN in the latent space (lknn: k-th nearest training code mu, k as above; lknnz: the same on codes
// standardized per dimension by the training codes) and every row's posterior mean mu(x) (columns m0, m1, ...).
// With "resid", also every row's residual x - decoder(mu(x)) (columns r0, r1, ...) and the decoder's per-feature log
// variance (a "# logv" line), for reconstruction terms computed offline; and the training rows the trainer held out
// for early stopping and calibration (a "# heldout" line: indices among the training rows, which are the dump's last
// rows), so that a variance can be estimated from rows the model did not learn. Where the trainer holds none out (under
// 80 training rows), the harness cross-fits 5 more models, each on 4/5 of the training rows (split seeded by the seed),
// and writes every training row's out-of-fold residual to NAME/DATASET.seedS.oof.tsv (columns r0, r1, ...).
//   dotnet run -c Release --file scripts/research/q19_dump.cs -- SPLITS "DATASETS" OUTDIR VARIANT [full][,codes][,resid][,beta=B][,lr=L][,bs=B][,patience=P]
// VARIANT: name=latentRule:hiddenRule[:seedOffset], latentRule 8 | third | half | N; hiddenRule 256 | N | 2d (max(32, 2D)) | 4d,
// with xK for K hidden layers of that width (256x2). Flag beta=B sets the KL weight, lr=L the learning rate (held throughout), bs=B the
// batch size, patience=P the early-stopping patience (epochs); each defaults to the product's.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
var datasets = args[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
string outDir = args[2];
var spec = args[3].Split('=');
string name = spec[0];
var rules = spec[1].Split(':');
var flags = args.Length > 4 ? args[4].Split(',') : [];
bool full = flags.Contains("full"), codes = flags.Contains("codes"), resid = flags.Contains("resid");
var inv = CultureInfo.InvariantCulture;
double Flag(string key, double fallback) => flags.FirstOrDefault(f => f.StartsWith(key + "=")) is { } f ? double.Parse(f[(key.Length + 1)..], inv) : fallback;
foreach (var d in datasets)
for (int seed = 0; seed < 3; seed++)
{
    var (xtr, xte, yte, D) = Table.ReadSplit(splits, d, seed);
    int latent = rules[0] switch
    {
        "half" => Math.Clamp(D / 2, 2, 8),
        "third" => Math.Clamp(D / 3, 2, 8),
        _ => int.Parse(rules[0]),
    };
    var hiddenRule = rules[1].Split('x');
    int layers = hiddenRule.Length > 1 ? int.Parse(hiddenRule[1]) : 1;
    int hidden = hiddenRule[0] switch
    {
        "2d" => Math.Clamp(2 * D, 32, 256),
        "4d" => Math.Clamp(4 * D, 32, 256),
        _ => int.Parse(hiddenRule[0]),
    };
    int seedOffset = rules.Length > 2 ? int.Parse(rules[2]) : 0;
    var ml = new MLContext(seed + seedOffset);
    var opts = new VaeAnomalyDetectionTrainer.Options
    {
        Seed = seed + seedOffset, LatentDimension = latent, HiddenLayerSizes = Enumerable.Repeat(hidden, layers).ToArray(),
        Beta = Flag("beta", VaeTrainingOptions.Defaults.Beta), LearningRate = flags.Any(f => f.StartsWith("lr=")) ? Flag("lr", 0) : null,
        BatchSize = (int)Flag("bs", VaeTrainingOptions.Defaults.BatchSize), EarlyStoppingPatience = (int)Flag("patience", VaeTrainingOptions.Defaults.EarlyStoppingPatience),
        Threshold = 0f, Calibration = VaeCalibration.Automatic, MinimumHeldOutCalibrationRows = 1, CalibrationFolds = 2, Threads = 1,
    };
    var trainView = FeatureView.Of(ml, xtr, D);
    var watch = Stopwatch.StartNew();
    var t = ml.AnomalyDetection.Trainers.Vae(opts).Fit(trainView);
    double seconds = watch.Elapsed.TotalSeconds;
    var model = t.Model;
    var (x, y) = Table.DumpRows(xtr, xte, yte);
    double[] def = FeatureView.Scores(t, ml, x, D);
    var mu = model.Encode(x);
    var xh = model.Decode(mu);
    // Codes of the training rows (the last rows of x), raw and per dimension standardized, for latent kNN distances.
    var muTrain = mu[^xtr.Length..];
    var muMean = Enumerable.Range(0, latent).Select(j => muTrain.Average(m => m[j])).ToArray();
    var muSd = Enumerable.Range(0, latent).Select(j => Math.Sqrt(muTrain.Average(m => (m[j] - muMean[j]) * (m[j] - muMean[j]))) + 1e-6).ToArray();
    float[] Zmu(float[] m) => m.Select((v, j) => (float)((v - muMean[j]) / muSd[j])).ToArray();
    var muTrainZ = muTrain.Select(Zmu).ToArray();
    var logv = model.OutputLogVariance;
    var r = x.Select((row, i) => row.Select((v, j) => (double)v - xh[i][j]).ToArray()).ToArray();
    double[] recon = r.Select(v => { double s = 0; for (int j = 0; j < D; j++) s += 0.5 * (v[j] * v[j] / Math.Exp(logv[j]) + logv[j]); return s; }).ToArray();
    Directory.CreateDirectory($"{outDir}/{name}");
    string path = $"{outDir}/{name}/{d}.seed{seed}.tsv";
    var w = new StreamWriter(path + ".tmp");
    w.WriteLine($"# D={D} ntrain={xtr.Length} latent={latent} hidden={hidden} seconds={seconds.ToString("F2", inv)}");
    Pca? pca = full ? new Pca(xtr) : null;
    if (resid)
    {
        w.WriteLine("# logv " + string.Join(' ', logv!.Select(v => v.ToString("G6", inv))));
        var heldOut = HeldOut.Rows(xtr, seed + seedOffset, opts.ValidationFraction);
        w.WriteLine("# heldout " + string.Join(' ', heldOut));
        if (heldOut.Length == 0) HeldOut.WriteOutOfFold($"{outDir}/{name}/{d}.seed{seed}.oof.tsv", xtr, D, opts, seed + seedOffset);
    }
    if (pca != null) w.WriteLine("# eig " + string.Join(' ', pca.Values.Select(v => v.ToString("G6", inv))));
    w.WriteLine("y\tdef\trecon\tlat" + (full ? "\tknn" + string.Concat(Enumerable.Range(0, D).Select(i => $"\tp{i}")) + string.Concat(Enumerable.Range(0, D).Select(i => $"\tq{i}")) : "")
        + (codes ? "\tlknn\tlknnz" + string.Concat(Enumerable.Range(0, latent).Select(i => $"\tm{i}")) : "")
        + (resid ? string.Concat(Enumerable.Range(0, D).Select(i => $"\tr{i}")) : ""));
    for (int i = 0; i < x.Length; i++)
    {
        var line = new System.Text.StringBuilder();
        line.Append(y[i]).Append('\t').Append(def[i].ToString("G7", inv)).Append('\t').Append(recon[i].ToString("G7", inv)).Append('\t').Append((def[i] - recon[i]).ToString("G7", inv));
        if (pca != null)
        {
            double knn = Detectors.Knn(xtr, x[i], y[i] < 0 ? 6 : 5);
            line.Append('\t').Append(knn.ToString("G7", inv));
            foreach (var p in pca.Project(x[i].Select(v => (double)v).ToArray())) line.Append('\t').Append(p.ToString("G6", inv));
            foreach (var p in pca.Project(r[i])) line.Append('\t').Append(p.ToString("G6", inv));
        }
        if (codes)
        {
            int k = y[i] < 0 ? 6 : 5;
            line.Append('\t').Append(Detectors.Knn(muTrain, mu[i], k).ToString("G7", inv)).Append('\t').Append(Detectors.Knn(muTrainZ, Zmu(mu[i]), k).ToString("G7", inv));
            foreach (var m in mu[i]) line.Append('\t').Append(m.ToString("G6", inv));
        }
        if (resid) foreach (var v in r[i]) line.Append('\t').Append(v.ToString("G6", inv));
        w.WriteLine(line);
    }
    w.Dispose();
    File.Move(path + ".tmp", path, overwrite: true);  // complete files only, for an analysis run alongside
    Console.WriteLine($"{name} {d} {seed} D={D} n={xtr.Length} latent={latent} hidden={hidden} {seconds:F2}s");
}



/// <summary>Which training rows the trainer holds out, and out-of-fold residuals where it holds none out.</summary>
static class HeldOut
{
    /// <summary>
    /// The training rows (indices) the trainer holds out for early stopping and calibration: its own split, RowGroups
    /// (internal to the library, so called by reflection rather than copied, to stay the trainer's split if it changes)
    /// seeded by the seed, cut at the group boundary nearest the validation fraction, none when either side would
    /// have fewer than 8 rows (VaeTrainer.HeldOutCount).
    /// </summary>
    public static long[] Rows(float[][] xtr, int seed, double fraction)
    {
        int n = xtr.Length, d = xtr[0].Length;
        var type = typeof(VaeAnomalyDetectionTrainer).Assembly.GetType("Vae.MLNet.Training.RowGroups", throwOnError: true)!;
        var groups = type.GetMethod("Shuffled")!.Invoke(null, [xtr.SelectMany(r => r).ToArray(), n, d, new Random(seed)])!;
        int held = (int)type.GetMethod("NearestBoundary")!.Invoke(groups, [(int)Math.Floor(n * fraction)])!;
        if (held < 8 || n - held < 8) return [];
        return ((long[])type.GetProperty("Order")!.GetValue(groups)!)[..held];
    }

    /// <summary>Every training row's residual x - decoder(mu(x)) from a model trained on the other 4/5 of the rows.</summary>
    public static void WriteOutOfFold(string path, float[][] xtr, int d, VaeAnomalyDetectionTrainer.Options opts, int seed)
    {
        const int folds = 5;
        var fold = Enumerable.Range(0, xtr.Length).Select(i => i % folds).ToArray();
        new Random(seed).Shuffle(fold);
        var r = new double[xtr.Length][];
        for (int f = 0; f < folds; f++)
        {
            var ml = new MLContext(seed);
            var train = xtr.Where((_, i) => fold[i] != f).ToArray();
            var test = xtr.Where((_, i) => fold[i] == f).ToArray();
            var model = ml.AnomalyDetection.Trainers.Vae(opts).Fit(FeatureView.Of(ml, train, d)).Model;
            var xh = model.Decode(model.Encode(test));
            int k = 0;
            for (int i = 0; i < xtr.Length; i++)
                if (fold[i] == f) { r[i] = xtr[i].Select((v, j) => (double)v - xh[k][j]).ToArray(); k++; }
        }
        using var w = new StreamWriter(path);
        w.WriteLine(string.Join('\t', Enumerable.Range(0, d).Select(j => $"r{j}")));
        foreach (var row in r) w.WriteLine(string.Join('\t', row.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));
    }
}

/// <summary>Eigen-decomposition of the training rows' covariance (Jacobi), largest eigenvalue first.</summary>
sealed class Pca
{
    readonly double[][] _vectors; readonly int _d;
    public double[] Values { get; }
    public Pca(float[][] x)
    {
        _d = x[0].Length; int n = x.Length;
        var c = new double[_d, _d];
        foreach (var r in x) for (int i = 0; i < _d; i++) for (int j = 0; j < _d; j++) c[i, j] += (double)r[i] * r[j] / n;
        var (vals, vecs) = Jacobi(c, _d);
        var order = Enumerable.Range(0, _d).OrderByDescending(i => vals[i]).ToArray();
        Values = order.Select(i => Math.Max(vals[i], 1e-6)).ToArray();
        _vectors = order.Select(i => Enumerable.Range(0, _d).Select(k => vecs[k, i]).ToArray()).ToArray();
    }
    /// <summary>(v_i . r)^2 / lambda_i for every component.</summary>
    public double[] Project(double[] r) => _vectors.Select((v, i) => { double p = 0; for (int j = 0; j < _d; j++) p += v[j] * r[j]; return p * p / Values[i]; }).ToArray();
    static (double[], double[,]) Jacobi(double[,] a, int n)
    {
        var v = new double[n, n]; for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0; for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) off += a[i, j] * a[i, j];
            if (off < 1e-18) break;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++)
            {
                if (Math.Abs(a[p, q]) < 1e-30) continue;
                double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1)); if (theta == 0) t = 1;
                double cs = 1 / Math.Sqrt(t * t + 1), sn = t * cs;
                for (int k = 0; k < n; k++) { double akp = a[k, p], akq = a[k, q]; a[k, p] = cs * akp - sn * akq; a[k, q] = sn * akp + cs * akq; }
                for (int k = 0; k < n; k++) { double apk = a[p, k], aqk = a[q, k]; a[p, k] = cs * apk - sn * aqk; a[q, k] = sn * apk + cs * aqk; }
                for (int k = 0; k < n; k++) { double vkp = v[k, p], vkq = v[k, q]; v[k, p] = cs * vkp - sn * vkq; v[k, q] = sn * vkp + cs * vkq; }
            }
        }
        return (Enumerable.Range(0, n).Select(i => a[i, i]).ToArray(), v);
    }
}
