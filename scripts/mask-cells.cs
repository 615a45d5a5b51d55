#!/usr/bin/env dotnet
#:package Microsoft.ML@5.0.1
#:include lib/Table.cs
#:property PublishAot=false
// Masked copies of the shared splits for issue 18's bar (docs/quality.md, "Missing values"): for every data set and
// seed in SPLITS, OUTDIR/NAME/seedS/{train,test}.csv hides each feature cell (writes it as an empty field) independently
// with probability RATE; the Label column is never hidden. The draw of a file is seeded by (MASKSEED, data set, seed,
// file name), so a file's mask does not depend on which other data sets are masked. A row may lose every feature: it
// is kept and counted. OUTDIR-mean/NAME/seedS/{train,test}.csv are the same files with each hidden cell filled by the
// train file's observed mean of its column: ML.NET's ReplaceMissingValues (Mean) fitted on the masked train file. Each
// file pair is checked against ML.NET itself: TextLoader with MissingRealsAsNaNs must read exactly the hidden cells as
// NaN (without it, its default, TextLoader reads an empty Single field as 0: the count of hidden cells so read is
// printed), and ReplaceMissingValues(Mean) fitted on the masked train file must give the written values.
//   dotnet run scripts/mask-cells.cs -- SPLITS OUTDIR RATE MASKSEED ["DATASETS"]
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

var inv = CultureInfo.InvariantCulture;
string splits = args[0];
string outDir = Path.TrimEndingDirectorySeparator(args[1]);
string meanDir = outDir + "-mean";
double rate = double.Parse(args[2], inv);
int maskSeed = int.Parse(args[3], inv);
var datasets = args.Length > 4 ? args[4].Split(' ', StringSplitOptions.RemoveEmptyEntries)
    : Directory.GetDirectories(splits).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
if (rate is < 0 or >= 1)
    throw new ArgumentOutOfRangeException(nameof(args), $"RATE {rate} must be in [0, 1).");
if (datasets.FirstOrDefault(d => !Directory.Exists(Path.Combine(splits, d!))) is string absent)
    throw new DirectoryNotFoundException($"No data set '{absent}' in {Path.GetFullPath(splits)}.");

var ml = new MLContext(0);
Console.WriteLine($"rate {rate} mask seed {maskSeed}: {outDir} (masked), {meanDir} (mean-imputed)");
Console.WriteLine("dataset seed file rows features hidden hidden_share rows_all_hidden [default_loader_zeros mlnet_max_abs_diff]");
double worstDiff = 0;
foreach (var d in datasets)
    foreach (var seedDir in Directory.GetDirectories(Path.Combine(splits, d!), "seed*").Order(StringComparer.Ordinal))
    {
        string seed = Path.GetFileName(seedDir);
        Directory.CreateDirectory(Path.Combine(outDir, d!, seed));
        Directory.CreateDirectory(Path.Combine(meanDir, d!, seed));
        var masked = new Dictionary<string, string[][]>();
        foreach (var file in new[] { "train.csv", "test.csv" })
        {
            var lines = File.ReadAllLines(Path.Combine(seedDir, file)).Where(l => l.Length > 0).ToArray();
            int labelAt = Array.IndexOf(lines[0].Split(','), "Label");
            if (labelAt < 0)
                throw new InvalidDataException($"{seedDir}/{file}: no Label column.");
            var random = new Random(Seed(maskSeed, d!, seed, file));
            var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
            long hidden = 0; int allHidden = 0;
            foreach (var row in cells)
            {
                int rowHidden = 0;
                for (int j = 0; j < row.Length; j++)
                    if (j != labelAt && random.NextDouble() < rate) { row[j] = ""; rowHidden++; }
                hidden += rowHidden;
                if (rowHidden == row.Length - 1) allHidden++;
            }
            masked[file] = cells;
            File.WriteAllLines(Path.Combine(outDir, d!, seed, file), cells.Select(r => string.Join(',', r)).Prepend(lines[0]));
            int features = lines[0].Split(',').Length - 1;
            Console.Write($"{d} {seed} {file} {cells.Length} {features} {hidden} {hidden / (double)(cells.Length * features):F4} {allHidden}");
            if (file == "train.csv") Console.WriteLine();
        }

        // The train file's observed means fill both files' hidden cells, as a fitted ReplaceMissingValues would.
        var train = Table.Read(Path.Combine(outDir, d!, seed, "train.csv"));
        var (means, _) = train.Stats();
        int labelIndex = train.Header.Length - 1;
        foreach (var (file, cells) in masked)
            File.WriteAllLines(Path.Combine(meanDir, d!, seed, file), cells
                .Select(r => string.Join(',', r.Select((c, j) => c.Length == 0 && j != labelIndex ? means[j].ToString("R", inv) : c)))
                .Prepend(string.Join(',', train.Header)));
        var (zeros, diff) = CheckAgainstMlNet(ml, Path.Combine(outDir, d!, seed), Path.Combine(meanDir, d!, seed), train.Features);
        worstDiff = Math.Max(worstDiff, diff);
        Console.WriteLine($" {zeros} {diff:G3}");
    }
Console.WriteLine($"largest |ours - ML.NET ReplaceMissingValues(Mean)| over all files: {worstDiff:G3}");

// A seed from the file's identity, stable across processes and runtimes (string.GetHashCode is randomized per process).
static int Seed(int maskSeed, string dataset, string seed, string file) =>
    BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{maskSeed}/{dataset}/{seed}/{file}")), 0);

// TextLoader with MissingRealsAsNaNs must read exactly the empty cells of the masked files as NaN, and
// ReplaceMissingValues(Mean) fitted on the masked train file must turn both masked files into the mean-imputed ones.
// Returns how many hidden cells of the test file TextLoader's default options read as 0, and the largest difference.
static (int DefaultZeros, double MaxDiff) CheckAgainstMlNet(MLContext ml, string maskedDir, string meanDir, int features)
{
    TextLoader Loader(bool nans) => ml.Data.CreateTextLoader(new TextLoader.Options
    {
        HasHeader = true,
        Separators = [','],
        AllowQuoting = true,
        MissingRealsAsNaNs = nans,
        Columns = [new TextLoader.Column("Features", DataKind.Single, 0, features - 1)],
    });
    float[][] Rows(IDataView view) => view.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
    var loader = Loader(nans: true);
    var fitted = ml.Transforms.ReplaceMissingValues("Features", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean)
        .Fit(loader.Load(Path.Combine(maskedDir, "train.csv")));
    double worst = 0;
    foreach (var file in new[] { "train.csv", "test.csv" })
    {
        var ours = Table.Read(Path.Combine(maskedDir, file)).X;
        var loaded = Rows(loader.Load(Path.Combine(maskedDir, file)));
        for (int i = 0; i < ours.Length; i++)
            for (int j = 0; j < features; j++)
                if (float.IsNaN(ours[i][j]) != float.IsNaN(loaded[i][j]) || (!float.IsNaN(ours[i][j]) && ours[i][j] != loaded[i][j]))
                    throw new InvalidDataException($"{maskedDir}/{file}: row {i + 1} column {j}: TextLoader read {loaded[i][j]}, the file holds {ours[i][j]}.");
        var replaced = Rows(fitted.Transform(loader.Load(Path.Combine(maskedDir, file))));
        var written = Table.Read(Path.Combine(meanDir, file)).X;
        for (int i = 0; i < written.Length; i++)
            for (int j = 0; j < features; j++)
                worst = Math.Max(worst, Math.Abs(written[i][j] - replaced[i][j]));
    }
    var test = Table.Read(Path.Combine(maskedDir, "test.csv")).X;
    var byDefault = Rows(Loader(nans: false).Load(Path.Combine(maskedDir, "test.csv")));
    int zeros = Enumerable.Range(0, test.Length).Sum(i => Enumerable.Range(0, features).Count(j => float.IsNaN(test[i][j]) && byDefault[i][j] == 0));
    return (zeros, worst);
}
