#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:project Support/NotebookSupport.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:package ScottPlot@5.1.59
#:property PublishAot=false
// %% md
// # Generating digits with a variational autoencoder
//
// The UCI optical digits: 1,797 handwritten digits of 8×8 pixels with intensities 0–16. Scaled to [0, 1], the
// pixels suit a Bernoulli likelihood. The trained VAE generates new digits from the prior, interpolates between two
// digits through its latent space, and shows what each latent axis controls.
//
// The notebook references the packages as yours would: `bash scripts/pack.sh` packs them into the clone's
// `artifacts/packages`; put that folder's absolute path in the `#i` line. Open it in VS Code with Polyglot Notebooks
// or run it headless with `dotnet repl --run notebooks/generation.ipynb --exit-after-run --output-path generation.out.ipynb`
// (without `--exit-after-run` dotnet repl stays open after the last cell); its twin,
// `dotnet run notebooks/generation.cs`, builds against the repository instead.
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
// ## The digits
// %%
var ml = new MLContext(seed: 0);
var loader = ml.Data.CreateTextLoader([new TextLoader.Column("Pixels", DataKind.Single, 0, 63)], separatorChar: ',', hasHeader: true);
var digits = loader.Load(Notebook.PathTo("src/Vae.MLNet.Cli/Data/digits8x8.csv"))
    .GetColumn<float[]>("Pixels").Select(p => p.Select(v => v / 16f).ToArray()).ToArray();
var rows = digits.Select(p => new Digit { Features = p }).ToArray();
var schema = SchemaDefinition.Create(typeof(Digit));
schema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 64);
var data = ml.Data.LoadFromEnumerable(rows, schema);
SaveFigure(Notebook.DigitGrid(digits.Take(20).ToArray(), 10), "digits-real", 640, 130);
// %% md
// ## Training with the Bernoulli likelihood
//
// A featurizer is enough to train the model; its `Model` then generates. Latent dimension 4, one hidden layer of 128.
// %%
var featurizer = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options
{
    InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 4, HiddenLayerSizes = [128],
    Likelihood = VaeLikelihood.Bernoulli, Epochs = 300, EarlyStoppingPatience = 20, Seed = 0,
}).Fit(data);
var model = featurizer.Model;
var elbo = new VaeAnomalyDetectionTransformer(model, "Features", 0, scoring: new VaeScoring(VaeScoreKind.MonteCarloElbo, 20))
    .Transform(data).GetColumn<float>("Score").Average();
Console.WriteLine($"ELBO on the digits: {-elbo:F2} nats per image");
// %% md
// ## New digits: z ~ N(0, I), decoded
// %%
SaveFigure(Notebook.DigitGrid(model.Sample(50, seed: 1), 10), "digits-generated", 640, 330);
// %% md
// ## Interpolation between two digits
//
// Spherical interpolation between the latent codes of a 0 and a 6, decoded at ten steps.
// %%
var path = model.Interpolate(digits[0], digits[6], steps: 10, spherical: true);
SaveFigure(Notebook.DigitGrid(path.Decoded, 10), "digits-interpolation", 640, 70);
// %% md
// ## Latent traversal
//
// One digit's code with each latent coordinate in turn swept from −2.5 to 2.5, the others unchanged: a row per axis.
// %%
var sweep = Enumerable.Range(0, 10).Select(i => -2.5f + 5f * i / 9).ToArray();
var walks = Enumerable.Range(0, model.LatentDimension).SelectMany(axis => model.Traverse(digits[0], axis, sweep).Decoded).ToArray();
SaveFigure(Notebook.DigitGrid(walks, 10), "digits-traversal", 640, 260);
// %% types
public sealed class Digit
{
    public float[] Features { get; set; } = [];
}
