#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// What PredictedLabel does on new normal rows missing more (or fewer) cells than the training rows did (README,
// "What PredictedLabel promises"): the detector with MissingValues = Model and contamination 0.1, trained on 3,000
// seeded rows of 8 features near a plane with 0% or 20% of their cells missing, flags 5,000 new normal rows with
// 0%, 20% or 50% missing, or one cell observed.
//   dotnet run scripts/missing-share-calibration.cs     (from the repository's root)
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

const int D = 8;
var ml = new MLContext(seed: 1);
var plane = new Random(42);
var weights = new double[D, 2];
for (int i = 0; i < D; i++)
    for (int k = 0; k < 2; k++)
        weights[i, k] = plane.NextDouble() * 2 - 1;

// Rows near the plane of weights; each cell missing with probability share, or (oneObserved) all but one.
IDataView Rows(int n, int seed, double share, bool oneObserved = false)
{
    var random = new Random(seed);
    double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    var rows = new Row[n];
    for (int j = 0; j < n; j++)
    {
        double z0 = Normal(), z1 = Normal();
        var features = new float[D];
        for (int i = 0; i < D; i++)
            features[i] = (float)(weights[i, 0] * z0 + weights[i, 1] * z1 + 0.3 * Normal());
        if (oneObserved)
        {
            int kept = random.Next(D);
            for (int i = 0; i < D; i++)
                if (i != kept)
                    features[i] = float.NaN;
        }
        else
            for (int i = 0; i < D; i++)
                if (random.NextDouble() < share)
                    features[i] = float.NaN;
        // A row with nothing observed is refused; keep one cell.
        if (features.All(float.IsNaN))
            features[random.Next(D)] = (float)(weights[0, 0] * z0);
        rows[j] = new Row { Features = features };
    }
    return ml.Data.LoadFromEnumerable(rows);
}

Console.WriteLine("| training rows missing | new rows: complete | 20% missing | 50% missing | one cell observed |");
Console.WriteLine("|---|---|---|---|---|");
foreach (double trainShare in new[] { 0.0, 0.2 })
{
    var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
    {
        Epochs = 30, Seed = 0, Threads = 1, MissingValues = Vae.MLNet.VaeMissingValues.Model, Contamination = 0.1,
    }).Fit(Rows(3000, 1, trainShare));
    string Flagged(IDataView rows)
    {
        var labels = detector.Transform(rows).GetColumn<bool>("PredictedLabel").ToArray();
        return $"{labels.Count(flagged => flagged) / (double)labels.Length:P1}";
    }
    Console.WriteLine($"| {trainShare:P0} | {Flagged(Rows(5000, 7, 0))} | {Flagged(Rows(5000, 7, 0.2))} | {Flagged(Rows(5000, 7, 0.5))} | {Flagged(Rows(5000, 7, 0, oneObserved: true))} |");
}

class Row
{
    [VectorType(8)] public float[] Features { get; set; } = [];
}
