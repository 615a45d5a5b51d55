#!/usr/bin/env dotnet
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/Table.cs
#:include ../lib/Detectors.cs
#:include ../lib/FeatureView.cs
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// What PredictedLabel does on real data with hidden cells (docs/quality.md, "Missing cells: calibration by observed
// count"), per data set and seed, on masks written by scripts/mask-cells.cs (MASKEDDIR/NAME/seedS/{train,test}.csv):
// the detector with MissingValues = Model and its default calibration, z-scored with the masked train file's observed
// mean and standard deviation, trained
//   complete  on the complete train file (SPLITS), scoring the masked test file: new rows missing cells that no
//             training row missed;
//   masked    on the masked train file, scoring the masked test file: the same share missing in both;
// and the share of the test file's normal rows flagged at the calibrated thresholds for c = 0.1, 0.05, 0.01 (one model,
// WithContamination), with the masked test file's AUROC. A row with every feature hidden is left out (the model refuses it).
//   dotnet run scripts/research/missing_calibration.cs -- SPLITS MASKEDDIR "DATASETS" JSONL [THREADS]
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
string masked = Path.TrimEndingDirectorySeparator(args[1]);
var datasets = args[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
using var jsonl = new StreamWriter(args[3]) { AutoFlush = true };
int threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
double[] levels = [0.1, 0.05, 0.01];
foreach (var d in datasets)
    for (int seed = 0; seed < 3; seed++)
    {
        string File(string dir, string file) => Path.Combine(dir, d, $"seed{seed}", file);
        var maskedTrain = Table.Read(File(masked, "train.csv"));
        var (m, s) = maskedTrain.Stats();
        var testTable = Table.Read(File(masked, "test.csv"));
        int D = maskedTrain.Features;
        bool Observed(float[] r) => !r.All(float.IsNaN);
        var keep = Enumerable.Range(0, testTable.X.Length).Where(i => Observed(testTable.X[i])).ToArray();
        var test = testTable.Z(m, s);
        var rows = keep.Select(i => test[i]).ToArray();
        var labels = keep.Select(i => testTable.Y[i]).ToArray();
        foreach (var (name, train) in new[] { ("complete", Table.Read(File(splits, "train.csv")).Z(m, s)), ("masked", maskedTrain.Z(m, s).Where(Observed).ToArray()) })
        {
            var ml = new MLContext(seed);
            var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
            {
                Seed = seed, MissingValues = VaeMissingValues.Model, Threads = threads,
            }).Fit(FeatureView.Of(ml, train, D));
            var scores = FeatureView.Scores(detector, ml, rows, D);
            double auc = Detectors.Auc(scores, labels);
            var fpr = levels.Select(c =>
            {
                float t = detector.WithContamination(c).Threshold;
                var normal = Enumerable.Range(0, rows.Length).Where(i => !labels[i]).ToArray();
                return normal.Count(i => !(scores[i] <= t)) / (double)normal.Length;
            }).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d,-18} {seed} {name,-9} auroc {auc:F4} fpr {fpr[0]:F3} {fpr[1]:F3} {fpr[2]:F3}"));
            jsonl.WriteLine(JsonSerializer.Serialize(new { dataset = d, seed, train = name, auroc = auc, fpr_0_1 = fpr[0], fpr_0_05 = fpr[1], fpr_0_01 = fpr[2] }));
        }
    }
