using TorchSharp;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// Every training row as one tensor, [rows, D], and for a model of missing values the mask beside it, 1 for an
/// observed cell: the NaN cells of the data hold 0 in <see cref="Values"/>, so that no NaN reaches a product, where
/// even a zero weight would keep it (0 · NaN is NaN) and poison the gradients.
/// </summary>
internal sealed class TrainingRows : IDisposable
{
    // The data as from_array shares it (pinned while the tensor lives), and its [rows, D] view when cells are missing.
    private readonly Tensor _flat;
    private readonly Tensor? _raw;

    /// <param name="data">The rows, row-major, shared with the tensors rather than copied when no cell can be missing.</param>
    /// <param name="rows">Their number.</param>
    /// <param name="dimension">Features per row.</param>
    /// <param name="missingValues">Whether NaN cells are missing ones (the reader has refused them otherwise).</param>
    /// <param name="layout">The input columns, whose real cells alone count in <see cref="ObservedPerRow"/>.</param>
    public TrainingRows(float[] data, int rows, int dimension, VaeMissingValues missingValues, VaeInputLayout layout)
    {
        _flat = from_array(data);
        var all = _flat.view(rows, dimension);
        if (missingValues == VaeMissingValues.Error)
        {
            Values = all;
            ObservedPerRow = VaeLoss.RealCells(layout) ?? dimension;
            return;
        }
        _raw = all;
        using var missing = all.isnan();
        Observed = missing.logical_not().to_type(ScalarType.Float32);
        // Held until the call returns (KeptScalars): an implicit Scalar from the literal was once freed under libtorch
        // ("Expected false to be true" from Scalar::toFloat, seen once in 500 trainings).
        using var zero = 0f.ToScalar();
        Values = all.masked_fill(missing, zero);
        ObservedPerRow = (VaeLoss.RealCells(layout) is null ? Observed.sum(type: ScalarType.Float64)
            : RealCellsObserved(Observed, layout)).item<double>() / rows;
    }

    /// <summary>The rows, [rows, D], missing cells 0.</summary>
    public Tensor Values { get; }

    /// <summary>The mask, [rows, D]; null when every cell is observed.</summary>
    public Tensor? Observed { get; }

    /// <summary>The observed real-valued cells of an average row, which carry the Gaussian's constant: D when none is missing from one real column.</summary>
    public double ObservedPerRow { get; }

    private static Tensor RealCellsObserved(Tensor observed, VaeInputLayout layout)
    {
        using var scope = NewDisposeScope();
        var sum = zeros(1, dtype: ScalarType.Float64);
        for (int i = 0; i < layout.Columns.Count; i++)
            if (layout.Columns[i].Kind == VaeInputKind.Real)
                sum.add_(observed.narrow(1, layout.CellOffset(i), layout.Columns[i].Cells).sum(type: ScalarType.Float64), KeptScalars.One);
        return sum.MoveToOuterDisposeScope();
    }

    /// <summary>The rows at <paramref name="index"/> and their mask.</summary>
    public (Tensor X, Tensor? Observed) Select(Tensor index) => (Values.index_select(0, index), Observed?.index_select(0, index));

    public void Dispose()
    {
        Values.Dispose();
        Observed?.Dispose();
        _raw?.Dispose();
        _flat.Dispose();
    }
}
