// Loads the pipeline the training app saved, with the Vae.MLNet package alone, scores the same rows and checks that
// every score and code is the one the training app computed.
//   dotnet run --project tests/Consumers/Score -p:VaeMLNetVersion=V -- TEST.csv OUTPUT_DIR_OF_TRAIN
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Score TEST.csv OUTPUT_DIR_OF_TRAIN");
    return 2;
}
var ml = new MLContext(seed: 0);
var model = ml.Model.LoadWithBatchedScoring(Path.Combine(args[1], "pipeline.zip"), out _);
var columns = new[] { new TextLoader.Column("Features", DataKind.Single, 0, 20), new TextLoader.Column("Label", DataKind.Single, 21) };
var test = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true).Load(args[0]);
var scored = model.Transform(test);
var scores = scored.GetColumn<float>("Score").ToArray();
var codes = scored.GetColumn<float[]>("Latent").ToArray();

var expected = File.ReadAllLines(Path.Combine(args[1], "scores.csv"))
    .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
var actual = scores.Select((s, i) => new[] { s }.Concat(codes[i]).ToArray()).ToArray();
if (expected.Length != actual.Length)
{
    Console.Error.WriteLine($"score: {actual.Length} rows scored, the training app scored {expected.Length}");
    return 1;
}
int differing = expected.Zip(actual, (e, a) => e.SequenceEqual(a)).Count(same => !same);
if (differing > 0)
{
    Console.Error.WriteLine($"score: {differing} of {actual.Length} rows differ from the training app's scores or codes");
    return 1;
}
bool torchLoaded = AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "TorchSharp");
Console.WriteLine($"score: {actual.Length} rows scored with Vae.MLNet alone, every score and {codes[0].Length}-value code identical to the training app's; TorchSharp loaded: {torchLoaded}");
return torchLoaded ? 1 : 0;
