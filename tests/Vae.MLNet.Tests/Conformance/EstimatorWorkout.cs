using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>
/// The checks ML.NET's own estimators pass (its "workout test"), run on one estimator: the estimator's schema
/// propagation matches the fitted transformer's output schema; invalid inputs are refused, with
/// <see cref="ArgumentOutOfRangeException"/> or <see cref="InvalidOperationException"/> naming the column, by every
/// step that can see the problem; the row-to-row mapper agrees with <c>Transform</c>; and a model saved and reloaded
/// through <c>mlContext.Model.Load</c> and through <c>LoadWithBatchedScoring</c> has the same schemas and values.
/// </summary>
/// <param name="ml">The context that saves and reloads.</param>
/// <param name="folder">Where the saved models go.</param>
/// <param name="companions">
/// The other input columns of an estimator of mixed columns, if it is one. Its pipeline reloaded by <c>mlContext.Model.Load</c>
/// is ML.NET's components, with known gaps, asserted as such: ML.NET's OnnxTransformer adds no <c>SlotNames</c> to
/// the per-feature errors, the imputer's glue (<c>MapValueToKey</c> over 1 to K) gives a filled key column the key
/// values 1 to K rather than the input's <c>KeyValues</c>, and the saved glue's <c>Concatenate</c> refuses an input column of another item type naming
/// the glue column it compared it with, a companion's one-hot or Single copy <c>'Companion.VaeCells'</c>.
/// </param>
internal sealed class EstimatorWorkout(MLContext ml, string folder, IReadOnlyList<string>? companions = null)
{
    private readonly List<string> _checks = [];

    /// <summary>The checks passed so far, one line each.</summary>
    public IReadOnlyList<string> Checks => _checks;

    /// <summary>Runs every check on <paramref name="estimator"/>.</summary>
    /// <param name="estimator">The estimator under test.</param>
    /// <param name="valid">Data it fits and transforms.</param>
    /// <param name="invalid">Data it or its transformer must refuse, in <see cref="InvalidInputs.Column"/>.</param>
    /// <param name="reload">What saving and reloading the fitted transformer must give.</param>
    public void Run<TTransformer>(IEstimator<TTransformer> estimator, IDataView valid, IReadOnlyList<InvalidInput> invalid, Reload reload)
        where TTransformer : class, ITransformer
    {
        var promised = estimator.GetOutputSchema(MLNetInternals.ShapeOf(valid.Schema));
        CheckEstimatorOn(estimator, invalid);

        var transformer = estimator.Fit(valid);
        try
        {
            SameSchema.AssertEqual(promised, MLNetInternals.ShapeOf(transformer.GetOutputSchema(valid.Schema)), "estimator vs fitted transformer");
            Passed("the estimator's output schema is the fitted transformer's");
            CheckTransformer("fitted", transformer, valid, invalid);
            if (reload == Reload.SavingRefused)
            {
                Assert.Throws<NotSupportedException>(() => ml.Model.Save(transformer, valid.Schema, Path.Combine(folder, "refused.zip")));
                Passed("saving is refused with NotSupportedException");
            }
            else
                CheckReloaded(transformer, valid, invalid, reload);
        }
        finally
        {
            (transformer as IDisposable)?.Dispose();
        }
    }

    private void CheckEstimatorOn<TTransformer>(IEstimator<TTransformer> estimator, IReadOnlyList<InvalidInput> invalid)
        where TTransformer : class, ITransformer
    {
        foreach (var input in invalid)
        {
            var shape = MLNetInternals.ShapeOf(input.Data.Schema);
            switch (input.RefusedBy)
            {
                case RefusedBy.All:
                    Refused($"estimator GetOutputSchema of {input.Description}", () => estimator.GetOutputSchema(shape));
                    Refused($"estimator Fit of {input.Description}", () => estimator.Fit(input.Data));
                    break;
                case RefusedBy.FitAndTransformers:
                    Refused($"estimator Fit of {input.Description}", () => estimator.Fit(input.Data));
                    break;
                case RefusedBy.Transformers:
                    estimator.GetOutputSchema(shape);
                    (estimator.Fit(input.Data) as IDisposable)?.Dispose();
                    Passed($"estimator GetOutputSchema and Fit accept {input.Description}");
                    break;
            }
        }
    }

    private void CheckTransformer(string name, ITransformer transformer, IDataView valid, IReadOnlyList<InvalidInput> invalid, bool byMLNet = false)
    {
        // Only a mixed pipeline loaded by ML.NET has glue that can name its own column (see the class's remarks).
        string[] glueColumns = byMLNet && companions is not null ? companions.Select(c => $"{c}.VaeCells").ToArray() : [];
        var schema = transformer.GetOutputSchema(valid.Schema);
        var transformed = transformer.Transform(valid);
        SameSchema.AssertEqual(schema, transformed.Schema, $"{name}: GetOutputSchema vs Transform");
        Passed($"{name}: Transform's schema is GetOutputSchema's");

        Assert.True(transformer.IsRowToRowMapper, $"{name}: not a row-to-row mapper");
        var mapper = transformer.GetRowToRowMapper(valid.Schema);
        Assert.Same(valid.Schema, mapper.InputSchema);
        SameSchema.AssertEqual(schema, mapper.OutputSchema, $"{name}: GetOutputSchema vs GetRowToRowMapper");
        Passed($"{name}: the row-to-row mapper's schemas are the input's and GetOutputSchema's");
        SameValues.AssertEqual(transformed, mapper, valid, $"{name}: Transform vs GetRowToRowMapper");
        Passed($"{name}: the row-to-row mapper's values are Transform's");
        // A pipeline loaded by ML.NET is ML.NET's components, whose cursors are theirs to check.
        if (!byMLNet)
        {
            OffRowGetters.AssertRefused(transformed, name);
            Passed($"{name}: a getter off a row is refused with InvalidOperationException");
        }

        bool onnx = HoldsOnnxTransformer(transformer);
        foreach (var input in invalid)
        {
            if (onnx && input.OnnxTransformerAccepts)
            {
                // ML.NET's gap, not ours: asserted so that the day OnnxTransformer refuses it, this check says so.
                transformer.GetOutputSchema(input.Data.Schema);
                Passed($"{name}: ML.NET's OnnxTransformer accepts {input.Description} (known gap)");
                continue;
            }
            Refused($"{name} GetOutputSchema of {input.Description}", () => transformer.GetOutputSchema(input.Data.Schema), glueColumns);
            Refused($"{name} Transform of {input.Description}", () => transformer.Transform(input.Data), glueColumns);
            Refused($"{name} GetRowToRowMapper of {input.Description}", () => transformer.GetRowToRowMapper(input.Data.Schema), glueColumns);
        }
    }

    private static bool HoldsOnnxTransformer(ITransformer transformer) =>
        transformer is OnnxTransformer || (transformer is TransformerChain<ITransformer> chain && chain.Any(HoldsOnnxTransformer));

    private void CheckReloaded(ITransformer transformer, IDataView valid, IReadOnlyList<InvalidInput> invalid, Reload reload)
    {
        string path = Path.Combine(folder, $"{Guid.NewGuid():N}.zip");
        ml.Model.Save(transformer, valid.Schema, path);
        var expected = transformer.Transform(valid);
        foreach (var (name, load, byMLNet) in Loaders)
        {
            var loaded = load(ml, path, out var inputSchema);
            bool hiddenColumns = !(byMLNet && reload == Reload.HiddenColumnsAfterModelLoad);
            try
            {
                SameSchema.AssertEqual(valid.Schema, inputSchema, $"{name}: saved input schema");
                Passed($"{name}: the saved input schema is the data's");
                string columns = hiddenColumns ? "all columns" : "visible columns";
                // ML.NET's OnnxTransformer adds no annotations, and its glue cannot copy a key column's (see the class's remarks).
                string[] lost = byMLNet && companions is not null ? ["SlotNames", "KeyValues"] : [];
                SameSchema.AssertEqual(transformer.GetOutputSchema(valid.Schema), loaded.GetOutputSchema(valid.Schema), $"{name}: output schema", hiddenColumns, lost);
                Passed($"{name}: the output schema is the fitted transformer's ({columns})");
                SameValues.AssertEqual(expected, loaded.Transform(valid), $"{name}: values", hiddenColumns);
                Passed($"{name}: the values are the fitted transformer's ({columns})");
                CheckTransformer(name, loaded, valid, invalid, byMLNet);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }
    }

    private delegate ITransformer Loader(MLContext ml, string path, out DataViewSchema inputSchema);

    private static readonly (string Name, Loader Load, bool ByMLNet)[] Loaders =
    [
        ("reloaded by Model.Load", (MLContext ml, string path, out DataViewSchema schema) => ml.Model.Load(path, out schema), true),
        ("reloaded by Model.LoadWithBatchedScoring", (MLContext ml, string path, out DataViewSchema schema) => ml.Model.LoadWithBatchedScoring(path, out schema), false),
    ];

    /// <summary>
    /// Asserts that <paramref name="action"/> throws <see cref="ArgumentOutOfRangeException"/> or
    /// <see cref="InvalidOperationException"/> (or a subclass, such as <see cref="VaeDataException"/>) whose message
    /// names the input column: as <c>'Features'</c>, or after an in-place transform is reloaded by ML.NET, as the
    /// copy <c>'Features.VaeInput'</c> that its OnnxTransformer reads.
    /// </summary>
    private void Refused(string what, Action action, IReadOnlyList<string>? glueColumns = null)
    {
        var error = Record.Exception(action);
        if (error is not (ArgumentOutOfRangeException or InvalidOperationException))
            throw new Xunit.Sdk.XunitException(
                $"{what}: expected ArgumentOutOfRangeException or InvalidOperationException, got {error?.GetType().Name ?? "no exception"}: {error?.Message}");
        string? glue = glueColumns?.FirstOrDefault(c => error.Message.Contains($"'{c}'", StringComparison.Ordinal));
        Assert.True(error.Message.Contains($"'{InvalidInputs.Column}'", StringComparison.Ordinal)
            || error.Message.Contains($"'{InvalidInputs.Column}.VaeInput'", StringComparison.Ordinal) || glue is not null,
            $"{what}: the message does not name the column '{InvalidInputs.Column}': {error.Message}");
        Passed(glue is null ? $"{what} is refused ({error.GetType().Name})" : $"{what} is refused ({error.GetType().Name}), naming the glue column '{glue}' (known gap)");
    }

    private void Passed(string check) => _checks.Add(check);
}
