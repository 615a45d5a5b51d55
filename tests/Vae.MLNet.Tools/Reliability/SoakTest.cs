using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tools;

/// <summary>
/// A service's lifetime in one process: cycle after cycle of fit (a small model) → score → save → load (both
/// loaders) → score → dispose, with the resident memory, the managed heap and the open file descriptors sampled
/// after a full garbage collection. A leak in TorchSharp's or ONNX Runtime's native memory, or a handle or temporary
/// file left per cycle, shows as a rising curve.
/// </summary>
internal static class SoakTest
{
    public sealed record Sample(int Cycle, double ResidentMegabytes, double ManagedMegabytes, int OpenFiles);

    public static List<Sample> Run(int cycles, int sampleEvery, string workFolder, Action<Sample> onSample)
    {
        var rows = new SyntheticDataView(500, 8, seed: 0);
        string model = Path.Combine(workFolder, "soak-model.zip");
        var samples = new List<Sample>();
        for (int cycle = 1; cycle <= cycles; cycle++)
        {
            RunCycle(rows, model, seed: cycle);
            if (cycle % sampleEvery != 0 && cycle != 1 && cycle != cycles)
                continue;
            var sample = Measure(cycle);
            samples.Add(sample);
            onSample(sample);
        }
        return samples;
    }

    private static void RunCycle(IDataView rows, string modelPath, int seed)
    {
        var ml = new MLContext(seed: seed);
        // Calibrated on the held-out rows: the cycle exercises one model's life, not the cross-fitted ones'.
        var options = new VaeAnomalyDetectionTrainer.Options { FeatureColumnName = ScoringBenchmark.Column, Epochs = 2, Seed = seed, Calibration = VaeCalibration.HeldOut };
        using (var detector = ml.AnomalyDetection.Trainers.Vae(options).Fit(rows))
        {
            ReadScores(detector.Transform(rows));
            ml.Model.Save(detector, rows.Schema, modelPath);
        }
        // ML.NET's own loader fails once in 32,768 loads by the name it draws for the graph (docs/reliability.md): the
        // soak measures leaks, so it retries as an application that loads this often should.
        foreach (var loaded in new[] { OnnxLoadRetry.Run(() => ml.Model.Load(modelPath, out _)), ml.Model.LoadWithBatchedScoring(modelPath, out _) })
        {
            ReadScores(loaded.Transform(rows));
            (loaded as IDisposable)?.Dispose();
        }
        File.Delete(modelPath);
    }

    private static void ReadScores(IDataView scored)
    {
        if (scored.GetColumn<float>("Score").Any(score => !float.IsFinite(score)))
            throw new InvalidOperationException("The soak test's model gave a non-finite score.");
    }

    private static Sample Measure(int cycle)
    {
        // Finalizers release native tensors and ONNX Runtime sessions that were not disposed explicitly: collect
        // twice around them so that the sample shows what is still reachable.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return new Sample(cycle, process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(forceFullCollection: false) / 1048576.0,
            Directory.GetFiles("/proc/self/fd").Length);
    }
}
