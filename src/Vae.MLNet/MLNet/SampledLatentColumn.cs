using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// A draw z = μ + σ ⊙ ε from the posterior q(z|x), with ε keyed by the seed and the row position so that the same
/// seed gives the same samples on every run.
/// </summary>
internal sealed class SampledLatentColumn(string name, int latentDimension, int seed)
    : VaeOutputColumn(name, new VectorDataViewType(NumberDataViewType.Single, latentDimension), VaeOutputs.LatentMean | VaeOutputs.LatentLogVariance)
{
    public override Delegate MakeGetter(ScoredRow row)
    {
        var noise = new float[latentDimension];
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var batch = row.Current(out int index);
            var mean = batch.Output(VaeOutputs.LatentMean).AsSpan(index * latentDimension, latentDimension);
            var logVariance = batch.Output(VaeOutputs.LatentLogVariance).AsSpan(index * latentDimension, latentDimension);
            LatentNoise.Fill(seed, row.Position, noise);
            var editor = VBufferEditor.Create(ref value, latentDimension);
            for (int j = 0; j < latentDimension; j++)
                editor.Values[j] = mean[j] + MathF.Exp(0.5f * logVariance[j]) * noise[j];
            value = editor.Commit();
        });
    }
}
