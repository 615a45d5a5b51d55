#!/usr/bin/env dotnet
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/FeatureView.cs
#:property PublishAot=false
// What PredictedLabel flags on new normal rows, over independent draws of the data (docs/quality.md, "Calibrated
// alarms"): the guarantee P(flag) <= c holds on average over calibration sets, so it is checked by drawing a new data
// set for every run rather than retraining on one. Each draw: 3,000 training rows and 4,000 new normal rows of 6
// readings N(10, 3^2), reading 2 the sum of readings 0 and 1 plus N(0, 0.1^2); NormalizeMeanVariance then the default
// detector (model seed = draw), its threshold moved with WithContamination to c = 0.1, 0.05, 0.01.
//   dotnet run -c Release --file scripts/research/calibration_draws.cs -- DRAWS [SAME] [HeldOut|CrossFit|Automatic]
// SAME, a number: one data set, drawn from Random(SAME), for every model seed instead (0: a new one for each draw,
// from Random(100 + draw)); it shows how far one sample's own quantile error moves every model trained on it.
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

int draws = int.Parse(args[0]);
int same = args.Length > 1 ? int.Parse(args[1]) : 0;
var calibration = args.Length > 2 ? Enum.Parse<VaeCalibration>(args[2]) : VaeCalibration.Automatic;
double[] levels = [0.1, 0.05, 0.01];
var sums = new double[levels.Length];
var ml = new MLContext(seed: 0);
for (int draw = 1; draw <= draws; draw++)
{
    var random = new Random(same != 0 ? same : 100 + draw);
    float[][] Rows(int n) => Enumerable.Range(0, n).Select(_ =>
    {
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var x = Enumerable.Range(0, 6).Select(_ => 10 + 3 * Normal()).ToArray();
        x[2] = x[0] + x[1] + 0.1 * Normal();
        return x.Select(v => (float)v).ToArray();
    }).ToArray();
    var train = FeatureView.Of(ml, Rows(3000), 6);
    var normal = FeatureView.Of(ml, Rows(4000), 6);
    var model = ml.Transforms.NormalizeMeanVariance("Features")
        .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Seed = draw, Calibration = calibration, Threads = 1 }))
        .Fit(train);
    var normalized = model.Take(1).Aggregate(normal, (view, step) => step.Transform(view));
    var detector = (VaeAnomalyDetectionTransformer)model.LastTransformer;
    var rates = levels.Select(c => detector.WithContamination(c).Transform(normalized).GetColumn<bool>("PredictedLabel").Count(b => b) / 4000.0).ToArray();
    for (int k = 0; k < levels.Length; k++)
        sums[k] += rates[k];
    Console.WriteLine($"draw {draw}: flagged at c = 0.1 / 0.05 / 0.01: " + string.Join(" / ", rates.Select(r => r.ToString("F4"))));
}
Console.WriteLine($"mean over {draws}: " + string.Join(" / ", sums.Select(s => (s / draws).ToString("F4"))));
