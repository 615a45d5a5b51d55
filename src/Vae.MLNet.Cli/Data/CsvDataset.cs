using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>
/// A CSV file with a header, loaded with ML.NET's TextLoader: every numeric column but the label becomes a slot of
/// the <c>Features</c> vector, the label becomes the Single column <c>Label</c>.
/// </summary>
internal sealed record CsvDataset(string Path, IDataView Data, string[] FeatureNames, bool HasLabel)
{
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";

    // Enough rows to tell a text column (no cell is a number) from a numeric one with a bad cell, which is an error.
    private const int SniffRows = 200;

    /// <summary>Loads <paramref name="path"/>; fails with one clear message on a file that cannot be used.</summary>
    public static CsvDataset Load(MLContext ml, string path, string labelName, bool requireLabel, string[]? expectedFeatures = null)
    {
        if (!File.Exists(path))
            throw new CliException($"{path}: file not found.");
        string[] header;
        var numeric = new List<int>();
        using (var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true))
        {
            header = (reader.ReadLine() ?? throw new CliException($"{path}: the file is empty.")).Split(',').Select(h => h.Trim().Trim('"')).ToArray();
            var isNumeric = new bool[header.Length];
            int rows = 0;
            for (string? line; rows < SniffRows && (line = reader.ReadLine()) != null;)
            {
                if (line.Length == 0)
                    continue;
                var cells = line.Split(',');
                if (cells.Length != header.Length)
                    throw new CliException($"{path}: line {rows + 2} has {cells.Length} cells but the header has {header.Length}.");
                for (int c = 0; c < cells.Length; c++)
                    isNumeric[c] |= double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
                rows++;
            }
            if (rows == 0)
                throw new CliException($"{path}: no data rows after the header.");
            numeric.AddRange(Enumerable.Range(0, header.Length).Where(c => isNumeric[c]));
        }

        int labelIndex = Array.IndexOf(header, labelName);
        if (labelIndex < 0 && requireLabel)
            throw new CliException($"{path}: no label column '{labelName}' (columns: {string.Join(", ", header)}).");
        if (labelIndex >= 0 && !numeric.Contains(labelIndex))
            throw new CliException($"{path}: label column '{labelName}' must hold numbers (1 = anomaly, 0 = normal).");
        var features = numeric.Where(c => c != labelIndex).ToArray();
        if (features.Length == 0)
            throw new CliException($"{path}: no numeric feature columns.");
        var featureNames = features.Select(c => header[c]).ToArray();
        if (expectedFeatures != null && !featureNames.SequenceEqual(expectedFeatures))
            throw new CliException($"{path}: feature columns [{string.Join(", ", featureNames)}] differ from the training file's [{string.Join(", ", expectedFeatures)}].");

        var columns = new List<TextLoader.Column>
        {
            new(FeaturesColumn, DataKind.Single, features.Select(c => new TextLoader.Range(c)).ToArray()),
        };
        if (labelIndex >= 0)
            columns.Add(new TextLoader.Column(LabelColumn, DataKind.Single, labelIndex));
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = true,
            Separators = [','],
            AllowQuoting = true,
            // An empty or unparsable cell becomes NaN, which the VAE then reports with its row and column.
            MissingRealsAsNaNs = true,
            Columns = columns.ToArray(),
        });
        return new CsvDataset(path, loader.Load(path), featureNames, labelIndex >= 0);
    }

    /// <summary>Turns a bad value found while training or scoring into a message naming this file's row and column.</summary>
    public CliException Explain(VaeDataException error) => error switch
    {
        { Row: long row, Slot: int slot } => new CliException($"{Path}: data row {row + 1}, column '{FeatureNames[slot]}': not a finite number."),
        _ => new CliException($"{Path}: {error.Message}"),
    };
}
