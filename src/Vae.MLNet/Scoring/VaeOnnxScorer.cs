using Microsoft.ML.OnnxRuntime;

namespace Vae.MLNet;

/// <summary>
/// Scores batches of rows with one ONNX Runtime session over the graph of a <see cref="VaeModel"/>. Thread-safe:
/// concurrent <see cref="Run"/> calls are fine as long as each uses its own <see cref="VaeScoreBatch"/>.
/// </summary>
/// <remarks>
/// Identical runs give bit-identical results, but a row's outputs may differ in the last float bits with the number of
/// rows scored alongside it, because ONNX Runtime picks kernels by shape (a single row, the scalar tail of a
/// vectorized activation).
/// </remarks>
internal sealed class VaeOnnxScorer : IDisposable
{
    private static readonly string[] InputNames = [VaeOnnxGraph.Features];

    private readonly InferenceSession _session;

    // Run takes the options read-only and this scorer never sets them, so one instance serves every thread.
    private readonly RunOptions _runOptions = new();

    /// <param name="model">The trained model to score with.</param>
    /// <param name="intraOpThreads">ONNX Runtime's threads per run; 0 lets ONNX Runtime choose.</param>
    public VaeOnnxScorer(VaeModel model, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        InputDimension = model.InputDimension;
        LatentDimension = model.LatentDimension;

        // The session copies its options when it is created, so they need not outlive the constructor.
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
        };
        _session = new InferenceSession(VaeOnnxGraph.Build(model), options);
    }

    public int InputDimension { get; }

    public int LatentDimension { get; }

    /// <summary>Creates buffers for up to <paramref name="capacity"/> rows per run, holding the requested outputs.</summary>
    public VaeScoreBatch CreateBatch(int capacity, VaeOutputs outputs) =>
        new(InputDimension, LatentDimension, capacity, outputs);

    /// <summary>
    /// Scores the first <paramref name="rows"/> rows of <see cref="VaeScoreBatch.Features"/>, writing the first
    /// <paramref name="rows"/> rows of each requested output of <paramref name="batch"/>.
    /// </summary>
    public void Run(VaeScoreBatch batch, int rows)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.InputDimension != InputDimension || batch.LatentDimension != LatentDimension)
            throw new ArgumentException(
                $"The batch was sized for {batch.InputDimension} features and {batch.LatentDimension} latent dimensions, " +
                $"the model has {InputDimension} and {LatentDimension}.", nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, batch.Capacity);
        if (rows == 0)
            return;

        var buffers = batch.Buffers;
        var outputValues = new OrtValue[buffers.Count];
        try
        {
            using var input = Wrap(batch.Features, rows, InputDimension);
            for (int i = 0; i < buffers.Count; i++)
                outputValues[i] = Wrap(buffers[i].Values, rows, buffers[i].Columns);
            // Handing ONNX Runtime pre-allocated outputs makes it write the results straight into the batch's arrays.
            _session.Run(_runOptions, InputNames, [input], batch.OutputNames, outputValues);
        }
        finally
        {
            foreach (var value in outputValues)
                value?.Dispose();
        }
    }

    /// <summary>The anomaly score of every row of a row-major [rows × D] matrix, scored a block at a time.</summary>
    public float[] ScoreAll(ReadOnlySpan<float> features, int rows)
    {
        var scores = new float[rows];
        var batch = CreateBatch(Math.Min(rows, VaeTransformerBase.DefaultBatchSize), VaeOutputs.Score);
        for (int start = 0; start < rows; start += batch.Capacity)
        {
            int count = Math.Min(batch.Capacity, rows - start);
            features.Slice(start * InputDimension, count * InputDimension).CopyTo(batch.Features);
            Run(batch, count);
            batch.Score.AsSpan(0, count).CopyTo(scores.AsSpan(start));
        }
        return scores;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Views the first <paramref name="rows"/> rows of <paramref name="values"/> as a tensor without copying.</summary>
    private static OrtValue Wrap(float[] values, int rows, int? columns)
    {
        long[] shape = columns is int width ? [rows, width] : [rows];
        return OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, values.AsMemory(0, rows * (columns ?? 1)), shape);
    }
}
