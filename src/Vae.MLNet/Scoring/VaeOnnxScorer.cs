using Microsoft.ML.OnnxRuntime;

namespace Vae.MLNet;

/// <summary>
/// Scores batches of rows with one ONNX Runtime session over the graph of a <see cref="VaeModel"/>. Thread-safe:
/// concurrent <see cref="Run"/> calls are fine as long as each uses its own <see cref="VaeScoreBatch"/>, and so is
/// <see cref="Dispose"/> during them: the session is freed when the last running call returns, and a call that starts
/// after <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/>.
/// </summary>
/// <remarks>
/// Identical runs give bit-identical results, but a row's outputs may differ in the last float bits with the number of
/// rows scored alongside it, because ONNX Runtime picks kernels by shape (a single row, the scalar tail of a
/// vectorized activation).
/// </remarks>
internal sealed class VaeOnnxScorer : IDisposable
{
    private readonly string[] _inputNames;
    private readonly InferenceSession _session;

    // Run takes the options read-only and this scorer never sets them, so one instance serves every thread.
    private readonly RunOptions _runOptions = new();

    // The session's users: the owner until Dispose, plus every Run in progress. Freeing the session while a Run uses it
    // is a use-after-free in native code (a crash, or garbage read as input names), so the last user frees it.
    private int _users = 1;
    private int _disposed;

    /// <summary>Scores rows [N, D] with the full graph: latent, reconstruction, errors and <paramref name="scoring"/>'s score.</summary>
    /// <param name="model">The trained model to score with.</param>
    /// <param name="scoring">How the score is computed; default the negative ELBO at z = μ.</param>
    /// <param name="intraOpThreads">ONNX Runtime's threads per run; 0 lets ONNX Runtime choose.</param>
    public VaeOnnxScorer(VaeModel model, VaeScoring? scoring = null, int intraOpThreads = 0)
        : this(model, VaeOnnxGraph.Build(model ?? throw new ArgumentNullException(nameof(model)), new VaeGraphOptions { Scoring = scoring ?? VaeScoring.NegativeElboAtMean }),
            VaeOnnxGraph.Features, model.InputDimension, intraOpThreads)
    {
        RowsPerRun = (scoring ?? VaeScoring.NegativeElboAtMean).RowsPerRun(VaeTransformerBase.DefaultBatchSize);
    }

    private VaeOnnxScorer(VaeModel model, byte[] graph, string inputName, int inputWidth, int intraOpThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        InputDimension = model.InputDimension;
        LatentDimension = model.LatentDimension;
        InputWidth = inputWidth;
        FeatureSlots = model.InputLayout.Features;
        _inputNames = [inputName];

        // The session copies its options when it is created, so they need not outlive the constructor.
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
            // The last block of every pass has another row count; memory patterns are planned per shape.
            EnableMemoryPattern = false,
        };
        _session = new InferenceSession(graph, options);
    }

    /// <summary>Decodes latent vectors [N, k] into reconstructions [N, D] (<see cref="VaeOutputs.Reconstruction"/> only).</summary>
    public static VaeOnnxScorer ForDecoder(VaeModel model, int intraOpThreads = 0) =>
        new(model, VaeOnnxGraph.BuildDecoder(model), VaeOnnxGraph.Latent, model.LatentDimension, intraOpThreads);

    /// <summary>
    /// Fills the missing cells of rows [N, D] (<see cref="VaeImputeGraph"/>, <paramref name="samples"/> draws seeded by
    /// <paramref name="seed"/>): the filled rows arrive in <see cref="VaeOutputs.Reconstruction"/>.
    /// </summary>
    public static VaeOnnxScorer ForImputer(VaeModel model, int samples, int seed, int intraOpThreads = 0) =>
        new(model, VaeImputeGraph.Build(model, samples, seed, VaeOnnxGraph.Features, VaeOnnxGraph.Reconstruction, perRow: false),
            VaeOnnxGraph.Features, model.InputDimension, intraOpThreads);

    public int InputDimension { get; }

    public int LatentDimension { get; }

    /// <summary>Values per input row: D for the scoring graph, k for the decoder.</summary>
    public int InputWidth { get; }

    /// <summary>The feature slots F of the model, the width of its per-feature errors.</summary>
    public int FeatureSlots { get; }

    /// <summary>The most rows <see cref="ScoreAll"/> scores per run (<see cref="VaeScoring.RowsPerRun(int)"/>).</summary>
    public int RowsPerRun { get; } = VaeTransformerBase.DefaultBatchSize;

    /// <summary>Creates buffers for up to <paramref name="capacity"/> rows per run, holding the requested outputs.</summary>
    public VaeScoreBatch CreateBatch(int capacity, VaeOutputs outputs) =>
        new(InputDimension, LatentDimension, capacity, outputs, InputWidth, FeatureSlots);

    /// <summary>
    /// Scores the first <paramref name="rows"/> rows of <see cref="VaeScoreBatch.Features"/>, writing the first
    /// <paramref name="rows"/> rows of each requested output of <paramref name="batch"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The scorer was disposed before the call.</exception>
    public void Run(VaeScoreBatch batch, int rows)
    {
        if (!TryRun(batch, rows))
            throw new ObjectDisposedException(nameof(VaeOnnxScorer), "The ONNX Runtime session of this scorer was released by Dispose.");
    }

    /// <summary>
    /// <see cref="Run"/>, or false without running when the scorer was disposed before the call, for a caller that
    /// then scores with a new scorer.
    /// </summary>
    public bool TryRun(VaeScoreBatch batch, int rows)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.InputDimension != InputDimension || batch.LatentDimension != LatentDimension || batch.InputWidth != InputWidth)
            throw new ArgumentException(
                $"The batch was sized for {batch.InputDimension} features, {batch.LatentDimension} latent dimensions and inputs of {batch.InputWidth}, " +
                $"the scorer has {InputDimension}, {LatentDimension} and {InputWidth}.", nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, batch.Capacity);
        if (!TryAcquire())
            return false;
        try
        {
            if (rows > 0)
                RunSession(batch, rows);
            return true;
        }
        finally
        {
            Release();
        }
    }

    private void RunSession(VaeScoreBatch batch, int rows)
    {
        var buffers = batch.Buffers;
        var outputValues = new OrtValue[buffers.Count];
        try
        {
            using var input = Wrap(batch.Features, rows, InputWidth);
            for (int i = 0; i < buffers.Count; i++)
                outputValues[i] = Wrap(buffers[i].Values, rows, buffers[i].Columns);
            // Handing ONNX Runtime pre-allocated outputs makes it write the results straight into the batch's arrays.
            _session.Run(_runOptions, _inputNames, [input], batch.OutputNames, outputValues);
        }
        finally
        {
            foreach (var value in outputValues)
                value?.Dispose();
        }
    }

    /// <summary>
    /// The anomaly score of every row of a row-major [rows × D] matrix, scored a block at a time;
    /// <paramref name="cancellation"/> is checked before each block.
    /// </summary>
    public float[] ScoreAll(ReadOnlySpan<float> features, int rows, CancellationToken cancellation = default)
    {
        var scores = new float[rows];
        var batch = CreateBatch(Math.Max(1, Math.Min(rows, RowsPerRun)), VaeOutputs.Score);
        for (int start = 0; start < rows; start += batch.Capacity)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batch.Capacity, rows - start);
            features.Slice(start * InputWidth, count * InputWidth).CopyTo(batch.Features);
            Run(batch, count);
            batch.Score.AsSpan(0, count).CopyTo(scores.AsSpan(start));
        }
        return scores;
    }

    /// <summary>Releases the session now, or when the last <see cref="Run"/> in progress returns; later calls throw.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            Release();
    }

    /// <summary>Counts one more user, unless the count has reached 0 (the session is freed or being freed).</summary>
    private bool TryAcquire()
    {
        int users = Volatile.Read(ref _users);
        while (users > 0)
        {
            int seen = Interlocked.CompareExchange(ref _users, users + 1, users);
            if (seen == users)
                return true;
            users = seen;
        }
        return false;
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    /// <summary>Views the first <paramref name="rows"/> rows of <paramref name="values"/> as a tensor without copying.</summary>
    private static OrtValue Wrap(float[] values, int rows, int? columns)
    {
        long[] shape = columns is int width ? [rows, width] : [rows];
        return OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, values.AsMemory(0, rows * (columns ?? 1)), shape);
    }
}
