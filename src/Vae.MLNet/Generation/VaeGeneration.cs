using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// The VAE as a generative model: encode rows, decode latent vectors, sample new rows from the prior, and walk the
/// latent space (interpolation, traversal). All of it runs through ONNX Runtime; none of it needs TorchSharp. Each
/// model's encoder and decoder sessions are created on first use and shared by every later call, on any thread,
/// for as long as the model lives.
/// </summary>
/// <remarks>
/// The model works in the units it was trained on. When a pipeline standardized the features first (e.g.
/// <c>NormalizeMeanVariance</c>), map generated rows back with that normalizer's parameters:
/// <c>var p = (AffineNormalizerModelParameters&lt;ImmutableArray&lt;float&gt;&gt;)normalizer.GetNormalizerModelParameters(0);</c>
/// then xⱼ = generatedⱼ / p.Scale[j] + p.Offset[j] (a normalizer without an offset has an empty Offset).
/// </remarks>
public static class VaeGeneration
{
    // Keyed by the model and gone with it: a model is immutable, so its sessions never go stale.
    private static readonly ConditionalWeakTable<VaeModel, Sessions> SessionsOf = new();

    /// <summary>The posterior means μ(x) of <paramref name="rows"/> (each of <see cref="VaeModel.InputDimension"/> values).</summary>
    /// <exception cref="VaeDataException">A row holds ±∞, or NaN when the model refuses missing values
    /// (<see cref="VaeModel.MissingValues"/>), or no observed value: the checks a pipeline makes, with the row and slot named.</exception>
    public static float[][] Encode(this VaeModel model, IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The encoder's graph turns NaN and ∞ into NaN or huge codes without a word: check rows as the transformers do.
        string column = model.InputLayout.Columns[0].Name;
        return Run(SessionsFor(model).Encoder, rows, nameof(rows), model.InputDimension, VaeOutputs.LatentMean, model.LatentDimension,
            (row, index, cells) => FeatureColumn.CopyChecked(new VBuffer<float>(row.Length, row), cells, column, index, model.MissingValues));
    }

    /// <summary>The decoder's output for each latent vector (each of <see cref="VaeModel.LatentDimension"/> values).</summary>
    /// <exception cref="ArgumentException">A latent vector holds NaN or ±∞, which decodes to NaN, or is so far from the
    /// prior (±3e38, say) that the decoder's arithmetic overflows and its row is not finite.</exception>
    public static float[][] Decode(this VaeModel model, IReadOnlyList<float[]> latents)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Decode(model, latents, (index, why) => new ArgumentException($"Latent vector {index} {why}", nameof(latents)));
    }

    /// <summary>
    /// <see cref="Decode(VaeModel, IReadOnlyList{float[]})"/>, with <paramref name="refuse"/> making the exception for
    /// latent vector i, as the caller knows it, from the reason that follows its name.
    /// </summary>
    private static float[][] Decode(VaeModel model, IReadOnlyList<float[]> latents, Func<int, string, Exception> refuse)
    {
        var decoded = Run(SessionsFor(model).Decoder, latents, nameof(latents), model.LatentDimension, VaeOutputs.Reconstruction, model.InputDimension,
            (latent, index, cells) =>
            {
                int slot = Array.FindIndex(latent, value => !float.IsFinite(value));
                if (slot >= 0)
                    throw refuse(index, $"holds {latent[slot]} at slot {slot}: latent codes must be finite.");
                latent.CopyTo(cells);
            });
        for (int i = 0; i < decoded.Length; i++)
            if (DecoderOverflow.Check(latents[i], decoded[i]) is string why)
                throw refuse(i, why);
        return decoded;
    }

    /// <summary>
    /// <paramref name="count"/> new rows: z ~ N(0, I) drawn with <paramref name="seed"/>, decoded. With
    /// <paramref name="drawFromLikelihood"/>, each row is a draw from p(x|z) (Gaussian noise with the learned
    /// variances, or 0/1 draws for a Bernoulli likelihood; in a model of mixed columns, 0/1 for a Boolean cell and one
    /// category, one-hot, for each key slot) rather than the decoder's mean.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or its rows would not fit in this process's memory.</exception>
    public static float[][] Sample(this VaeModel model, int count, int seed, bool drawFromLikelihood = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckFitsInMemory(model, count);
        return SampleRange(model, 0, count, seed, drawFromLikelihood);
    }

    /// <summary>
    /// Fails before any allocation when <paramref name="count"/> sampled rows, held at once, would not fit in the memory
    /// this process may use: before, <c>Sample(int.MaxValue, …)</c> allocated for minutes and then ran out of memory.
    /// </summary>
    private static void CheckFitsInMemory(VaeModel model, int count)
    {
        // A row holds its latent code and its decoded values, each a float array: 4 bytes a value, a 24-byte array
        // header and an 8-byte reference.
        long bytesPerRow = 4L * (model.InputDimension + model.LatentDimension) + 2 * (24 + 8);
        // What the process may use (its memory limit, or the machine's) less what it holds already.
        double needed = (double)bytesPerRow * count, usable = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(forceFullCollection: false);
        if (count > Array.MaxLength || needed > usable)
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"{count:N0} rows of {model.InputDimension} values need about {needed / 1e9:N1} GB at once, more than the " +
                $"{usable / 1e9:N1} GB this process has left: draw fewer at a time (another seed draws other rows), or write " +
                "any count in constant memory with vae-mlnet generate.");
    }

    /// <summary>
    /// Rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 of the sequence that
    /// <see cref="Sample"/> draws with <paramref name="seed"/>: every draw is keyed by the seed and the row's index, so
    /// a sample too large for memory is drawn batch by batch, to the same rows.
    /// </summary>
    internal static float[][] SampleRange(VaeModel model, long first, int count, int seed, bool drawFromLikelihood)
    {
        var latents = new float[count][];
        for (int i = 0; i < count; i++)
        {
            latents[i] = new float[model.LatentDimension];
            LatentNoise.Fill(seed, first + i, latents[i]);
        }
        // A code drawn from the prior overflows the decoder only when its weights are damaged.
        var rows = Decode(model, latents, (index, why) => new InvalidOperationException($"Sampled row {first + index} {why}"));
        if (drawFromLikelihood)
            DrawFromLikelihood(model, rows, first, seed);
        return rows;
    }

    /// <summary>
    /// <see cref="Sample"/> as an <see cref="IDataView"/> with one column, <paramref name="columnName"/>: a vector of
    /// <see cref="VaeModel.InputDimension"/> Singles, laid out like the training features. For a model of mixed columns
    /// these are its model-space cells (<see cref="VaeModel.InputLayout"/>: a Boolean one cell, a key slot a one-hot block
    /// of its categories), not the columns it reads, so its own transformers do not read the view.
    /// </summary>
    public static IDataView Generate(this VaeModel model, MLContext mlContext, int count, int seed, bool drawFromLikelihood = false,
        string columnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(columnName);
        return VectorColumnView.Create(mlContext, columnName, model.InputDimension, model.Sample(count, seed, drawFromLikelihood));
    }

    /// <summary>
    /// <paramref name="steps"/> points (endpoints included) between the latent means of two rows, decoded. Linear
    /// interpolation, or spherical (slerp), which keeps intermediate codes at a norm typical of the prior.
    /// </summary>
    public static LatentPath Interpolate(this VaeModel model, float[] from, float[] to, int steps, bool spherical = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        CheckWidth(model, from, nameof(from));
        CheckWidth(model, to, nameof(to));
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var ends = model.Encode([from, to]);
        var latents = Enumerable.Range(0, steps)
            .Select(i => spherical ? Slerp(ends[0], ends[1], i / (double)(steps - 1)) : Lerp(ends[0], ends[1], i / (double)(steps - 1)))
            .ToArray();
        // Codes of rows clamped to ±1e8 overflow the decoder only when its weights are damaged: name the end of larger code.
        string end = ends[0].Max(MathF.Abs) >= ends[1].Max(MathF.Abs) ? nameof(from) : nameof(to);
        return new LatentPath(latents, Decode(model, latents, (index, why) => new ArgumentException($"Step {index} of the path {why}", end)));
    }

    /// <summary>
    /// The latent mean of <paramref name="row"/> with coordinate <paramref name="axis"/> set to each of
    /// <paramref name="values"/> in turn (the other coordinates unchanged), decoded: what that latent axis controls.
    /// </summary>
    public static LatentPath Traverse(this VaeModel model, float[] row, int axis, IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(axis);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(axis, model.LatentDimension);
        CheckWidth(model, row, nameof(row));
        for (int i = 0; i < values.Count; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{nameof(values)}[{i}] is {values[i]}: a latent coordinate must be finite.", nameof(values));
        var code = model.Encode([row])[0];
        var latents = values.Select(value =>
        {
            var z = (float[])code.Clone();
            z[axis] = value;
            return z;
        }).ToArray();
        return new LatentPath(latents, Decode(model, latents,
            (index, why) => new ArgumentException($"The code with coordinate {axis} set to {nameof(values)}[{index}] {why}", nameof(values))));
    }

    /// <summary>
    /// Runs <paramref name="inputs"/> (the caller's argument <paramref name="argument"/>) through <paramref name="scorer"/>,
    /// each checked and copied into its batch row by <paramref name="copy"/> (input, its index, its cells).
    /// </summary>
    private static float[][] Run(SharedScorer scorer, IReadOnlyList<float[]> inputs, string argument, int width, VaeOutputs output, int outputWidth,
        Action<float[], int, Span<float>> copy)
    {
        ArgumentNullException.ThrowIfNull(inputs, argument);
        var results = new float[inputs.Count][];
        // A batch no larger than the input: encoding one row should not allocate a thousand.
        var batch = scorer.Current.CreateBatch(Math.Clamp(inputs.Count, 1, VaeTransformerBase.DefaultBatchSize), output);
        for (int start = 0; start < inputs.Count; start += batch.Capacity)
        {
            int rows = Math.Min(batch.Capacity, inputs.Count - start);
            for (int r = 0; r < rows; r++)
            {
                var input = inputs[start + r] ?? throw new ArgumentException($"Row {start + r} is null.", argument);
                if (input.Length != width)
                    throw new ArgumentException($"Row {start + r} has {input.Length} values, but the model expects {width}.", argument);
                copy(input, start + r, batch.Features.AsSpan(r * width, width));
            }
            scorer.Run(batch, rows);
            for (int r = 0; r < rows; r++)
                results[start + r] = batch.Output(output).AsSpan(r * outputWidth, outputWidth).ToArray();
        }
        return results;
    }

    /// <summary>Throws when the row <paramref name="argument"/> is not of the model's <see cref="VaeModel.InputDimension"/> values.</summary>
    private static void CheckWidth(VaeModel model, float[] row, string argument)
    {
        if (row.Length != model.InputDimension)
            throw new ArgumentException($"'{argument}' has {row.Length} values, but the model expects {model.InputDimension}.", argument);
    }

    /// <summary>
    /// Replaces each decoded row by a draw from p(x|z), column by column as the layout says: a Gaussian real cell its mean
    /// plus noise of the learned variance, a Bernoulli cell (a real one under a Bernoulli likelihood, or a Boolean) 0 or 1,
    /// a key slot one category of its softmax, one-hot.
    /// </summary>
    private static void DrawFromLikelihood(VaeModel model, float[][] rows, long first, int seed)
    {
        var layout = model.InputLayout;
        bool gaussian = model.Likelihood == VaeLikelihood.Gaussian;
        var normal = new float[model.InputDimension];
        var uniform = new float[model.InputDimension];
        // Streams apart from the latent draws', keyed by the row like them. The normal draws hash slots 0 to 2W − 1,
        // so the uniform ones start past them when a row takes both (a model of one kind keeps the slots it always had).
        bool bothKinds = gaussian && !layout.IsSingleReal;
        for (int i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            if (gaussian)
                LatentNoise.Fill(~seed, first + i, normal);
            if (!gaussian || bothKinds)
                LatentNoise.FillUniform(~seed, first + i, uniform, firstSlot: bothKinds ? 2L * normal.Length : 0);
            for (int c = 0; c < layout.Columns.Count; c++)
            {
                var column = layout.Columns[c];
                int start = layout.CellOffset(c), end = start + column.Cells;
                switch (column.Kind)
                {
                    case VaeInputKind.Real when gaussian:
                        for (int j = start; j < end; j++)
                            row[j] += MathF.Exp(0.5f * model.OutputLogVariance[j]) * normal[j];
                        break;
                    case VaeInputKind.Real or VaeInputKind.Binary:
                        for (int j = start; j < end; j++)
                            row[j] = uniform[j] < row[j] ? 1f : 0f;
                        break;
                    default:
                        for (int block = start; block < end; block += column.Categories)
                            DrawCategory(row.AsSpan(block, column.Categories), uniform[block]);
                        break;
                }
            }
        }
    }

    /// <summary>Replaces the probabilities <paramref name="cells"/> by the one-hot cells of the category that <paramref name="u"/> in (0, 1] falls on.</summary>
    private static void DrawCategory(Span<float> cells, float u)
    {
        double total = 0;
        foreach (float p in cells)
            total += p;
        double cumulative = 0;
        int drawn = cells.Length - 1;
        for (int k = 0; k < cells.Length; k++)
        {
            cumulative += cells[k];
            if (u * total <= cumulative)
            {
                drawn = k;
                break;
            }
        }
        cells.Clear();
        cells[drawn] = 1f;
    }

    private static float[] Lerp(float[] a, float[] b, double t) =>
        a.Zip(b, (x, y) => (float)((1 - t) * x + t * y)).ToArray();

    private static float[] Slerp(float[] a, float[] b, double t)
    {
        double dot = 0, normA = 0, normB = 0;
        for (int j = 0; j < a.Length; j++)
        {
            dot += a[j] * b[j];
            normA += a[j] * a[j];
            normB += b[j] * b[j];
        }
        double omega = Math.Acos(Math.Clamp(dot / Math.Sqrt(normA * normB), -1, 1));
        // Nearly parallel codes (or a zero code): the arc is a line.
        if (double.IsNaN(omega) || Math.Sin(omega) < 1e-6)
            return Lerp(a, b, t);
        double wa = Math.Sin((1 - t) * omega) / Math.Sin(omega), wb = Math.Sin(t * omega) / Math.Sin(omega);
        return a.Zip(b, (x, y) => (float)(wa * x + wb * y)).ToArray();
    }

    /// <summary>The sessions of <paramref name="model"/>, created with the first call that needs them.</summary>
    internal static Sessions SessionsFor(VaeModel model) => SessionsOf.GetValue(model, Sessions.For);

    /// <summary>
    /// A model's encoder (the scoring graph with the score that needs no codes) and decoder. The sessions are freed with
    /// them, when the model is collected: ONNX Runtime's sessions release their native memory when finalized.
    /// </summary>
    internal sealed class Sessions(VaeModel model)
    {
        public SharedScorer Encoder { get; } = new(() => new VaeOnnxScorer(model, VaeScoring.NegativeElboAtMean));

        public SharedScorer Decoder { get; } = new(() => VaeOnnxScorer.ForDecoder(model));

        public static Sessions For(VaeModel model) => new(model);
    }

}
