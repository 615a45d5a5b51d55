#!/usr/bin/env dotnet
#:package libtorch-cpu-linux-x64@2.10.0
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:property PublishAot=false
// Trains detectors while another thread allocates and collects garbage without pause (docs/reliability.md, "Training
// beside other threads"): a collection on another thread can finalize a TorchSharp Scalar that libtorch still reads.
// Before the training held its Scalars (KeptScalars, AdamOptimizer) this failed in 8 runs of 8, within two models;
// after, 20 models of 20 trained (4 runs). Three implicit Scalars were left (a Scalar sum's factor in Adam and the loss,
// and the ELU and leaky ReLU modules' constants) until a 14-data-set sweep failed once in 40 models (2026-12-02). The same storm inside the test host or the tools' process did not reproduce the
// failure with the old code (3 models each), so it is a standalone program and not a test.
//   dotnet run -c Release --file scripts/research/gc_storm.cs -- MODELS
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

int models = int.Parse(args[0]);
var ml = new MLContext(seed: 1);
var random = new Random(0);
var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 500)
    .Select(_ => new Row { Features = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray() }).ToList());
long collections = 0;
var collector = new Thread(() =>
{
    while (true)
    {
        GC.KeepAlive(new byte[64 * 1024]);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        Interlocked.Increment(ref collections);
    }
}) { IsBackground = true };
collector.Start();
for (int i = 0; i < models; i++)
{
    // Every activation in turn: TorchSharp's ELU and leaky ReLU modules made an implicit Scalar on every forward call.
    var activation = Enum.GetValues<VaeActivation>()[i % Enum.GetValues<VaeActivation>().Length];
    var options = new VaeAnomalyDetectionTrainer.Options { Epochs = 20, Seed = i, Threads = 1, Calibration = VaeCalibration.HeldOut, Activation = activation };
    using var model = ml.AnomalyDetection.Trainers.Vae(options).Fit(data);
    var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
    Console.WriteLine($"model {i} ({activation}) trained, mean score {scores.Average():F3}, collections so far {Interlocked.Read(ref collections)}");
}

sealed class Row
{
    [VectorType(8)]
    public float[] Features { get; set; } = [];
}
