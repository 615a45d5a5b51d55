using TorchSharp;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The minor principal components of the rows a model was trained on (<see cref="MinorComponents"/>): their mean and
/// the eigen-decomposition of their covariance, in double.
/// </summary>
internal static class MinorComponentsFit
{
    /// <summary>
    /// Models of more features than this have no components: 256, so that the covariance, rows × D² products, stays a
    /// small share of training on any number of rows (the 14 shared data sets have at most 166 features).
    /// </summary>
    public const int MaximumDimension = 256;

    /// <summary>Rows per product: the covariance is summed over blocks, so that no copy of every row is made in double.</summary>
    private const int BlockRows = 16_384;

    /// <summary>
    /// The components of the rows of <paramref name="all"/> listed in <paramref name="trainingRows"/>, or null for a
    /// model that has none: one of missing values, of mixed columns or of a Bernoulli likelihood, one of more than
    /// <see cref="MaximumDimension"/> features, or, unless <paramref name="anyRowCount"/>, one trained on no more rows
    /// than features (whose covariance is singular by its size alone, not by the data's shape). <paramref name="anyRowCount"/>
    /// is for a cross-fitted calibration model of a detector whose model has components: its scores must be the
    /// deployed score's, term included, even when its fold leaves it no more rows than features (the covariance's zero
    /// eigenvalues are then floored as a constant column's are); without the term they would be lower, and the
    /// threshold would flag most new normal rows.
    /// </summary>
    public static MinorComponents? Fit(TrainingRows all, long[] trainingRows, VaeInputLayout layout, VaeTrainingOptions options, bool anyRowCount = false)
    {
        int d = layout.Cells;
        if (options.MissingValues != VaeMissingValues.Error || options.Likelihood != VaeLikelihood.Gaussian || !layout.IsSingleReal
            || d > MaximumDimension || (trainingRows.Length <= d && !anyRowCount))
            return null;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var blocks = trainingRows.Chunk(BlockRows).ToArray();
        var sum = zeros(d, dtype: ScalarType.Float64);
        foreach (var block in blocks)
            sum.add_(Rows(all, block).sum(0L), KeptScalars.One);  // 0L: a literal 0 would pick the overload that takes a ScalarType
        // Every number handed to libtorch is held until its call returns (KeptScalars).
        using var rowCount = trainingRows.Length.ToScalar();
        var mean = sum.div(rowCount);
        var covariance = zeros(d, d, dtype: ScalarType.Float64);
        foreach (var block in blocks)
        {
            var centered = Rows(all, block) - mean;
            covariance.add_(centered.t().matmul(centered), KeptScalars.One);
        }
        // The population covariance, as measured (docs/quality.md); eigh returns the vectors as columns.
        var (values, vectors) = linalg.eigh(covariance.div(rowCount));
        return MinorComponents.FromEigenDecomposition(mean.data<double>().ToArray(), values.data<double>().ToArray(),
            vectors.t().contiguous().data<double>().ToArray());
    }

    private static Tensor Rows(TrainingRows all, long[] block) => all.Select(tensor(block)).X.to_type(ScalarType.Float64);
}
