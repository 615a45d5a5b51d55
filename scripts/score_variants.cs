#!/usr/bin/env dotnet
#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include lib/Table.cs
#:include lib/Detectors.cs
#:include lib/FeatureView.cs
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// Score variants toward the generalization issue (docs/quality.md, "Toward scores that generalize"): for each data set
// and seeds 0-2, the default detector (latent from the rule given, threshold fixed: calibration changes no AUROC), and,
// from the same model, AUROCs of other scores computed here: the reconstruction term alone, a Gaussian with the full
// covariance of the training rows' residuals x - decoder(mu(x)) (which sees deviations along directions where normal
// rows barely vary, where the decoder's per-feature variance does not), that term plus the default's latent term,
// kNN (k = 5, distance to the 5th nearest training row, as ADBench's kNN), the input's own full-covariance Gaussian,
// and the default plus it. Features z-scored with the training rows' statistics, as quality.sh does.
//   dotnet run scripts/score_variants.cs -- SPLITS "DATASETS" [LATENT: 8 | half | third] [HIDDEN]
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
var datasets = args[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
string latentRule = args.Length > 2 ? args[2] : "8";
int hidden = args.Length > 3 ? int.Parse(args[3]) : 0;
Console.WriteLine("dataset seed D n latent default recon fullres fullres_lat knn inputmaha def+maha");
foreach (var d in datasets)
for (int seed = 0; seed < 3; seed++)
{
    var (xtr, xte, yte, D) = Table.ReadSplit(splits, d, seed);
    int latent = latentRule switch
    {
        "half" => Math.Clamp(D / 2, 2, 8),
        "third" => Math.Clamp((D + 2) / 3, 2, 8),
        _ => int.Parse(latentRule),
    };
    var ml = new MLContext(seed);
    var opts = new VaeAnomalyDetectionTrainer.Options { Seed = seed, LatentDimension = latent, Threshold = 0f };
    if (hidden > 0) opts.HiddenLayerSizes = [hidden];
    var trainView = FeatureView.Of(ml, xtr, D);
    var t = ml.AnomalyDetection.Trainers.Vae(opts).Fit(trainView);
    var model = t.Model;
    float[] def = t.Transform(FeatureView.Of(ml, xte, D)).GetColumn<float>("Score").ToArray();
    var rtr = Residuals(model, xtr); var rte = Residuals(model, xte);
    var logv = model.OutputLogVariance;
    double[] Diag(double[][] r) => r.Select(v => { double s = 0; for (int j = 0; j < D; j++) s += 0.5 * (v[j] * v[j] / Math.Exp(logv[j]) + logv[j]); return s; }).ToArray();
    var gauss = new FullGaussian(rtr);
    var inputGauss = new FullGaussian(xtr.Select(r => r.Select(v => (double)v).ToArray()).ToArray());
    double[] diagTe = Diag(rte);
    double[] fullTe = rte.Select(gauss.Nll).ToArray();
    double[] latentTe = def.Select((s, i) => s - diagTe[i]).ToArray();
    double[] fullres = fullTe;
    double[] fullresLat = latentTe.Select((l, i) => l + fullTe[i]).ToArray();
    double[] knn = xte.Select(r => Detectors.Knn(xtr, r, 5)).ToArray();
    double[] maha = xte.Select(r => inputGauss.Nll(r.Select(v => (double)v).ToArray())).ToArray();
    double[] defMaha = def.Select((s, i) => s + maha[i]).ToArray();
    Console.WriteLine($"{d} {seed} {D} {xtr.Length} {latent} {Detectors.Auc(def.Select(v => (double)v).ToArray(), yte):F4} {Detectors.Auc(diagTe, yte):F4} {Detectors.Auc(fullres, yte):F4} {Detectors.Auc(fullresLat, yte):F4} {Detectors.Auc(knn, yte):F4} {Detectors.Auc(maha, yte):F4} {Detectors.Auc(defMaha, yte):F4}");
}

static double[][] Residuals(VaeModel model, float[][] x)
{
    var mu = model.Encode(x);
    var xh = model.Decode(mu);
    return x.Select((r, i) => r.Select((v, j) => (double)v - xh[i][j]).ToArray()).ToArray();
}



/// <summary>N(m, Σ) with Σ shrunk toward its diagonal and floored, NLL up to a constant.</summary>
sealed class FullGaussian
{
    readonly double[] _m; readonly double[,] _l; readonly double _logDet; readonly int _d;
    public FullGaussian(double[][] x, double shrink = 0.1, double floor = 1e-3)
    {
        _d = x[0].Length; int n = x.Length;
        _m = new double[_d];
        foreach (var r in x) for (int j = 0; j < _d; j++) _m[j] += r[j] / n;
        var c = new double[_d, _d];
        foreach (var r in x) for (int i = 0; i < _d; i++) for (int j = 0; j <= i; j++) c[i, j] += (r[i] - _m[i]) * (r[j] - _m[j]) / Math.Max(1, n - 1);
        for (int i = 0; i < _d; i++) for (int j = 0; j < i; j++) { c[i, j] *= 1 - shrink; c[j, i] = c[i, j]; }
        for (int i = 0; i < _d; i++) c[i, i] += floor;
        _l = new double[_d, _d];
        for (int i = 0; i < _d; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = c[i, j];
                for (int k = 0; k < j; k++) s -= _l[i, k] * _l[j, k];
                _l[i, j] = i == j ? Math.Sqrt(Math.Max(s, 1e-12)) : s / _l[j, j];
            }
        for (int i = 0; i < _d; i++) _logDet += 2 * Math.Log(_l[i, i]);
    }
    public double Nll(double[] r)
    {
        var y = new double[_d]; double q = 0;
        for (int i = 0; i < _d; i++) { double s = r[i] - _m[i]; for (int k = 0; k < i; k++) s -= _l[i, k] * y[k]; y[i] = s / _l[i, i]; q += y[i] * y[i]; }
        return 0.5 * (q + _logDet);
    }
}
