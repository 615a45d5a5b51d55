// Trains a featurizer and a detector in one pipeline from the packages, saves it, and writes the test rows' scores
// and codes for the scoring app to compare with.
//   dotnet run --project tests/Consumers/Train -p:VaeMLNetVersion=V -- TRAIN.csv TEST.csv OUTPUT_DIR
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Train TRAIN.csv TEST.csv OUTPUT_DIR");
    return 2;
}
var ml = new MLContext(seed: 0);
var columns = new[] { new TextLoader.Column("Features", DataKind.Single, 0, 20), new TextLoader.Column("Label", DataKind.Single, 21) };
var loader = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true);
var train = loader.Load(args[0]);
var test = loader.Load(args[1]);

var model = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
    .Append(ml.Transforms.VaeEncode("Latent", "Features", latentDimension: 4, epochs: 20, seed: 0))
    .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Contamination = 0.05, Epochs = 20, Seed = 0 }))
    .Fit(train);
Directory.CreateDirectory(args[2]);
ml.Model.Save(model, train.Schema, Path.Combine(args[2], "pipeline.zip"));

var scored = model.Transform(test);
var scores = scored.GetColumn<float>("Score").ToArray();
var codes = scored.GetColumn<float[]>("Latent").ToArray();
// "R" round-trips a float exactly, so the scoring app can ask for identical values.
File.WriteAllLines(Path.Combine(args[2], "scores.csv"),
    scores.Select((s, i) => string.Join(',', new[] { s }.Concat(codes[i]).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
Console.WriteLine($"train: featurizer and detector trained from the packages; AUROC {ml.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve:F3} on {scores.Length} test rows; pipeline saved to {Path.Combine(args[2], "pipeline.zip")}");
return 0;
