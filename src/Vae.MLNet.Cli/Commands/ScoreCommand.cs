using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Vae.MLNet.Cli;

/// <summary>
/// <c>vae-mlnet score</c>: streams a CSV file of any size through a saved pipeline, a block of rows at a time, in the
/// memory of one block, and writes each row's key columns with its score, predicted label, p-value (when the detector
/// has calibration scores) and, on request, latent vector; the last output line is one JSON summary.
/// </summary>
internal sealed class ScoreCommand : Command<ScoreCommand.Settings>
{
    /// <summary>Rows scored at a time: a few of the VAE's 1,024-row batches, and a few megabytes of memory.</summary>
    internal const int BlockRows = 16384;

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--model <ZIP>"), Description("A pipeline with the VAE, saved by mlContext.Model.Save (e.g. by evaluate --save-model).")]
        public string Model { get; init; } = "";

        [CommandOption("--input <CSV>"), Description("Rows to score, with the columns the model was trained on (found by name, in any order); read once, streamed.")]
        public string Input { get; init; } = "";

        [CommandOption("--output <CSV>"), Description("Where to write the scores, whole or not at all (default scored.csv).")]
        public string Output { get; init; } = "scored.csv";

        [CommandOption("--id <COLUMN>"), Description("Column of the input to copy to the output beside the scores (repeat it, or give a comma-separated list).")]
        public string[] Id { get; init; } = [];

        [CommandOption("--latent"), Description("Also write the latent mean μ(x), as latent_0, latent_1, ….")]
        public bool Latent { get; init; }

        [CommandOption("--skip-bad-rows"), Description("Write bad rows to the reject file and score the others, instead of stopping at the first.")]
        public bool SkipBadRows { get; init; }

        [CommandOption("--rejects <CSV>"), Description("The reject file of --skip-bad-rows (default: the output's name with .rejects.csv).")]
        public string? Rejects { get; init; }

        public override ValidationResult Validate() =>
            Model.Length == 0 || Input.Length == 0 ? ValidationResult.Error("--model and --input are required.")
            : Rejects != null && !SkipBadRows ? ValidationResult.Error("--rejects needs --skip-bad-rows.")
            : ColumnNameList.EmptyNameError("--id", Id) is string blank ? ValidationResult.Error(blank)
            : ValidationResult.Success();

        /// <summary>The reject file: <see cref="Rejects"/>, or beside the output.</summary>
        public string RejectsPath => Rejects ?? Path.ChangeExtension(Output, null) + ".rejects.csv";

        /// <summary>The key columns, each named once, in the order given.</summary>
        public string[] IdColumns => ColumnNameList.Parse(Id);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OutputLocation.CheckFile(settings.Output, "--output", ("--input", settings.Input), ("--model", settings.Model));
        if (settings.SkipBadRows)
            OutputLocation.CheckFile(settings.RejectsPath, "--rejects", ("--input", settings.Input), ("--model", settings.Model), ("--output", settings.Output));
        var ml = new MLContext(seed: 0);
        var pipeline = SavedPipeline.Load(ml, settings.Model);
        var header = CsvDataset.ReadHeader(ml, settings.Input);
        var columns = CsvDataset.Match(ml, settings.Input, header, CsvDataset.LabelColumn, pipeline.InputColumns());
        var ids = settings.IdColumns.Select(name => Array.IndexOf(header, name) is int c and >= 0 ? c
            : throw new CliException($"--id {name}: {settings.Input} has no such column (its columns: {string.Join(", ", header)}).")).ToArray();
        var outputs = ScoredColumns.Of(pipeline, settings.Latent);
        // Two columns of one name: a reader takes one for the other, or keeps only one of them.
        if (settings.IdColumns.FirstOrDefault(outputs.Names.Contains) is string clash)
            throw new CliException($"--id {clash}: the output writes a column of that name itself ({string.Join(", ", outputs.Names)}); " +
                "rename that column of the input to copy it.");

        var clock = Stopwatch.StartNew();
        var (rows, rejected) = CliProgress.Run(progress =>
        {
            using var scoring = progress.Begin($"scoring {Path.GetFileName(settings.Input)}", "rows");
            (long Rows, long Rejected) counts = default;
            OutputLocation.Write(settings.Output, output =>
            {
                if (settings.SkipBadRows)
                    OutputLocation.Write(settings.RejectsPath, rejects => counts = Stream(ml, settings, header, columns, pipeline, ids, outputs, output, rejects, scoring, cancellationToken));
                else
                    counts = Stream(ml, settings, header, columns, pipeline, ids, outputs, output, null, scoring, cancellationToken);
            });
            scoring.Complete();
            return counts;
        });
        double seconds = clock.Elapsed.TotalSeconds;

        AnsiConsole.MarkupLine($"Scored {rows:N0} rows of {Markup.Escape(settings.Input)} into [bold]{Markup.Escape(settings.Output)}[/]" +
            (settings.SkipBadRows ? $"; {rejected:N0} bad rows in {Markup.Escape(settings.RejectsPath)}." : "."));
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["rows"] = rows,
            ["rejected"] = rejected,
            ["seconds"] = Math.Round(seconds, 3),
            ["rows_per_second"] = Math.Round(rows / Math.Max(seconds, 1e-9)),
            ["output"] = settings.Output,
            ["rejects"] = settings.SkipBadRows ? settings.RejectsPath : null,
        }));
        return 0;
    }

    /// <summary>Reads, scores and writes every row; returns the rows scored and the rows rejected.</summary>
    private static (long Rows, long Rejected) Stream(MLContext ml, Settings settings, string[] header, InputColumn[] columns, SavedPipeline pipeline, int[] ids,
        ScoredColumns outputs, Stream output, Stream? rejects, ProgressPhase progress, CancellationToken cancellation)
    {
        using var writer = new StreamWriter(output, leaveOpen: true);
        using var rejectWriter = rejects is null ? null : new StreamWriter(rejects, leaveOpen: true);
        writer.WriteLine(string.Join(",", ids.Select(c => header[c]).Concat(outputs.Names).Select(CsvCell.Quote)));
        rejectWriter?.WriteLine(string.Join(",", new[] { "row", "error" }.Concat(header).Select(CsvCell.Quote)));

        var block = new RowBlock(columns, BlockRows);
        // Transformed once: each block is read through the same lazy view, by a new cursor.
        var scored = outputs.Pipeline.Transform(block);
        var keys = new string[BlockRows][];
        // Each block row's data row in the file, for a message about it: rejected rows leave gaps.
        var dataRows = new long[BlockRows];
        // With --skip-bad-rows, the block's scores, written out once every bad row is gone, and a second reader of the
        // input for the cells of a row that only scoring finds bad: made at the first such row, so that no other run
        // pays for it (keeping every row's cells cost a quarter of the speed).
        var blockScores = rejectWriter is null ? null : new StringWriter();
        CsvRowStream? rereader = null;
        // Rows rejected since the block's first row was read, written with the rows scoring rejects, in the file's order.
        var blockRejects = new List<(long Row, string Line)>();
        long rows = 0, rejected = 0;
        using var stream = Open();
        try
        {
            while (stream.MoveNext())
            {
                if (stream.Problem is { } problem)
                {
                    if (rejectWriter is null)
                        throw problem;
                    Reject(stream.Row, problem, CellsOf(stream));
                    // Rejects held for a block that fills slowly are held in the memory of a block.
                    if (blockRejects.Count == BlockRows)
                        rows += Flush();
                    continue;
                }
                keys[block.Count] = ids.Select(c => stream.Cells[c].ToString()).ToArray();
                dataRows[block.Count] = stream.Row;
                stream.CopyValues(block.Add());
                if (block.Count == block.Capacity)
                    rows += Flush();
            }
            rows += Flush();
            foreach (var note in stream.UnknownCategories())
                CsvDataset.Note(settings.Input, note);
        }
        finally
        {
            rereader?.Dispose();
        }
        return (rows, rejected);

        CsvRowStream Open() => new(ml, settings.Input, header, columns, pipeline.ReadsMissingCells);

        static string CellsOf(CsvRowStream reader) => string.Join(",", reader.Cells.Select(cell => CsvCell.Quote(cell.ToString())));

        // The cells of data row dataRow, read again. The rows asked for rise through the file; should one not, a new
        // reader starts over rather than give another row's cells.
        string CellsAt(long dataRow)
        {
            if (rereader is null || rereader.Row > dataRow)
            {
                rereader?.Dispose();
                rereader = Open();
            }
            while (rereader.Row < dataRow && rereader.MoveNext())
            {
            }
            return CellsOf(rereader);
        }

        void Reject(long dataRow, CliException problem, string rowCells)
        {
            string line = CsvCell.Quote(dataRow.ToString(CultureInfo.InvariantCulture)) + "," + CsvCell.Quote(problem.Message) + "," + rowCells;
            if (block.Count == 0)
                rejectWriter!.WriteLine(line);
            else
                blockRejects.Add((dataRow, line));
            rejected++;
        }

        int Flush()
        {
            cancellation.ThrowIfCancellationRequested();
            while (block.Count > 0 && !TryWrite())
            {
            }
            blockScores?.GetStringBuilder().Clear();
            foreach (var (_, line) in blockRejects.OrderBy(reject => reject.Row))
                rejectWriter!.WriteLine(line);
            blockRejects.Clear();
            int count = block.Count;
            block.Clear();
            progress.Report(rows + count, detail: $"{rows + count:N0} rows" + (rejects is null ? "" : $", {rejected:N0} rejected"));
            return count;
        }

        // Scores the block; false when --skip-bad-rows has just rejected the rows scoring found bad, and the rest must
        // be scored again.
        bool TryWrite()
        {
            try
            {
                if (blockScores is null)
                    outputs.Write(scored, keys, writer);
                else
                {
                    blockScores.GetStringBuilder().Clear();
                    outputs.Write(scored, keys, blockScores);
                    writer.Write(blockScores.GetStringBuilder());
                }
                return true;
            }
            catch (Exception error) when (CsvDataset.DataError(error) is { Row: long row, Slot: int slot } bad && bad.ColumnName == pipeline.Vae.InputColumnName)
            {
                if (rejectWriter is null)
                    throw Overflow((int)row, slot);
                // The rows found one at a time would score the block once per bad row: the other rows the model
                // would find infinite are found at once, and only a row bad in another way costs another pass.
                var bads = Overflowing().Prepend((Row: (int)row, Slot: slot)).DistinctBy(found => found.Row).OrderBy(found => found.Row).ToArray();
                foreach (var (badRow, badSlot) in bads)
                    Reject(dataRows[badRow], Overflow(badRow, badSlot), CellsAt(dataRows[badRow]));
                var removed = bads.Select(found => found.Row).ToHashSet();
                RowBlock.Compact(keys, 1, block.Count, removed);
                RowBlock.Compact(dataRows, 1, block.Count, removed);
                block.Remove(removed);
                return false;
            }
        }

        CliException Overflow(int row, int slot) => CsvDataset.NotFiniteOnceScaled(settings.Input, dataRows[row], pipeline.FeatureNames(pipeline.VaeIndex)[slot]);

        // The block's rows whose input to the model holds ±∞ once the steps before it have run, each with its first
        // such slot.
        IEnumerable<(int Row, int Slot)> Overflowing()
        {
            IDataView input = block;
            foreach (var step in pipeline.Steps.Take(pipeline.VaeIndex))
                input = step.Transform(input);
            var column = input.Schema[pipeline.Vae.InputColumnName];
            using var cursor = input.GetRowCursor([column]);
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var values = default(VBuffer<float>);
            var found = new List<(int Row, int Slot)>();
            for (int row = 0; cursor.MoveNext(); row++)
            {
                getter(ref values);
                int slot = values.DenseValues().TakeWhile(value => !float.IsInfinity(value)).Count();
                if (slot < values.Length)
                    found.Add((row, slot));
            }
            return found;
        }
    }
}
