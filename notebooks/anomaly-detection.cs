#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:project Support/NotebookSupport.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:package ScottPlot@5.1.59
#:property PublishAot=false
// %% md
// # Anomaly detection with a variational autoencoder
//
// Cardiotocography (UCI, via ADBench): 21 measurements of fetal heart rate and uterine contractions per exam, and a
// label that marks the pathological exams, about 10% of them. The detector learns what normal exams look like from
// the normal half of the data and flags the exams it cannot explain. We compare it with ML.NET's own anomaly
// detector, `RandomizedPca`, on the same split, look at the scores, and save and reload the model.
//
// The notebook references the packages as yours would: `bash scripts/pack.sh` packs them into the clone's
// `artifacts/packages`; put that folder's absolute path in the `#i` line. Open it in VS Code with Polyglot Notebooks
// or run it headless with `dotnet repl --run notebooks/anomaly-detection.ipynb --exit-after-run --output-path anomaly-detection.out.ipynb`
// (without `--exit-after-run` dotnet repl stays open after the last cell); its twin,
// `dotnet run notebooks/anomaly-detection.cs`, builds against the repository instead.
// %% setup
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Notebooks;
using Vae.MLNet.Training;

string SaveFigure(ScottPlot.Plot plot, string name, int width = 640, int height = 400) => Notebook.SaveFigure(plot, name, width, height);
// %% md
// ## The data
//
// The split is the one of the benchmark protocol: the training file holds only normal exams (half of them); the
// test file holds the other half of the normal exams and half of the pathological ones. To run the notebook on your
// own split, change the two paths: files with a header line, the features first and a 0/1 label last.
// %%
var ml = new MLContext(seed: 0);
string trainPath = Notebook.PathTo("src/Vae.MLNet.Cli/Data/cardio-train.csv"), testPath = Notebook.PathTo("src/Vae.MLNet.Cli/Data/cardio-test.csv");
// The columns come from the header: TextLoader reads a column past the end of a shorter line as 0, so fixed indices
// would load another file's label as a feature, and every label as 0, without a word.
int featureCount = File.ReadLines(trainPath).First().Split(',').Length - 1;
var columns = new[] { new TextLoader.Column("Features", DataKind.Single, 0, featureCount - 1), new TextLoader.Column("Label", DataKind.Single, featureCount) };
var loader = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true);
var train = loader.Load(trainPath);
var test = loader.Load(testPath);
Console.WriteLine($"{train.GetColumn<float>("Label").Count()} training exams, {test.GetColumn<float>("Label").Count()} test exams, {test.GetColumn<float>("Label").Count(l => l > 0)} of them pathological");
// %% md
// ## The pipeline
//
// Standardize the features with the training rows' statistics (`fixZero: false` centres them), then the VAE
// detector. Its `Score` is how badly the model reconstructs the exam, plus twice how rare its latent code is among the
// training exams' codes (the aggregate posterior), plus a quarter of the squared Mahalanobis distance along the
// directions in which the normal exams barely vary (their minor principal components). `Contamination = 0.05`
// calibrates the threshold on scores of rows the model did not learn from, so that at most 5% of new normal exams are
// flagged.
// %%
var epochs = new List<VaeEpochReport>();
var vae = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
    .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Contamination = 0.05, Seed = 0, Progress = epochs.Add }))
    .Fit(train);
// RandomizedPca gets its own seed: without one it draws from the context's shared generator, whose state depends on
// what ran before it, and its AUROC changed from one run to the next (0.334, 0.320).
var pca = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
    .Append(ml.AnomalyDetection.Trainers.RandomizedPca(rank: 1, seed: 0))
    .Fit(train);
// Progress also reports the epochs of the calibration models (CalibrationFold 1, 2, …), which score the training
// exams they did not learn from; the detector's own epochs are those of fold 0.
var own = epochs.Where(e => e.CalibrationFold == 0).ToList();
Console.WriteLine($"VAE: {own.Count} epochs (and {epochs.Count - own.Count} of its calibration models), final loss {own[^1].TrainLoss:F2} nats per exam, validation {own[^1].ValidationLoss:F2}");
// %% md
// ## Metrics beside RandomizedPca
//
// `mlContext.AnomalyDetection.Evaluate` reads the `Score` and `PredictedLabel` columns of both detectors.
// RandomizedPca's AUROC below 0.5 is not an inverted score: its score is the distance to its rank-1 subspace, and on
// this split the pathological exams lie closer to that subspace than the normal ones; ranks 2, 5, 10 and 20 give
// 0.45 to 0.57.
// %%
var scored = vae.Transform(test);
var vaeMetrics = ml.AnomalyDetection.Evaluate(scored);
var pcaMetrics = ml.AnomalyDetection.Evaluate(pca.Transform(test));
Console.WriteLine($"{"detector",-15} {"AUROC",7} {"detection rate at 10 false positives",38}");
Console.WriteLine($"{"VAE",-15} {vaeMetrics.AreaUnderRocCurve,7:F3} {vaeMetrics.DetectionRateAtFalsePositiveCount,38:F3}");
Console.WriteLine($"{"RandomizedPca",-15} {pcaMetrics.AreaUnderRocCurve,7:F3} {pcaMetrics.DetectionRateAtFalsePositiveCount,38:F3}");
// %% md
// ## Scores and the threshold
//
// The histogram of test scores, normal and pathological exams side by side, each as a share of its own group (as
// counts, the pathological tenth of the test exams would barely show beside the normal ones), with the detector's
// threshold. The scores above the 98th percentile are counted in the last bin.
// %%
var scores = scored.GetColumn<float>("Score").ToArray();
var labels = scored.GetColumn<float>("Label").ToArray();
var detector = vae.LastTransformer;
var histogram = new ScottPlot.Plot();
double cap = scores.OrderBy(s => s).ElementAt(scores.Length * 98 / 100);
const int binCount = 30;
double low = scores.Min(), binSize = (cap - low) / binCount;
foreach (var (label, name, color, offset) in new[] { (0f, "normal", ScottPlot.Colors.SteelBlue, 0.25), (1f, "pathological", ScottPlot.Colors.OrangeRed, 0.75) })
{
    var group = scores.Where((_, i) => labels[i] == label).ToArray();
    var counts = new double[binCount];
    foreach (var score in group)
        counts[Math.Min((int)((score - low) / binSize), binCount - 1)]++;
    var bars = histogram.Add.Bars(counts.Select((count, bin) =>
        new ScottPlot.Bar { Position = low + (bin + offset) * binSize, Value = count / group.Length, Size = binSize / 2 }).ToList());
    bars.Color = color;
    bars.LegendText = $"{name} ({group.Length} exams)";
}
histogram.Add.VerticalLine(detector.Threshold, color: ScottPlot.Colors.Black).LegendText = $"threshold {detector.Threshold:F1}";
histogram.Title("VAE scores on the test exams");
histogram.XLabel($"score (nats; the last bin also holds the scores above {cap:F0})");
histogram.YLabel("share of the group's exams");
histogram.ShowLegend(ScottPlot.Alignment.UpperCenter);
SaveFigure(histogram, "anomaly-score-histogram");
// %% md
// ## ROC curve
// %%
var order = scores.Select((s, i) => (Score: s, Anomaly: labels[i] > 0)).OrderByDescending(t => t.Score).ToArray();
int positives = order.Count(t => t.Anomaly), negatives = order.Length - positives, tp = 0, fp = 0;
var fpr = new List<double> { 0 };
var tpr = new List<double> { 0 };
foreach (var row in order)
{
    if (row.Anomaly) tp++; else fp++;
    fpr.Add(fp / (double)negatives);
    tpr.Add(tp / (double)positives);
}
var roc = new ScottPlot.Plot();
roc.Add.Scatter(fpr.ToArray(), tpr.ToArray()).LegendText = $"VAE (AUROC {vaeMetrics.AreaUnderRocCurve:F3})";
roc.Add.Line(0, 0, 1, 1).LinePattern = ScottPlot.LinePattern.Dashed;
roc.Title("ROC curve on the test exams");
roc.XLabel("false positive rate");
roc.YLabel("true positive rate");
roc.ShowLegend();
SaveFigure(roc, "anomaly-roc");
// %% md
// ## Why the worst exams were flagged
//
// The detector can add a per-feature reconstruction error, −log p(xⱼ | z = μ) in nats: the features it could not
// explain. They sum to the reconstruction part of the score, printed beside it; the rest is the code's rarity and the
// minor-component term. An exam whose score is mostly that rest was flagged for its combination of values, which no
// single feature's error shows.
// %%
var explaining = new VaeAnomalyDetectionTransformer(detector.Model, "Features", detector.Threshold, detector.Calibration, featureErrorColumnName: "FeatureErrors");
var normalized = vae.Take(1).Single().Transform(test);
var errors = explaining.Transform(normalized).GetColumn<float[]>("FeatureErrors").ToArray();
foreach (var i in Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(5))
{
    var top = errors[i].Select((e, j) => (Feature: $"f{j}", Error: e)).OrderByDescending(t => t.Error).Take(3);
    Console.WriteLine($"exam {i,4}: score {scores[i],7:F1} ({(labels[i] > 0 ? "pathological" : "normal")}), reconstruction {errors[i].Sum(),6:F1}; top features: {string.Join(", ", top.Select(t => $"{t.Feature} {t.Error:F1}"))}");
}
// %% md
// ## Save and reload
//
// `mlContext.Model.Save` writes the whole pipeline. `Model.Load` gives it back with ML.NET's own components;
// `Model.LoadWithBatchedScoring` gives back our batched detector. Both score the same.
// %%
string zip = Path.Combine(Path.GetTempPath(), "cardio-vae.zip");
ml.Model.Save(vae, train.Schema, zip);
var reloaded = new MLContext().Model.LoadWithBatchedScoring(zip, out _);
var again = reloaded.Transform(test).GetColumn<float>("Score").ToArray();
Console.WriteLine($"largest difference after reloading: {scores.Zip(again, (a, b) => Math.Abs(a - b)).Max():E1}; AUROC {ml.AnomalyDetection.Evaluate(reloaded.Transform(test)).AreaUnderRocCurve:F3}");
File.Delete(zip);
