using TorchSharp;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>The two terms of the negative ELBO, in nats: per row for scores, or summed over a batch for training.</summary>
internal static class VaeLoss
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>−log p(x|z) for each row, summed over features (over the observed ones when cells are missing).</summary>
    /// <param name="x">The rows, [N, D]; a missing cell holds any finite value, which the mask leaves out.</param>
    /// <param name="decoded">The decoder output: the Gaussian mean or the Bernoulli logits, [N, D].</param>
    /// <param name="outputLogVariance">Per-feature log σ² of the Gaussian, [D]; null for σ = 1; ignored for Bernoulli.</param>
    /// <param name="likelihood">The decoder's distribution (of the real-valued cells, for mixed columns).</param>
    /// <param name="observed">The mask, [N, D], 1 for an observed cell and 0 for a missing one; null when every cell is observed.</param>
    /// <param name="layout">The input columns, for a model of mixed columns (<see cref="ReconstructionTerms"/>); null for one real column.</param>
    public static Tensor Reconstruction(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood, Tensor? observed = null,
        VaeInputLayout? layout = null)
    {
        // The constant ½·D·log 2π is added per row, not per feature: one small op instead of one over the whole batch.
        using var constant = ConstantPerRow(likelihood, observed is null ? RealCells(layout) ?? x.shape[1] : 1).ToScalar();
        return observed is null
            ? ReconstructionTerms(x, decoded, outputLogVariance, likelihood, layout).sum(1).add(constant, KeptScalars.One)
            : (ReconstructionTerms(x, decoded, outputLogVariance, likelihood, layout) * observed).sum(1).Plus(ObservedRealCells(observed, layout).mul(constant));
    }

    /// <summary>
    /// The batch's summed −log p(x|z) without the constant <see cref="ConstantPerRow"/> per row, which has no
    /// gradient: the training loss, one reduction and no constant op per mini-batch, where small networks spend
    /// their time on the number of ops rather than their size.
    /// </summary>
    /// <remarks>With <paramref name="observed"/>, the masked sum of MIWAE: a missing cell adds nothing, nor any gradient.</remarks>
    public static Tensor ReconstructionSum(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood, Tensor? observed = null,
        VaeInputLayout? layout = null) =>
        observed is null
            ? ReconstructionTerms(x, decoded, outputLogVariance, likelihood, layout).sum()
            : (ReconstructionTerms(x, decoded, outputLogVariance, likelihood, layout) * observed).sum();

    /// <summary>
    /// The part of −log p(x|z) per row that does not depend on the weights: ½·D·log 2π for the Gaussian, with D the
    /// observed real cells of a row (on average, for a loss summed over rows with missing cells).
    /// </summary>
    public static double ConstantPerRow(VaeLikelihood likelihood, double dimension) =>
        likelihood == VaeLikelihood.Gaussian ? dimension * HalfLog2Pi : 0;

    /// <summary>The real-valued cells of a row of mixed columns, which alone carry the Gaussian's constant; null for one real column.</summary>
    public static int? RealCells(VaeInputLayout? layout) =>
        layout is null || layout.IsSingleReal ? null : layout.Columns.Where(c => c.Kind == VaeInputKind.Real).Sum(c => c.Cells);

    /// <summary>The observed real-valued cells of each row, [N].</summary>
    private static Tensor ObservedRealCells(Tensor observed, VaeInputLayout? layout) =>
        layout is null || layout.IsSingleReal
            ? observed.sum(1)
            : layout.Columns.Select((c, i) => c.Kind == VaeInputKind.Real ? observed.narrow(1, layout.CellOffset(i), c.Cells).sum(1) : null)
                .OfType<Tensor>().Aggregate(zeros(observed.shape[0]), (sum, part) => sum.Plus(part));

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) for each row, in closed form: −½ Σ (1 + log σ² − μ² − σ²).</summary>
    public static Tensor KlDivergence(Tensor mean, Tensor logVariance) => KlTerms(mean, logVariance).sum(1).mul(KeptScalars.MinusHalf);

    /// <summary>The batch's summed KL divergence.</summary>
    public static Tensor KlDivergenceSum(Tensor mean, Tensor logVariance) => KlTerms(mean, logVariance).sum().mul(KeptScalars.MinusHalf);

    /// <summary>
    /// −log p(xⱼ|z) per cell, [N, D]. For mixed columns a column at a time: real cells as <paramref name="likelihood"/>
    /// says, Boolean cells Bernoulli, and each key slot's K one-hot cells −xₖ·log softmax(its K logits)ₖ, batched as
    /// [N, slots, K], so that the slot's term, on its observed category's cell, is −log p(category) (and 0 for a
    /// missing key, whose cells hold 0).
    /// </summary>
    private static Tensor ReconstructionTerms(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood, VaeInputLayout? layout)
    {
        if (layout is null || layout.IsSingleReal)
            return CellTerms(x, decoded, outputLogVariance, likelihood);
        var terms = layout.Columns.Select((column, i) =>
        {
            int start = layout.CellOffset(i);
            var xs = x.narrow(1, start, column.Cells);
            var ds = decoded.narrow(1, start, column.Cells);
            return column.Kind switch
            {
                VaeInputKind.Real => CellTerms(xs, ds, outputLogVariance?.narrow(0, start, column.Cells), likelihood),
                VaeInputKind.Binary => CellTerms(xs, ds, null, VaeLikelihood.Bernoulli),
                _ => -(xs * ds.view(-1, column.Slots, column.Categories).log_softmax(2).view(-1, column.Cells)),
            };
        }).ToArray();
        return cat(terms, 1);
    }

    private static Tensor CellTerms(Tensor x, Tensor decoded, Tensor? outputLogVariance, VaeLikelihood likelihood) => likelihood switch
    {
        VaeLikelihood.Gaussian when outputLogVariance is null => (x - decoded).Squared().mul(KeptScalars.Half),
        VaeLikelihood.Gaussian => ((x - decoded).Squared() * exp(-outputLogVariance)).Plus(outputLogVariance).mul(KeptScalars.Half),
        VaeLikelihood.Bernoulli => nn.functional.binary_cross_entropy_with_logits(decoded, x, reduction: nn.Reduction.None),
        _ => throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, "Unknown likelihood."),
    };

    private static Tensor KlTerms(Tensor mean, Tensor logVariance) => logVariance.add(KeptScalars.One, KeptScalars.One) - mean.Squared() - logVariance.exp();
}
