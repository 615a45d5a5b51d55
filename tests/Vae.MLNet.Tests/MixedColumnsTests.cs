using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Vae.MLNet.Tests;

/// <summary>Columns of different kinds in one model (issue 18, part 2): real, Boolean and key columns, each with its likelihood.</summary>
public sealed class MixedColumnsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-mixed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// A row of the hand-computed model: one real value, one flag, one key of 3 categories. LoadFromEnumerable reads a
    /// [KeyType] member 0-based: <see cref="C"/> = k − 1 is key k, and a value past the count is the missing key 0.
    /// </summary>
    private sealed class TinyRow
    {
        public float R { get; set; }

        public bool B { get; set; }

        [KeyType(3)]
        public uint C { get; set; }
    }

    private const uint MissingKey = 3;

    /// <summary>As <see cref="TinyRow"/>, with a key of 5 categories.</summary>
    private sealed class WiderKeyRow
    {
        public float R { get; set; }

        public bool B { get; set; }

        [KeyType(5)]
        public uint C { get; set; }
    }

    private static readonly VaeInputLayout TinyLayout = new([
        new VaeInputColumn("R", VaeInputKind.Real, 1),
        new VaeInputColumn("B", VaeInputKind.Binary, 1),
        new VaeInputColumn("C", VaeInputKind.Categorical, 1, 3)]);

    /// <summary>
    /// A model whose code is always μ = 0, σ = 1 (KL 0) and whose decoder outputs the constants 0.5 (the real value's
    /// mean), 1 (the flag's logit) and 1, 2, 3 (the key's logits), with unit variance.
    /// </summary>
    private static VaeModel TinyModel(VaeMissingValues missingValues)
    {
        int inputs = missingValues == VaeMissingValues.Model ? 10 : 5;
        var zero = new DenseLayer(inputs, 1, new float[inputs], [0f]);
        var output = new DenseLayer(1, 5, new float[5], [0.5f, 1f, 1f, 2f, 3f]);
        return new VaeModel(VaeActivation.Relu, VaeLikelihood.Gaussian, [], zero, zero, [], output, new float[5], null, missingValues, TinyLayout);
    }

    private static readonly double Gaussian = 0.5 * (1.5 - 0.5) * (1.5 - 0.5) + 0.5 * Math.Log(2 * Math.PI);
    private static readonly double BernoulliTrue = Math.Log(1 + Math.E) - 1;
    private static readonly double BernoulliFalse = Math.Log(1 + Math.E);
    private static readonly double LogSumExp = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));

    private static (float[] Scores, float[][] Errors) Score(MLContext ml, VaeModel model, IEnumerable<TinyRow> rows)
    {
        var detector = new VaeAnomalyDetectionTransformer(model, "R", 0f, scoring: VaeScoring.NegativeElboAtMean, featureErrorColumnName: "Errors");
        var scored = detector.Transform(ml.Data.LoadFromEnumerable(rows));
        return (scored.GetColumn<float>("Score").ToArray(), scored.GetColumn<float[]>("Errors").ToArray());
    }

    [Fact]
    public void MixedLikelihoodsMatchAHandComputation()
    {
        var ml = new MLContext(seed: 1);
        var (scores, errors) = Score(ml, TinyModel(VaeMissingValues.Error), [new TinyRow { R = 1.5f, B = true, C = 1 }, new TinyRow { R = 1.5f, B = false, C = 2 }]);

        // Gaussian + Bernoulli + categorical, −log softmax(1, 2, 3)[category].
        Assert.Equal(new[] { Gaussian, BernoulliTrue, LogSumExp - 2 }, errors[0].Select(e => (double)e), new Tolerance(1e-5));
        Assert.Equal(new[] { Gaussian, BernoulliFalse, LogSumExp - 3 }, errors[1].Select(e => (double)e), new Tolerance(1e-5));
        Assert.Equal(Gaussian + BernoulliTrue + LogSumExp - 2, scores[0], 4);
        Assert.Equal(errors[1].Sum(), scores[1], 4);
    }

    [Fact]
    public void DrawsFromTheLikelihoodAreOfEachColumnsKind()
    {
        // The decoder's constant outputs: a real mean of 0.5 (σ = 1), P(flag) = σ(1), the key's softmax(1, 2, 3).
        // Before, every cell got Gaussian noise: flags and one-hot cells of 2.4 or −1.3.
        var rows = TinyModel(VaeMissingValues.Error).Sample(4000, seed: 2, drawFromLikelihood: true);

        Assert.All(rows, row =>
        {
            Assert.Contains(row[1], new[] { 0f, 1f });
            Assert.All(row[2..], cell => Assert.Contains(cell, new[] { 0f, 1f }));
            Assert.Equal(1f, row[2..].Sum());
        });
        Assert.Equal(0.5, rows.Average(row => row[0]), 0.05);
        Assert.Equal(1, Math.Sqrt(rows.Average(row => (row[0] - 0.5) * (row[0] - 0.5))), 0.05);
        Assert.Equal(1 / (1 + Math.Exp(-1)), rows.Average(row => row[1]), 0.03);
        var softmax = new[] { 1.0, 2.0, 3.0 }.Select(logit => Math.Exp(logit - LogSumExp)).ToArray();
        for (int k = 0; k < 3; k++)
            Assert.Equal(softmax[k], rows.Average(row => row[2 + k]), 0.03);
        Assert.Equal(rows, TinyModel(VaeMissingValues.Error).Sample(4000, seed: 2, drawFromLikelihood: true));
    }

    [Fact]
    public void AMissingKeyAndANaNAreMissingSlotsAndTheScoreIsNormalizedBySlots()
    {
        var ml = new MLContext(seed: 1);
        var (scores, errors) = Score(ml, TinyModel(VaeMissingValues.Model), [
            new TinyRow { R = 1.5f, B = true, C = MissingKey },
            new TinyRow { R = float.NaN, B = false, C = MissingKey },
            new TinyRow { R = float.NaN, B = true, C = 0 }]);

        // F = 3 features; a key slot counts once however many categories it has: weight 3 / (observed slots).
        Assert.Equal((Gaussian + BernoulliTrue) * 3 / 2, scores[0], 4);
        Assert.Equal(BernoulliFalse * 3, scores[1], 4);
        Assert.Equal((BernoulliTrue + LogSumExp - 1) * 3 / 2, scores[2], 4);
        Assert.True(float.IsNaN(errors[0][2]));
        Assert.Equal(new[] { true, false, true }, errors[1].Select(float.IsNaN));
        Assert.Equal(LogSumExp - 1, errors[2][2], 4);
    }

    /// <summary>
    /// The detector's and the model's own ONNX files read a missing key as NaN in its K cells or as K zeros, which is how
    /// ML.NET's KeyToVector (and most one-hot encoders) write an unknown value. K zeros used to be scored as an observed
    /// category of probability 1 (error 0): no error, and a row looked the more normal for missing its key (on cardio
    /// with two binned columns, 20% of cells missing: 10 of 828 labels changed); a model that refuses missing values
    /// scored such a row as if it were complete.
    /// </summary>
    [Fact]
    public void TheExportedFilesReadAKeyOfKZerosAsMissing()
    {
        string detectorFile = Path.Combine(_folder, "detector.onnx"), modelFile = Path.Combine(_folder, "model.onnx");
        var detector = new VaeAnomalyDetectionTransformer(TinyModel(VaeMissingValues.Model), "R", 0f, scoring: VaeScoring.NegativeElboAtMean);
        detector.ExportOnnx(detectorFile);
        detector.Model.ExportOnnx(modelFile);
        float[][] rows = [[1.5f, 1, float.NaN, float.NaN, float.NaN], [1.5f, 1, 0, 0, 0]];
        foreach (string file in new[] { detectorFile, modelFile })
        {
            var scores = TestData.RunGraph(file, rows, "score");
            Assert.Equal((Gaussian + BernoulliTrue) * 3 / 2, scores[0], 4);
            Assert.Equal(scores[0], scores[1]);
            Assert.True(float.IsNaN(TestData.RunGraph(file, rows, "feature_error")[3 + 2]), "the zero key's feature error is NaN");
        }
        Assert.True(VaeModelFile.Load(modelFile).InputLayout.SameAs(detector.Model.InputLayout), "the model's file still loads");

        new VaeAnomalyDetectionTransformer(TinyModel(VaeMissingValues.Error), "R", 0f, scoring: VaeScoring.NegativeElboAtMean).ExportOnnx(detectorFile);
        Assert.True(float.IsNaN(TestData.RunGraph(detectorFile, rows, "score")[1]), "a model that refuses missing keys scores K zeros NaN");
    }

    [Fact]
    public void TheFeatureErrorSlotsAreNamedAfterTheColumns()
    {
        var ml = new MLContext(seed: 1);
        var detector = new VaeAnomalyDetectionTransformer(TinyModel(VaeMissingValues.Error), "R", 0f, featureErrorColumnName: "Errors");
        var schema = detector.GetOutputSchema(ml.Data.LoadFromEnumerable(Array.Empty<TinyRow>()).Schema);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        schema["Errors"].GetSlotNames(ref names);
        Assert.Equal(["R", "B", "C"], names.DenseValues().Select(n => n.ToString()));
    }

    [Fact]
    public void AMissingKeyIsAnErrorThatAdvisesModelUnlessTheModelHandlesIt()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<VaeDataException>(() => Score(ml, TinyModel(VaeMissingValues.Error), [new TinyRow { R = 1, C = 0 }, new TinyRow { R = 1, C = MissingKey }]));
        Assert.Equal("C", error.ColumnName);
        Assert.Equal(1, error.Row);
        Assert.Contains("MissingValues = Model", error.Message);
        Assert.Contains("give MapValueToKey every category (keyData)", error.Message);
    }

    [Fact]
    public void AKeyOfOtherCategoriesThanTheModelsIsRefusedWithBothCounts()
    {
        var ml = new MLContext(seed: 1);
        var detector = new VaeAnomalyDetectionTransformer(TinyModel(VaeMissingValues.Model), "R", 0f);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => detector.Transform(ml.Data.LoadFromEnumerable(new[] { new WiderKeyRow() })));
        Assert.Contains("'C' has 5 categories, but the model was trained on 3", error.Message);
    }

    [Fact]
    public void AKeyAboveItsTypesCountIsRefusedWithColumnRowAndSlot()
    {
        // ML.NET's own loaders never give such a key (LoadFromEnumerable reads a value past the count as key 0), but any
        // IDataView may: a getter's values are not checked against the column's type.
        var data = new KeyRowsView([1, 2, 5]);
        var error = Assert.Throws<VaeDataException>(() =>
            new VaeAnomalyDetectionTransformer(TinyModel(VaeMissingValues.Model), "R", 0f).Transform(data).GetColumn<float>("Score").ToArray());
        Assert.Equal("C", error.ColumnName);
        Assert.Equal(2, error.Row);
        Assert.Contains("Row 2 of column 'C' holds key 5 at slot 0, above the 3 categories of the model", error.Message);
    }

    /// <summary>Rows of <see cref="TinyRow"/>'s schema (R = 1, B = true) whose key column C yields the given raw keys, in range or not.</summary>
    private sealed class KeyRowsView(uint[] keys) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema { get; } = BuildSchema();

        private uint[] Keys { get; } = keys;

        public long? GetRowCount() => Keys.Length;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

        private static DataViewSchema BuildSchema()
        {
            var builder = new DataViewSchema.Builder();
            builder.AddColumn("R", NumberDataViewType.Single);
            builder.AddColumn("B", BooleanDataViewType.Instance);
            builder.AddColumn("C", new KeyDataViewType(typeof(uint), 3));
            return builder.ToSchema();
        }

        private sealed class Cursor(KeyRowsView view) : DataViewRowCursor
        {
            private long _position = -1;

            public override DataViewSchema Schema => view.Schema;

            public override long Position => _position;

            public override long Batch => 0;

            public override bool MoveNext() => ++_position < view.Keys.Length;

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => column.Name switch
            {
                "R" => (ValueGetter<TValue>)(Delegate)(ValueGetter<float>)((ref float value) => value = 1f),
                "B" => (ValueGetter<TValue>)(Delegate)(ValueGetter<bool>)((ref bool value) => value = true),
                _ => (ValueGetter<TValue>)(Delegate)(ValueGetter<uint>)((ref uint value) => value = view.Keys[_position]),
            };
        }
    }

    [Fact]
    public void TheMixedLossIsTheSumOfEachCellsLikelihood()
    {
        // Cells: R, B, C(3); row 0 category 2, row 1's key missing (its cells 0, unobserved).
        using var x = tensor(new float[] { 1.5f, 1, 0, 1, 0, 1.5f, 0, 0, 0, 0 }, 2, 5);
        using var observed = tensor(new float[] { 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 }, 2, 5);
        using var decoded = tensor(new float[] { 0.5f, 1, 1, 2, 3, 0.5f, 1, 1, 2, 3 }, 2, 5);
        using var perRow = VaeLoss.Reconstruction(x, decoded, zeros(5), VaeLikelihood.Gaussian, observed, TinyLayout);
        var values = perRow.data<float>().ToArray();
        Assert.Equal(Gaussian + BernoulliTrue + LogSumExp - 2, values[0], 4);
        Assert.Equal(Gaussian + BernoulliFalse, values[1], 4);
    }

    [Fact]
    public void AKeyOfTooManyCategoriesIsRefusedWithItsCount()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VaeInputColumn("Zip", VaeInputKind.Categorical, 1, 5000));
        Assert.Contains("Zip", error.Message);
        Assert.Contains("5000", error.Message);
    }

    /// <summary>A row of a mixed table: a category as text, a flag and two measurements.</summary>
    private sealed class TableRow
    {
        public string Color { get; set; } = "";

        public bool Flag { get; set; }

        [VectorType(2)]
        public float[] Values { get; set; } = [];
    }

    /// <summary>Seeded rows whose flag and colour follow the first measurement; <paramref name="odd"/> rows break the pattern.</summary>
    private static TableRow[] Table(int count, int seed, int odd = 0)
    {
        var random = new Random(seed);
        string[] colors = ["red", "green", "blue"];
        return Enumerable.Range(0, count).Select(i =>
        {
            float a = (float)random.NextDouble() * 3, b = a + (float)(random.NextDouble() - 0.5);
            bool broken = i < odd;
            return new TableRow { Color = colors[((int)a + (broken ? 1 : 0)) % 3], Flag = (a > 1.5) != broken, Values = [a, b] };
        }).ToArray();
    }

    private static EstimatorChain<VaeAnomalyDetectionTransformer> MixedPipeline(MLContext ml, int seed = 1) =>
        ml.Transforms.Conversion.MapValueToKey("ColorKey", "Color")
            .Append(ml.Transforms.NormalizeMeanVariance("Values"))
            .Append(ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options
            {
                FeatureColumnName = "Values", AdditionalFeatureColumnNames = ["ColorKey", "Flag"], MissingValues = VaeMissingValues.Model,
                FeatureErrorColumnName = "Errors", Epochs = 20, Seed = seed, LatentDimension = 2, HiddenLayerSizes = [16],
            }));

    [Fact]
    public void AMixedPipelineTrainsScoresSavesAndReloadsToTheSameScores()
    {
        var ml = new MLContext(seed: 1);
        var model = MixedPipeline(ml).Fit(ml.Data.LoadFromEnumerable(Table(300, 0)));
        var detector = model.LastTransformer;
        Assert.Equal([VaeInputKind.Real, VaeInputKind.Categorical, VaeInputKind.Binary], detector.Model.InputLayout.Columns.Select(c => c.Kind));
        Assert.Equal(3, detector.Model.InputLayout.Columns[1].Categories);

        // Test rows: a colour training never saw is the missing key 0.
        var test = Table(60, 1, odd: 10);
        test[20].Color = "purple";
        var testData = ml.Data.LoadFromEnumerable(test);
        var scores = model.Transform(testData).GetColumn<float>("Score").ToArray();
        Assert.All(scores, s => Assert.True(float.IsFinite(s)));

        string path = Path.Combine(_folder, "mixed.zip");
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<TableRow>()).Schema, path);
        var loaded = ml.Model.Load(path, out _);
        Assert.Equal(scores, loaded.Transform(testData).GetColumn<float>("Score").ToArray(), new FloatTolerance(1e-4f));
        var batched = ml.Model.LoadWithBatchedScoring(path, out _);
        var batchedScored = batched.Transform(testData);
        Assert.Equal(scores, batchedScored.GetColumn<float>("Score").ToArray());
        Assert.True(float.IsNaN(batchedScored.GetColumn<float[]>("Errors").ToArray()[20][2]), "the unseen colour's error is NaN");

        var engine = ml.Model.CreatePredictionEngine<TableRow, Prediction>(batched);
        Assert.Equal(scores[3], engine.Predict(test[3]).Score, 4);
    }

    [Fact]
    public void AMixedModelTrainsToTheSameScoresWithTheSameSeed()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Table(200, 0));
        var test = ml.Data.LoadFromEnumerable(Table(40, 1, odd: 5));
        float[] Scores(int seed) => MixedPipeline(new MLContext(seed: 1), seed).Fit(train).Transform(test).GetColumn<float>("Score").ToArray();

        Assert.Equal(Scores(3), Scores(3));
        Assert.NotEqual(Scores(3), Scores(4));
    }

    [Fact]
    public void AKeyColumnAllMissingInABatchScoresOnTheOtherColumns()
    {
        var ml = new MLContext(seed: 1);
        var model = MixedPipeline(ml).Fit(ml.Data.LoadFromEnumerable(Table(200, 0)));
        var unseen = Table(30, 2);
        foreach (var row in unseen)
            row.Color = "unseen";
        var scored = model.Transform(ml.Data.LoadFromEnumerable(unseen));
        Assert.All(scored.GetColumn<float>("Score"), s => Assert.True(float.IsFinite(s)));
        Assert.All(scored.GetColumn<float[]>("Errors"), e => Assert.True(float.IsNaN(e[2]) && float.IsFinite(e[0])));
    }

    [Fact]
    public void AReloadedMixedModelNamesAColumnOfTheWrongType()
    {
        var ml = new MLContext(seed: 1);
        var model = MixedPipeline(ml).Fit(ml.Data.LoadFromEnumerable(Table(100, 0)));
        string path = Path.Combine(_folder, "mixed.zip");
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<TableRow>()).Schema, path);
        var detector = ((TransformerChain<ITransformer>)ml.Model.LoadWithBatchedScoring(path, out _)).OfType<VaeAnomalyDetectionTransformer>().Single();

        var flagAsNumber = ml.Data.LoadFromEnumerable(new[] { new NumericFlagRow { Flag = 1, Values = [0, 0] } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => detector.Transform(flagAsNumber));
        Assert.Contains("Feature column 'Flag' is real-valued (Single), but the model was trained on Boolean.", error.Message);
    }

    /// <summary>
    /// <see cref="Table"/> rows whose colour (one in <paramref name="keyRate"/>) and first measurement (one in
    /// <paramref name="nanRate"/>) are hidden: a colour no one mapped is ML.NET's missing key 0.
    /// </summary>
    private static TableRow[] Hidden(TableRow[] rows, double keyRate, double nanRate, int seed)
    {
        var random = new Random(seed);
        return rows.Select(r => new TableRow
        {
            Color = random.NextDouble() < keyRate ? "?" : r.Color, Flag = r.Flag,
            Values = [random.NextDouble() < nanRate ? float.NaN : r.Values[0], r.Values[1]],
        }).ToArray();
    }

    private static EstimatorChain<VaeImputeTransformer> MixedImputer(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("ColorKey", "Color", keyData: ml.Data.LoadFromEnumerable(new[] { "red", "green", "blue" }.Select(c => new ColorRow { Color = c })))
            .Append(ml.Transforms.VaeImpute(new VaeImputeEstimator.Options
            {
                InputColumnName = "Values", OutputColumnName = "Imputed", AdditionalFeatureColumnNames = ["ColorKey", "Flag"],
                Epochs = 40, Seed = 1, LatentDimension = 2, HiddenLayerSizes = [32], ImputationSamples = 20,
            }));

    private sealed class ColorRow
    {
        public string Color { get; set; } = "";
    }

    [Fact]
    public void TheMixedImputerFillsAPredictableKeyBetterThanTheModeAndKeepsObservedCells()
    {
        var ml = new MLContext(seed: 1);
        var model = MixedImputer(ml).Fit(ml.Data.LoadFromEnumerable(Hidden(Table(800, 0), 0.2, 0.1, seed: 3)));
        var truth = Table(400, 5);
        var masked = Hidden(truth, 0.3, 0.1, seed: 6);
        var filled = model.Transform(ml.Data.LoadFromEnumerable(masked));
        Assert.IsType<KeyDataViewType>(filled.Schema["ColorKey"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), filled.Schema["Imputed"].Type);
        var keys = filled.GetColumn<uint>("ColorKey").ToArray();
        var values = filled.GetColumn<float[]>("Imputed").ToArray();
        var flags = filled.GetColumn<bool>("Flag").ToArray();
        // The filled column keeps the input's key values, so MapKeyToValue names the filled colours.
        var colors = ml.Transforms.Conversion.MapKeyToValue("FilledColor", "ColorKey").Fit(filled).Transform(filled).GetColumn<string>("FilledColor").ToArray();

        string[] names = ["red", "green", "blue"];
        int hidden = 0, right = 0;
        for (int i = 0; i < masked.Length; i++)
        {
            Assert.NotEqual(0u, keys[i]);
            Assert.Equal(names[keys[i] - 1], colors[i]);
            Assert.Equal(masked[i].Flag, flags[i]);
            Assert.Equal(masked[i].Values[1], values[i][1]);
            if (!float.IsNaN(masked[i].Values[0]))
                Assert.Equal(masked[i].Values[0], values[i][0]);
            else
                Assert.True(float.IsFinite(values[i][0]));
            if (masked[i].Color != "?")
            {
                Assert.Equal(masked[i].Color, colors[i]);
                continue;
            }
            hidden++;
            right += colors[i] == truth[i].Color ? 1 : 0;
        }
        // The mode of the training colours: the best a data-blind fill (ReplaceMissingValues' kind) does.
        string mode = Table(800, 0).GroupBy(r => r.Color).MaxBy(g => g.Count())!.Key;
        int modeRight = Enumerable.Range(0, masked.Length).Count(i => masked[i].Color == "?" && truth[i].Color == mode);
        output.WriteLine($"{hidden} hidden colours: the imputer fills {right} right, the mode {modeRight}");
        Assert.True(right > 0.7 * hidden && right > 1.5 * modeRight, $"imputer {right}/{hidden}, mode {modeRight}/{hidden}");
    }

    [Fact]
    public void TheMixedImputerSavesAndReloadsWithTheSameFilledColumns()
    {
        var ml = new MLContext(seed: 1);
        var model = MixedImputer(ml).Fit(ml.Data.LoadFromEnumerable(Hidden(Table(300, 0), 0.2, 0.1, seed: 3)));
        var data = ml.Data.LoadFromEnumerable(Hidden(Table(60, 5), 0.3, 0.2, seed: 6));
        var filled = model.Transform(data);
        var keys = filled.GetColumn<uint>("ColorKey").ToArray();
        var values = filled.GetColumn<float[]>("Imputed").SelectMany(v => v).ToArray();
        Assert.Equal(keys, model.Transform(data).GetColumn<uint>("ColorKey").ToArray());

        string path = Path.Combine(_folder, "imputer.zip");
        ml.Model.Save(model, data.Schema, path);
        var batched = ml.Model.LoadWithBatchedScoring(path, out _);
        Assert.Contains(((TransformerChain<ITransformer>)batched).Cast<ITransformer>(), t => t is VaeImputeTransformer);
        var reloaded = batched.Transform(data);
        Assert.Equal(keys, reloaded.GetColumn<uint>("ColorKey").ToArray());
        Assert.Equal(values, reloaded.GetColumn<float[]>("Imputed").SelectMany(v => v).ToArray());

        var loaded = ml.Model.Load(path, out _).Transform(data);
        Assert.Equal(filled.Schema["ColorKey"].Type, loaded.Schema["ColorKey"].Type);
        Assert.Equal(keys, loaded.GetColumn<uint>("ColorKey").ToArray());
        Assert.Equal(values, loaded.GetColumn<float[]>("Imputed").SelectMany(v => v).ToArray(), new FloatTolerance(1e-4f));
    }

    [Fact]
    public void TheMixedImputerFillsAScalarKeyMainColumnAndRefusesABooleanOne()
    {
        var ml = new MLContext(seed: 1);
        var rows = Hidden(Table(300, 0), 0.2, 0.1, seed: 3);
        var keyed = ml.Transforms.Conversion.MapValueToKey("ColorKey", "Color", keyData: ml.Data.LoadFromEnumerable(new[] { "red", "green", "blue" }.Select(c => new ColorRow { Color = c })));
        var pipeline = keyed.Append(ml.Transforms.VaeImpute(new VaeImputeEstimator.Options
        {
            InputColumnName = "ColorKey", OutputColumnName = "ColorKey", AdditionalFeatureColumnNames = ["Values"], Epochs = 5, Seed = 1, ImputationSamples = 5,
        }));
        var data = ml.Data.LoadFromEnumerable(rows);
        var shape = pipeline.GetOutputSchema(MLNetInternals.ShapeOf(data.Schema));
        Assert.True(shape.Single(c => c.Name == "ColorKey").IsKey);
        var filled = pipeline.Fit(data).Transform(data);
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), filled.Schema["ColorKey"].Type);
        Assert.DoesNotContain(0u, filled.GetColumn<uint>("ColorKey"));
        // The additional real column is filled in place too.
        Assert.Contains(rows, r => float.IsNaN(r.Values[0]));
        Assert.DoesNotContain(filled.GetColumn<float[]>("Values"), v => float.IsNaN(v[0]));

        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeImpute(new VaeImputeEstimator.Options
        {
            InputColumnName = "Flag", AdditionalFeatureColumnNames = ["Values"], Epochs = 1, Seed = 1,
        }).Fit(data));
        Assert.Contains("'Flag' is Boolean", error.Message);
    }

    private sealed class NumericFlagRow
    {
        [KeyType(3)]
        public uint ColorKey { get; set; }

        public float Flag { get; set; }

        [VectorType(2)]
        public float[] Values { get; set; } = [];
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    private sealed class FloatTolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon * Math.Max(1, Math.Abs(x));

        public int GetHashCode(float value) => 0;
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double value) => 0;
    }
}
