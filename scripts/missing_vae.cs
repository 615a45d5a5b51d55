#!/usr/bin/env dotnet
#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include lib/Table.cs
#:include lib/Detectors.cs
#:include lib/FeatureView.cs
#:include lib/HiddenCells.cs
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// Our side of issue 18's missing-value bar (docs/quality.md, "Missing cells (issue 18)"), per data set and seed, on
// masks written by scripts/mask-cells.cs (MASKEDDIR/NAME/seedS/{train,test}.csv, NaN = hidden cell, and
// MASKEDDIR-mean, the same files mean-imputed); the baselines are scripts/missing_baselines.cs. Features are z-scored
// with the masked train file's observed mean and standard deviation (as the baselines), on every tree alike:
//   in_model  AUROC of the detector with MissingValues = Model trained on the masked train file, scoring the masked
//             test file;
//   mean_vae  baseline (a): AUROC of the detector with default options on the mean-imputed files;
//   rmse_vae, rmse_vae_0  RMSE of VaeImpute over the hidden cells of the masked test file (of its normal rows only),
//             in z-scored units, against the true values in SPLITS (lib/HiddenCells.cs, as the baselines). The imputer
//             is the in-model detector's VAE: VaeImpute trains exactly that model (the same VaeEstimatorCore.Train, the
//             same options and seed), so fitting it again would only double the training.
// Both detectors use Threshold = 0 and calibrate on the held-out rows however few (cross-fitting two folds where there
// are none): calibration changes no AUROC, and the default cross-fits five extra models on small data sets. Prints one line per data set and seed (flushed as it goes), each data set's
// mean over the seeds and the mean over data sets of those; JSONL, if given, gets one JSON object per data set and seed.
//   dotnet run scripts/missing_vae.cs -- SPLITS MASKEDDIR "DATASETS" [JSONL] [THREADS]
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
string masked = Path.TrimEndingDirectorySeparator(args[1]);
var datasets = args[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
using var jsonl = args.Length > 3 && args[3].Length > 0 ? new StreamWriter(args[3]) { AutoFlush = true } : null;
int threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
const string Format = "{0,-18} {1,5} {2,9:F4} {3,9:F4} {4,9:F4} {5,10:F4} {6,8} {7,8}";
const int Figures = 4;
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-18} {1,5} {2,9} {3,9} {4,9} {5,10} {6,8} {7,8}",
    "dataset", "seed", "in_model", "mean_vae", "rmse_vae", "rmse_vae_0", "hidden", "seconds"));
var perDataset = new List<double[]>();
foreach (var d in datasets)
{
    var seeds = new List<double[]>();
    for (int seed = 0; seed < 3; seed++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string File(string dir, string file) => Path.Combine(dir, d, $"seed{seed}", file);
        var maskedTrain = Table.Read(File(masked, "train.csv"));
        var (m, s) = maskedTrain.Stats();
        var maskedTestTable = Table.Read(File(masked, "test.csv"));
        var maskedTest = maskedTestTable.Z(m, s);
        int D = maskedTrain.Features;
        var ml = new MLContext(seed);

        // A row with every feature hidden (rate 0.3: 11 training and 15 test rows of annthyroid and thyroid) is refused
        // by the model, as it should be: it is dropped from training and from the in-model AUROC, and imputed with the
        // train mean (0 in z units), the only estimate without an observed cell.
        bool Observed(float[] r) => !r.All(float.IsNaN);
        var inModel = Fit(ml, maskedTrain.Z(m, s).Where(Observed).ToArray(), D, seed, VaeMissingValues.Model, threads);
        var scored = Enumerable.Range(0, maskedTest.Length).Where(i => Observed(maskedTest[i])).ToArray();
        double aucModel = Auc(inModel, ml, scored.Select(i => maskedTest[i]).ToArray(), D, scored.Select(i => maskedTestTable.Y[i]).ToArray());

        var filled = maskedTest.Select(r => new float[D]).ToArray();
        var imputed = new VaeImputeTransformer(inModel.Model, "Filled", "Features")
            .Transform(FeatureView.Of(ml, scored.Select(i => maskedTest[i]).ToArray(), D)).GetColumn<float[]>("Filled").ToArray();
        for (int k = 0; k < scored.Length; k++) filled[scored[k]] = imputed[k];
        var truth = Table.Read(File(splits, "test.csv")).Z(m, s);
        var err = new HiddenCells();
        for (int i = 0; i < maskedTest.Length; i++) err.Add(maskedTest[i], filled[i], truth[i], maskedTestTable.Y[i]);

        var meanTest = Table.Read(File(masked + "-mean", "test.csv"));
        var meanVae = Fit(ml, Table.Read(File(masked + "-mean", "train.csv")).Z(m, s), D, seed, VaeMissingValues.Error, threads);
        double aucMean = Auc(meanVae, ml, meanTest.Z(m, s), D, meanTest.Y);

        var row = new[] { aucModel, aucMean, err.Rmse, err.RmseNormal };
        seeds.Add(row);
        Print(d, seed.ToString(CultureInfo.InvariantCulture), row, err.Count.ToString(CultureInfo.InvariantCulture),
            clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture));
        jsonl?.WriteLine(JsonSerializer.Serialize(new
        {
            dataset = d, seed, in_model = row[0], mean_vae = row[1], rmse_vae = row[2], rmse_vae_normal = row[3],
            hidden_test_cells = err.Count, hidden_normal_test_cells = err.CountNormal, seconds = clock.Elapsed.TotalSeconds,
        }));
    }
    var mean = Enumerable.Range(0, Figures).Select(c => seeds.Average(r => r[c])).ToArray();
    perDataset.Add(mean);
    Print(d, "mean", mean, "", "");
}
Print("mean", $"{perDataset.Count}", Enumerable.Range(0, Figures).Select(c => perDataset.Average(r => r[c])).ToArray(), "", "");

static VaeAnomalyDetectionTransformer Fit(MLContext ml, float[][] train, int d, int seed, VaeMissingValues missing, int threads) =>
    ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
    {
        Seed = seed, MissingValues = missing, Threshold = 0f, Threads = threads,
        // Held-out rows whenever early stopping holds any out; else (wpbc's 75 rows hold none) the fewest folds.
        MinimumHeldOutCalibrationRows = 1, CalibrationFolds = 2,
    }).Fit(FeatureView.Of(ml, train, d));

static double Auc(ITransformer model, MLContext ml, float[][] test, int d, bool[] y) =>
    Detectors.Auc(model.Transform(FeatureView.Of(ml, test, d)).GetColumn<float>("Score").Select(v => (double)v).ToArray(), y);


static void Print(string dataset, string seed, double[] f, string hidden, string seconds) =>
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Format, dataset, seed, f[0], f[1], f[2], f[3], hidden, seconds));

