#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// Where the map by observed count (ObservedCountScale) does not hold (docs/quality.md, "Missing cells: calibration by
// observed count", "Which cells"): a mixed table (3 related measurements, a colour key and a flag that follow the
// first), a detector of MissingValues = Model trained on 3,000 complete rows, c = 0.1; 3,000 new normal rows complete,
// with the colour always unseen (the missing key), and with the colour and two measurements always missing: the same
// features missing in every row, not features at random, which is what the calibration rows are masked with. Prints
// the share flagged by the fitted pipeline, by Model.Load, by a PredictionEngine on the first 500 rows, and without the map.
//   dotnet run scripts/research/missing_feature_pattern.cs
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

var ml = new MLContext(seed: 1);
TableRow[] Table(int count, int seed)
{
    var random = new Random(seed);
    string[] colors = ["red", "green", "blue"];
    return Enumerable.Range(0, count).Select(i =>
    {
        float a = (float)random.NextDouble() * 3, b = a + (float)(random.NextDouble() - 0.5) * 0.3f;
        float c = -a + (float)(random.NextDouble() - 0.5) * 0.3f;
        return new TableRow { Color = colors[(int)a % 3], Flag = a > 1.5, Values = [a, b, c] };
    }).ToArray();
}
var pipeline = ml.Transforms.Conversion.MapValueToKey("ColorKey", "Color")
    .Append(ml.Transforms.NormalizeMeanVariance("Values"))
    .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
    {
        FeatureColumnName = "Values", AdditionalFeatureColumnNames = ["ColorKey", "Flag"], MissingValues = VaeMissingValues.Model,
        Epochs = 30, Seed = 1, Contamination = 0.1, Threads = 2,
    }));
var model = pipeline.Fit(ml.Data.LoadFromEnumerable(Table(3000, 0)));
var detector = model.LastTransformer;
Console.WriteLine($"map: {(detector.Scoring.ObservedCountScale is { } m ? string.Join(" ", m.Scales.Select(v => v.ToString("G3"))) + " | " + string.Join(" ", m.Offsets.Select(v => v.ToString("G3"))) : "none")}");
var unmapped = new TransformerChain<ITransformer>(model.Take(2).Append<ITransformer>(new VaeAnomalyDetectionTransformer(detector.Model, detector.InputColumnName, detector.Threshold,
    scoring: detector.Scoring with { ObservedCountScale = null })).ToArray());
string path = Path.Combine(Path.GetTempPath(), "vae-missing-feature-pattern.zip");
ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<TableRow>()).Schema, path);
var loaded = ml.Model.Load(path, out _);
foreach (var (name, rows) in new[] {
    ("complete", Table(3000, 5)),
    ("colour unseen", Table(3000, 5).Select(r => { r.Color = "purple"; return r; }).ToArray()),
    ("colour unseen, 2 of 3 values missing", Table(3000, 5).Select(r => { r.Color = "purple"; r.Values[1] = float.NaN; r.Values[2] = float.NaN; return r; }).ToArray()) })
{
    var data = ml.Data.LoadFromEnumerable(rows);
    double Rate(ITransformer t) => t.Transform(data).GetColumn<bool>("PredictedLabel").Count(b => b) / (double)rows.Length;
    var engine = ml.Model.CreatePredictionEngine<TableRow, Prediction>(loaded);
    double perRequest = rows.Take(500).Count(r => engine.Predict(r).PredictedLabel) / 500.0;
    Console.WriteLine($"{name}: flagged {Rate(model):P1} (Model.Load {Rate(loaded):P1}, engine on 500 {perRequest:P1}); without the map {Rate(unmapped):P1}");
}
class TableRow
{
    public string Color { get; set; } = "";
    public bool Flag { get; set; }
    [VectorType(3)] public float[] Values { get; set; } = [];
}
class Prediction { public bool PredictedLabel { get; set; } public float Score { get; set; } }
