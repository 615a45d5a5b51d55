#!/usr/bin/env dotnet
#:include lib/Table.cs
#:include lib/Detectors.cs
#:include lib/KnnImputer.cs
#:include lib/HiddenCells.cs
#:property PublishAot=false
// The baselines of issue 18's missing-value bar (docs/quality.md, "Missing values"), per data set and seed, on masks
// written by scripts/mask-cells.cs (MASKEDDIR/NAME/seedS/{train,test}.csv, and MASKEDDIR-mean, the same files
// mean-imputed), features z-scored with the masked train file's observed mean and standard deviation:
//   knn_complete  AUROC of kNN (distance to the 5th nearest training row) on the complete files of SPLITS (z-scored
//                 with the complete train file's statistics), the figure the drop is measured from;
//   knn_mean      the same kNN on the mean-imputed files: baseline (b), mean imputation then kNN;
//   rmse_mean     RMSE over the hidden cells of the test file, in z-scored units, of mean imputation (the value
//                 written in MASKEDDIR-mean) against the true values in SPLITS;
//   rmse_knn      the same for k-nearest-neighbour imputation (k = 5, scikit-learn's KNNImputer semantics: lib/
//                 KnnImputer.cs) fitted on the masked train file;
//   rmse_mean_0, rmse_knn_0  the same over the hidden cells of the test file's normal rows (Label 0) only: the train
//                 file holds normal rows only, so an anomaly's hidden cells are far from anything either imputer
//                 learnt from, and they dominate the RMSE over all rows on data sets with many anomalies.
// Prints one line per data set and seed, each data set's mean over the seeds, and the mean over data sets of those;
// JSONL, if given, gets one JSON object per data set and seed.
//   dotnet run scripts/missing_baselines.cs -- SPLITS MASKEDDIR "DATASETS" [JSONL]
using System.Globalization;
using System.Text.Json;

string splits = args[0];
string masked = Path.TrimEndingDirectorySeparator(args[1]);
var datasets = args[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
using var jsonl = args.Length > 3 ? new StreamWriter(args[3]) { AutoFlush = true } : null;
const int K = 5;
const string Format = "{0,-18} {1,5} {2,12:F4} {3,9:F4} {4,9:F4} {5,9:F4} {6,11:F4} {7,10:F4} {8,8}";
const int Figures = 6;
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-18} {1,5} {2,12} {3,9} {4,9} {5,9} {6,11} {7,10} {8,8}",
    "dataset", "seed", "knn_complete", "knn_mean", "rmse_mean", "rmse_knn", "rmse_mean_0", "rmse_knn_0", "hidden"));
var perDataset = new List<double[]>();
foreach (var d in datasets)
{
    var seeds = new List<double[]>();
    for (int seed = 0; seed < 3; seed++)
    {
        string File(string dir, string file) => Path.Combine(dir, d, $"seed{seed}", file);
        var completeTrain = Table.Read(File(splits, "train.csv"));
        var completeTest = Table.Read(File(splits, "test.csv"));
        var (cm, cs) = completeTrain.Stats();
        var ctr = completeTrain.Z(cm, cs);
        double knnComplete = Detectors.Auc(completeTest.Z(cm, cs).Select(r => Detectors.Knn(ctr, r, K)).ToArray(), completeTest.Y);

        var maskedTrain = Table.Read(File(masked, "train.csv"));
        var (m, s) = maskedTrain.Stats();
        var meanTrain = Table.Read(File(masked + "-mean", "train.csv")).Z(m, s);
        var meanTest = Table.Read(File(masked + "-mean", "test.csv"));
        var meanTestZ = meanTest.Z(m, s);
        double knnMean = Detectors.Auc(meanTestZ.Select(r => Detectors.Knn(meanTrain, r, K)).ToArray(), meanTest.Y);

        var maskedTest = Table.Read(File(masked, "test.csv")).Z(m, s);
        var truth = completeTest.Z(m, s);
        var imputer = new KnnImputer(maskedTrain.Z(m, s), K);
        var errMean = new HiddenCells(); var errKnn = new HiddenCells();
        for (int i = 0; i < maskedTest.Length; i++)
        {
            if (!maskedTest[i].Any(float.IsNaN)) continue;
            errMean.Add(maskedTest[i], meanTestZ[i], truth[i], completeTest.Y[i]);
            errKnn.Add(maskedTest[i], imputer.Impute(maskedTest[i]), truth[i], completeTest.Y[i]);
        }
        var row = new[] { knnComplete, knnMean, errMean.Rmse, errKnn.Rmse, errMean.RmseNormal, errKnn.RmseNormal };
        seeds.Add(row);
        Print(d, seed.ToString(CultureInfo.InvariantCulture), row, errMean.Count.ToString(CultureInfo.InvariantCulture));
        jsonl?.WriteLine(JsonSerializer.Serialize(new
        {
            dataset = d, seed, knn_complete = row[0], knn_mean = row[1], rmse_mean = row[2], rmse_knn = row[3],
            rmse_mean_normal = row[4], rmse_knn_normal = row[5], hidden_test_cells = errMean.Count, hidden_normal_test_cells = errMean.CountNormal,
        }));
    }
    var mean = Enumerable.Range(0, Figures).Select(c => seeds.Average(r => r[c])).ToArray();
    perDataset.Add(mean);
    Print(d, "mean", mean, "");
}
Print("mean", $"{perDataset.Count}", Enumerable.Range(0, Figures).Select(c => perDataset.Average(r => r[c])).ToArray(), "");

static void Print(string dataset, string seed, double[] f, string hidden) =>
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, Format, dataset, seed, f[0], f[1], f[2], f[3], f[4], f[5], hidden));
