#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// What AppendCacheCheckpoint after VaeEncode saves a multi-pass trainer (README, "Cache the codes"): the same
// pipeline fitted without and with the checkpoint, on 400 rows, in process CPU time (steadier than wall time on a
// shared machine), beside the cost of training VaeEncode alone.
//   dotnet run scripts/cache-checkpoint.cs     (from the repository's root)
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

var ml = new MLContext(seed: 0);
var columns = new[] { new TextLoader.Column("Features", DataKind.Single, 0, 20), new TextLoader.Column("Label", DataKind.Boolean, 21) };
var data = ml.Data.TakeRows(ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true).Load("src/Vae.MLNet.Cli/Data/cardio-test.csv"), 400);
var featurize = ml.Transforms.NormalizeMeanVariance("Features", fixZero: false)
    .Append(ml.Transforms.VaeEncode("Latent", "Features", latentDimension: 8, epochs: 20, seed: 0));
var sdca = ml.BinaryClassification.Trainers.SdcaLogisticRegression("Label", "Latent");

double start = CpuSeconds();
featurize.Fit(data);
Console.WriteLine($"VaeEncode alone: {CpuSeconds() - start:F1} s CPU");
foreach (bool cached in new[] { false, true })
{
    start = CpuSeconds();
    var model = cached ? featurize.AppendCacheCheckpoint(ml).Append(sdca).Fit(data) : featurize.Append(sdca).Fit(data);
    double seconds = CpuSeconds() - start;
    Console.WriteLine($"{(cached ? "with AppendCacheCheckpoint" : "without checkpoint")}: pipeline Fit {seconds:F1} s CPU, AUC {ml.BinaryClassification.Evaluate(model.Transform(data)).AreaUnderRocCurve:F3}");
}
