#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// The ML.NET half of scripts/onnx_independent_check.sh: fits a pipeline on raw scalar columns (missing values
// replaced, concatenated, normalized, encoded, scored with p-values), exports it whole to ONNX, and writes what
// ML.NET's own pipeline gives for the same rows, for another ONNX Runtime host to compare with.
//   dotnet run scripts/export-pipeline.cs -- <csv with f0..fK and Label> <output folder> <MinMax|MeanVarianceCdf|LogMeanVariance>...
// writes <folder>/<normalizer>.onnx and <folder>/<normalizer>.csv for each normalizer named.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

string csv = args[0], folder = args[1];
Directory.CreateDirectory(folder);
var ml = new MLContext(seed: 0);
var header = File.ReadLines(csv).First().Split(',');
var features = header.Where(name => name != "Label").ToArray();
var data = ml.Data.CreateTextLoader(features.Select((name, i) => new TextLoader.Column(name, DataKind.Single, i)).ToArray(),
    separatorChar: ',', hasHeader: true).Load(csv);

foreach (string normalizer in args[2..])
{
    var normalize = normalizer switch
    {
        "MinMax" => ml.Transforms.NormalizeMinMax("Features"),
        "MeanVarianceCdf" => ml.Transforms.NormalizeMeanVariance("Features", useCdf: true),
        "LogMeanVariance" => ml.Transforms.NormalizeLogMeanVariance("Features"),
        _ => throw new ArgumentException($"unknown normalizer '{normalizer}'"),
    };
    var model = ml.Transforms.ReplaceMissingValues(features.Select(name => new InputOutputColumnPair(name)).ToArray())
        .Append(ml.Transforms.Concatenate("Features", features))
        .Append(normalize)
        .Append(ml.Transforms.VaeEncode("Latent", "Features", latentDimension: 4, epochs: 10, seed: 0))
        .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 10, Seed = 0, AddPValueColumn = true }))
        .Fit(data);

    ml.Model.ExportVaePipelineToOnnx(model, data.Schema, Path.Combine(folder, $"{normalizer}.onnx"));

    var scored = model.Transform(data);
    using var output = new StreamWriter(Path.Combine(folder, $"{normalizer}.csv"));
    output.WriteLine("score,predicted_label,p_value," + string.Join(",", Enumerable.Range(0, 4).Select(j => $"latent_{j}")));
    foreach (var (score, label, pValue, latent) in scored.GetColumn<float>("Score").Zip(scored.GetColumn<bool>("PredictedLabel"),
        scored.GetColumn<float>("PValue")).Zip(scored.GetColumn<float[]>("Latent"), (a, b) => (a.First, a.Second, a.Third, b)))
        output.WriteLine($"{R(score)},{(label ? 1 : 0)},{R(pValue)},{string.Join(",", latent.Select(R))}");
    Console.WriteLine($"wrote {folder}/{normalizer}.onnx and {folder}/{normalizer}.csv");
}

static string R(float value) => value.ToString("R", CultureInfo.InvariantCulture);
