#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:project Support/NotebookSupport.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:package ScottPlot@5.1.59
#:property PublishAot=false
// %% md
// # A VAE as a featurizer
//
// `mlContext.Transforms.VaeEncode` learns, without labels, a low-dimensional code for each row: the mean of the
// encoder's posterior. Here the 21 cardiotocography measurements become a 2-D code that we can plot, and that
// feeds an ordinary ML.NET classifier.
//
// The notebook references the packages as yours would: `bash scripts/pack.sh` packs them into the clone's
// `artifacts/packages`; put that folder's absolute path in the `#i` line. Open it in VS Code with Polyglot Notebooks
// or run it headless with `dotnet repl --run notebooks/featurizer.ipynb --exit-after-run --output-path featurizer.out.ipynb`
// (without `--exit-after-run` dotnet repl stays open after the last cell); its twin,
// `dotnet run notebooks/featurizer.cs`, builds against the repository instead.
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
// The 1,743 cardiotocography exams in the repository's two files (the benchmark split); `Label` is true for the
// pathological ones.
// %%
var ml = new MLContext(seed: 0);
var loader = ml.Data.CreateTextLoader(
    [new TextLoader.Column("Features", DataKind.Single, 0, 20), new TextLoader.Column("Label", DataKind.Boolean, 21)],
    separatorChar: ',', hasHeader: true);
var exams = loader.Load(Notebook.PathTo("src/Vae.MLNet.Cli/Data/cardio-train.csv"), Notebook.PathTo("src/Vae.MLNet.Cli/Data/cardio-test.csv"));
Console.WriteLine($"{exams.GetColumn<bool>("Label").Count()} exams, {exams.GetColumn<bool>("Label").Count(l => l)} pathological");
// %% md
// ## VaeEncode in a pipeline
//
// Standardize, then encode into 2 latent dimensions. The labels are not used.
// %%
var featurize = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
    .Append(ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 2, Seed = 0 }))
    .Fit(exams);
var encoded = featurize.Transform(exams);
Console.WriteLine($"Latent column: {encoded.Schema["Latent"].Type}");
// %% md
// ## The latent space, coloured by label
//
// The VAE never saw a label, yet the pathological exams gather at the edges of the cloud of normal ones.
// %%
var codes = encoded.GetColumn<float[]>("Latent").ToArray();
var labels = encoded.GetColumn<bool>("Label").ToArray();
var scatter = new ScottPlot.Plot();
foreach (var (label, name, color) in new[] { (false, "normal", ScottPlot.Colors.SteelBlue), (true, "pathological", ScottPlot.Colors.OrangeRed) })
{
    var points = codes.Where((_, i) => labels[i] == label).ToArray();
    var markers = scatter.Add.ScatterPoints(points.Select(p => (double)p[0]).ToArray(), points.Select(p => (double)p[1]).ToArray());
    markers.Color = color.WithAlpha(0.6);
    markers.MarkerSize = 4;
    markers.LegendText = name;
}
scatter.Title("Cardiotocography exams in the VAE's latent space");
scatter.XLabel("z₁");
scatter.YLabel("z₂");
scatter.ShowLegend();
SaveFigure(scatter, "featurizer-latent-scatter");
// %% md
// ## The code as features for a classifier
//
// Logistic regression on a 50/50 split: on the 21 standardized measurements, on the 2-D code alone, and on both.
// Two numbers per exam, learned without labels, rank the pathological exams well above chance (AUC), but at the
// classifier's default threshold they find few of them (a low F1: it flags only a handful). The raw measurements carry
// far more, and beside them the code adds nothing: the trainer's L1 penalty gives the two code features zero weight.
// %%
var split = ml.Data.TrainTestSplit(encoded, testFraction: 0.5, seed: 0);
foreach (var (name, columns) in new[] { ("21 raw features", new[] { "Features" }), ("2-D VAE code", new[] { "Latent" }), ("raw + code", new[] { "Features", "Latent" }) })
{
    var classifier = ml.Transforms.Concatenate("Input", columns)
        .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(featureColumnName: "Input"))
        .Fit(split.TrainSet);
    var metrics = ml.BinaryClassification.Evaluate(classifier.Transform(split.TestSet));
    Console.WriteLine($"{name,-16} AUC {metrics.AreaUnderRocCurve:F3}  F1 {metrics.F1Score:F3}");
}
