using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace Vae.MLNet;

/// <summary>
/// What the VAE featurizer, anomaly detector and decoder share: a trained <see cref="VaeModel"/> scored through ONNX Runtime
/// on blocks of rows, a feature column, and the columns each adds. The transformer is immutable and thread-safe:
/// every cursor and every mapped row owns its buffers, and the ONNX Runtime session is safe for concurrent runs.
/// <see cref="Dispose"/> may come from any thread at any time (a <c>PredictionEngine</c> that owns the transformer
/// disposes it): it never disturbs a run in progress, and the transformer stays usable.
/// </summary>
public abstract class VaeTransformerBase : ITransformer, IDisposable
{
    /// <summary>Rows scored per ONNX Runtime call: large enough to amortize the call, small enough for the cache.</summary>
    internal const int DefaultBatchSize = 1024;

    // The scoring path's only shared mutable state; every cursor and mapped row owns its buffers.
    private readonly SharedScorer _scorer;

    // Any use of a VAE transformer prepares a later mlContext.Model.Load of its saved form (see AssemblyResolution).
    static VaeTransformerBase() => AssemblyResolution.EnsureRegistered();

    private protected VaeTransformerBase(VaeModel model, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        Model = model;
        InputColumnName = inputColumnName;
        _scorer = new SharedScorer(CreateScorer);
    }

    /// <summary>The trained network.</summary>
    public VaeModel Model { get; }

    /// <summary>
    /// The column the transformer reads, a known-size vector of Single: the features, with
    /// <see cref="VaeModel.InputDimension"/> slots, for the featurizer and the detector; the latent codes, with
    /// <see cref="VaeModel.LatentDimension"/> slots, for <see cref="VaeDecodeTransformer"/>.
    /// </summary>
    public string InputColumnName { get; }

    /// <summary>
    /// The columns the transformer reads, <see cref="InputColumnName"/> in place of the first: the model's
    /// <see cref="VaeModel.InputLayout"/> for features, one column of latent codes for <see cref="VaeDecodeTransformer"/>.
    /// </summary>
    internal virtual VaeInputLayout InputLayout => Model.InputLayout;

    /// <summary>The names of the columns of <see cref="InputLayout"/>: <see cref="InputColumnName"/>, then the model's other input columns.</summary>
    internal IReadOnlyList<string> InputColumnNames => [InputColumnName, .. InputLayout.Columns.Skip(1).Select(c => c.Name)];

    /// <summary>Model-space values per row of the input columns.</summary>
    internal int InputWidth => InputLayout.Cells;

    /// <summary>
    /// A reader of the input columns of <paramref name="row"/> into model-space rows: features, NaN an error or a
    /// missing cell as the model's <see cref="VaeModel.MissingValues"/> says.
    /// </summary>
    internal virtual FeatureRowReader CreateReader(DataViewRow row) => new(row, InputColumnNames, InputLayout, Model.MissingValues);

    /// <summary>How the graph computes its score output; only the detector offers a choice.</summary>
    internal virtual VaeScoring GraphScoring => VaeScoring.NegativeElboAtMean;

    /// <summary>Rows per ONNX Runtime run of a block: fewer for a graph of many draws a row (<see cref="VaeScoring.RowsPerRun(int)"/>).</summary>
    internal virtual int RowsPerRun => GraphScoring.RowsPerRun(DefaultBatchSize);

    /// <summary>The ONNX Runtime scorer for this transformer's graph.</summary>
    private protected virtual VaeOnnxScorer CreateScorer() => new(Model, GraphScoring);

    /// <summary>Buffers for <paramref name="capacity"/> rows of this transformer's input and the outputs it <paramref name="needs"/>.</summary>
    internal VaeScoreBatch CreateBatch(int capacity, VaeOutputs needs) =>
        new(Model.InputDimension, Model.LatentDimension, capacity, needs, InputWidth, Model.InputLayout.Features, ReconstructionWidth);

    /// <summary>Values per row of the <see cref="VaeOutputs.Reconstruction"/> output: D, but the filled slots F for the imputer of mixed columns.</summary>
    private protected virtual int ReconstructionWidth => Model.InputDimension;

    /// <summary>Always true: the transformer maps each row on its own, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The columns this transformer adds, in schema order.</summary>
    internal abstract IReadOnlyList<VaeOutputColumn> OutputColumns { get; }

    /// <summary>
    /// Scores the first <paramref name="rows"/> rows of <paramref name="batch"/> with the ONNX Runtime scorer, created
    /// on first use, and checks the outputs (<see cref="CheckOutputs"/>). <see cref="Dispose"/> releases the scorer and
    /// a later use creates it again, so disposing a <c>PredictionEngine</c> that owns this transformer does not break other users.
    /// </summary>
    /// <param name="batch">The rows and their outputs.</param>
    /// <param name="rows">How many rows of the batch to score.</param>
    /// <param name="positionOf">The position in its data view of each row of the batch, for messages; null for the row given to <c>PredictionEngine.Predict</c>.</param>
    internal void Run(VaeScoreBatch batch, int rows, Func<int, long?> positionOf)
    {
        _scorer.Run(batch, rows);
        CheckOutputs(batch, rows, positionOf);
    }

    /// <summary>
    /// Refuses outputs that answer nothing, naming the row. Nothing to check for the scoring graphs, which clamp their
    /// features so that every finite row gets finite outputs; the decoder's can overflow (<see cref="DecoderOverflow"/>).
    /// </summary>
    private protected virtual void CheckOutputs(VaeScoreBatch batch, int rows, Func<int, long?> positionOf)
    {
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Layout(inputSchema).Schema;

    /// <summary>Adds the output columns to <paramref name="input"/>; rows are scored lazily, a block at a time.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new VaeScoredDataView(this, input, Layout(input.Schema));
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new VaeRowToRowMapper(this, Layout(inputSchema));

    private ColumnLayout Layout(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FeatureColumns.Check(inputSchema, InputColumnNames, InputLayout);
        return new ColumnLayout(inputSchema, OutputColumns);
    }

    /// <summary>
    /// Saves through ML.NET's own components, since ML.NET keeps the serialization of third-party transformers
    /// internal: an OnnxTransformer over this model's graph (which carries the weights and, in its metadata, this
    /// transformer's settings), followed by whatever stateless glue the columns need, and for an in-place transform
    /// between a copy of the features and its removal. <c>mlContext.Model.Load</c>
    /// gives those components back; <c>mlContext.Model.LoadWithBatchedScoring</c> gives this transformer back.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        // The graph goes to a file in a private folder, removed after saving (see ToOnnxTransformer).
        var folder = Directory.CreateTempSubdirectory("vae-mlnet-save-");
        try
        {
            var saveable = ToSaveableInPlace(new MLContext { TempFilePath = folder.FullName });
            try
            {
                ((ICanSaveModel)saveable).Save(ctx);
            }
            finally
            {
                (saveable as IDisposable)?.Dispose();
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The chain of ML.NET components that reproduces this transformer's columns when loaded.</summary>
    private protected virtual ITransformer ToSaveable(MLContext ml) => ToOnnxTransformer(ml);

    /// <summary>
    /// The column the saved graph reads: <see cref="InputColumnName"/>, unless an output replaces it (an in-place
    /// transform, as <c>VaeEncode("Features")</c> is), since an ONNX graph cannot have an input and an output of one name,
    /// or the model reads mixed columns, which the saved pipeline concatenates into one row of model-space cells.
    /// </summary>
    /// <remarks>
    /// The column is dropped again after the graph, so a user column of its name would be lost: hence a name no one
    /// picks, but one that starts with the column's, which ML.NET's messages about the copy then name.
    /// </remarks>
    internal string SavedInputName =>
        !InputLayout.IsSingleReal || OutputColumns.Any(c => c.Name == InputColumnName) ? $"{InputColumnName}.VaeInput" : InputColumnName;

    /// <summary>
    /// <see cref="ToSaveable"/>, preceded for an in-place transform by a copy of the features under
    /// <see cref="SavedInputName"/> (for mixed columns, by <see cref="SlotsOfColumns"/>) and followed by its removal,
    /// so the loaded chain adds the same columns.
    /// </summary>
    private ITransformer ToSaveableInPlace(MLContext ml)
    {
        var saveable = ToSaveable(ml);
        if (SavedInputName == InputColumnName)
            return saveable;
        var prepare = InputLayout.IsSingleReal
            ? ml.Transforms.CopyColumns(SavedInputName, InputColumnName).Fit(VectorColumnView.Create(ml, InputColumnName, InputWidth, []))
            : SlotsOfColumns(ml);
        var drop = ml.Transforms.DropColumns(SavedInputName).Fit(EmptyInput(ml));
        return new TransformerChain<ITransformer>(prepare, saveable, drop);
    }

    /// <summary>
    /// ML.NET's glue that turns the input columns into one row of model-space cells under <see cref="SavedInputName"/>:
    /// each Boolean column converted to Single, each key column one-hot encoded by <c>KeyToVector</c> (which writes
    /// a missing key as K zeros, <see cref="VaeGraphOptions.KeysAsZeroBlocks"/>), then all concatenated in order.
    /// </summary>
    private ITransformer SlotsOfColumns(MLContext ml)
    {
        var names = InputColumnNames;
        var builder = new DataViewSchema.Builder();
        for (int i = 0; i < names.Count; i++)
            builder.AddColumn(names[i], InputLayout.Columns[i].DataType);
        IDataView data = new EmptyDataView(builder.ToSchema());
        var steps = new List<ITransformer>();
        void Apply(IEstimator<ITransformer> estimator)
        {
            var step = estimator.Fit(data);
            data = step.Transform(data);
            steps.Add(step);
        }
        var parts = new List<string>();
        var converted = new List<string>();
        for (int i = 0; i < names.Count; i++)
        {
            var kind = InputLayout.Columns[i].Kind;
            if (kind == VaeInputKind.Real)
            {
                parts.Add(names[i]);
                continue;
            }
            string cells = $"{names[i]}.VaeCells";
            Apply(kind == VaeInputKind.Binary
                ? ml.Transforms.Conversion.ConvertType(cells, names[i], DataKind.Single)
                : ml.Transforms.Conversion.MapKeyToVector(cells, names[i]));
            parts.Add(cells);
            converted.Add(cells);
        }
        Apply(ml.Transforms.Concatenate(SavedInputName, [.. parts]));
        if (converted.Count > 0)
            Apply(ml.Transforms.DropColumns([.. converted]));
        return new TransformerChain<ITransformer>([.. steps]);
    }

    /// <summary>
    /// The per-row graph of the OnnxTransformer this transformer is saved as (carrying the weights and, in its metadata,
    /// this transformer's settings), reading <see cref="SavedInputName"/>, and the columns the graph writes, in its order.
    /// </summary>
    internal abstract (byte[] Graph, string[] Columns) SavedGraph();

    /// <summary>
    /// The <see cref="SavedGraph"/> of a full scoring graph reading <see cref="SavedInputName"/> and writing
    /// <paramref name="outputs"/> (graph value, column name) and, when set, the Boolean <paramref name="label"/> and
    /// the <paramref name="pValue"/> column.
    /// </summary>
    private protected (byte[] Graph, string[] Columns) ScoringGraph(IReadOnlyList<(string Output, string Name)> outputs,
        (string Name, float Threshold)? label, Dictionary<string, string> metadata, (string Name, CalibrationScores Calibration)? pValue = null)
    {
        metadata[VaeOnnxMetadata.FeatureColumn] = InputColumnName;
        var graph = VaeOnnxGraph.Build(Model, new VaeGraphOptions
        {
            InputName = SavedInputName, Outputs = outputs, Label = label, PValue = pValue, Metadata = metadata, PerRow = true, Scoring = GraphScoring,
            KeysAsZeroBlocks = !InputLayout.IsSingleReal,
        });
        return (graph, [.. outputs.Select(o => o.Name), .. label is var (labelName, _) ? [labelName] : Array.Empty<string>(),
            .. pValue is var (pValueName, _) ? [pValueName] : Array.Empty<string>()]);
    }

    /// <summary>
    /// An OnnxTransformer over <see cref="SavedGraph"/>, reading <see cref="SavedInputName"/>. Its columns come in the
    /// order of <see cref="OutputColumns"/>, so that the loaded pipeline lays them out as this transformer does.
    /// </summary>
    /// <remarks>
    /// The graph is handed over as a file named <c>.onnx</c> in <paramref name="ml"/>'s TempFilePath, a folder of the
    /// caller's alone. Given a stream, ML.NET would copy it to a file of a random name, never deleted, whose random
    /// three-letter extension is <c>.ort</c> once in 32,768 times, and ONNX Runtime reads a file of that extension as
    /// its own format: the save would fail with "ORT model verification failed" (<see cref="OnnxLoadRetry"/>).
    /// </remarks>
    private protected OnnxTransformer ToOnnxTransformer(MLContext ml)
    {
        var (graph, columns) = SavedGraph();
        string file = Path.Combine(ml.TempFilePath, "graph.onnx");
        File.WriteAllBytes(file, graph);
        return ml.Transforms.ApplyOnnxModel(GraphColumnsInOrder(columns), [SavedInputName], file).Fit(EmptyInput(ml));
    }

    /// <summary>
    /// The columns the OnnxTransformer adds, in the order it lays them out: those of <see cref="OutputColumns"/>, in
    /// theirs, unless the graph writes others (<paramref name="graphColumns"/>), which glue turns into them.
    /// </summary>
    private protected virtual string[] GraphColumnsInOrder(string[] graphColumns) => OutputColumns.Select(c => c.Name).ToArray();

    /// <summary>No rows, one column: the features as the saved graph reads them, as <c>Fit</c> of ML.NET's glue components needs a schema.</summary>
    private protected IDataView EmptyInput(MLContext ml) => VectorColumnView.Create(ml, SavedInputName, InputWidth, []);

    /// <summary>
    /// Releases the ONNX Runtime session: at once, or when the last run in progress on another thread (a cursor's block,
    /// a <c>PredictionEngine</c>'s row) returns. The transformer stays usable and creates a new session when next used.
    /// </summary>
    public void Dispose()
    {
        _scorer.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The network outputs that <paramref name="columns"/> need.</summary>
    internal static VaeOutputs Needs(IEnumerable<VaeOutputColumn> columns) =>
        columns.Aggregate(VaeOutputs.None, (needs, column) => needs | column.Needs);
}
