#!/usr/bin/env dotnet
#:project ../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include lib/Table.cs
#:include lib/Detectors.cs
#:package libtorch-cpu-linux-x64@2.10.0
#:property PublishAot=false
// Issue 18's discrete-columns bar (docs/quality.md, "Discrete columns"): on the shared data sets whose columns are
// codes, the default detector with the codes declared as what they are, against the same detector reading every column
// as a z-scored Single (Gaussian), as the results table does. Per data set and seed 0-2, from SPLITS/NAME/seedS:
//   gaussian  every column z-scored with the training rows' statistics, one Single vector (the results table's way);
//   keys      every column with at most MAXCODES distinct values in the whole file a key (categorical likelihood), its
//             categories the column's distinct values in the whole file (the column's domain, read without labels, as
//             a schema would give it: a test value unseen in training is then a rare category, not a missing one);
//             the other columns z-scored Singles;
//   flags     as keys, but a column of two values a Boolean (Bernoulli likelihood) instead of a 2-category key.
// Each detector is trained with the default options and seed S, except calibration (held-out rows however few, else
// two folds); AUROC on the test file; FPR is the share of the test file's normal rows that PredictedLabel flags at the
// default contamination, 0.1.
//   dotnet run scripts/discrete_columns.cs -- SPLITS FULLDIR "DATASETS" [MAXCODES=10] [THREADS=0: all cores]
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Training;

string splits = args[0];
string full = args[1];
var datasets = args[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
int maxCodes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
int threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
string[] variants = ["gaussian", "keys", "flags"];
Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-14} {1,5} {2,3} {3,3} {4,3}  {5}", "dataset", "seed", "D", "key", "bin",
    string.Join(" ", variants.Select(v => $"{"auc_" + v,12} {"fpr_" + v,12}"))));
var all = new List<double[]>();
var seconds = new Dictionary<string, double>();
foreach (var d in datasets)
{
    // The domain of each column: its distinct values in the whole file.
    var domain = Table.Read(Path.Combine(full, d + ".csv"));
    var codes = Enumerable.Range(0, domain.Features)
        .Select(j => domain.X.Select(r => r[j]).Distinct().Order().ToArray()).ToArray();
    var perSeed = new List<double[]>();
    for (int seed = 0; seed < 3; seed++)
    {
        var train = Table.Read(Path.Combine(splits, d, $"seed{seed}", "train.csv"));
        var test = Table.Read(Path.Combine(splits, d, $"seed{seed}", "test.csv"));
        var figures = new List<double>();
        foreach (var variant in variants)
        {
            var layout = Layout.For(variant, codes, maxCodes);
            var ml = new MLContext(seed);
            var (mean, sd) = train.Stats();
            // Calibrated on the held-out rows however few, or on two cross-fitted folds where there are none (as
            // missing_vae.cs): the default's five folds train five more models per fit, and change no AUROC.
            var options = new VaeAnomalyDetectionTrainer.Options { Seed = seed, MinimumHeldOutCalibrationRows = 1, CalibrationFolds = 2, Threads = threads };
            var columns = layout.ColumnNames;
            options.FeatureColumnName = columns[0];
            options.AdditionalFeatureColumnNames = columns[1..];
            var trainView = layout.View(ml, train, mean, sd);
            if (Environment.GetEnvironmentVariable("DISCRETE_CHECK") == "1")
            {
                // The check behind the comment in Layout.View: the data view holds key c + 1 for category c.
                if (layout.KeySlots > 0)
                {
                    Console.WriteLine(string.Join(",", trainView.GetColumn<uint>(columns[^1]).Take(8)));
                    return;
                }
                continue;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var model = ml.AnomalyDetection.Trainers.Vae(options).Fit(trainView);
            seconds[variant] = seconds.GetValueOrDefault(variant) + clock.Elapsed.TotalSeconds;
            var scored = model.Transform(layout.View(ml, test, mean, sd));
            var score = scored.GetColumn<float>("Score").Select(v => (double)v).ToArray();
            var flagged = scored.GetColumn<bool>("PredictedLabel").ToArray();
            int normal = test.Y.Count(y => !y);
            figures.Add(Detectors.Auc(score, test.Y));
            figures.Add(Enumerable.Range(0, test.Y.Length).Count(i => !test.Y[i] && flagged[i]) / (double)normal);
            if (variant == variants[^1])
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-14} {1,5} {2,3} {3,3} {4,3}  {5}", d, seed, train.Features,
                    layout.KeySlots, layout.BooleanSlots, string.Join(" ", figures.Select(f => f.ToString("F4", CultureInfo.InvariantCulture).PadLeft(12)))));
        }
        perSeed.Add(figures.ToArray());
    }
    var m = Enumerable.Range(0, perSeed[0].Length).Select(c => perSeed.Average(r => r[c])).ToArray();
    all.Add(m);
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-14} {1,5} {2,3} {3,3} {4,3}  {5}", d, "mean", "", "", "",
        string.Join(" ", m.Select(f => f.ToString("F4", CultureInfo.InvariantCulture).PadLeft(12)))));
}

Console.WriteLine("fit seconds (detector and its two calibration models, all data sets and seeds): " +
    string.Join(", ", seconds.Select(p => $"{p.Key} {p.Value.ToString("F1", CultureInfo.InvariantCulture)}")));

/// <summary>
/// Which columns of a data set are read as what: z-scored Singles (one vector column "Real"), 2-value columns as
/// Booleans ("Flags", true for the larger value) and coded columns as keys ("Codes", one key column per data-set column,
/// since each has its own number of categories).
/// </summary>
sealed class Layout
{
    private readonly float[][] _codes;
    private readonly int[] _real;
    private readonly int[] _flags;
    private readonly int[] _keys;

    private Layout(float[][] codes, int[] real, int[] flags, int[] keys)
    {
        _codes = codes; _real = real; _flags = flags; _keys = keys;
    }

    public static Layout For(string variant, float[][] codes, int maxCodes)
    {
        var all = Enumerable.Range(0, codes.Length).ToArray();
        bool coded(int j) => codes[j].Length <= maxCodes;
        return variant switch
        {
            "gaussian" => new Layout(codes, all, [], []),
            "keys" => new Layout(codes, all.Where(j => !coded(j)).ToArray(), [], all.Where(coded).ToArray()),
            "flags" => new Layout(codes, all.Where(j => !coded(j)).ToArray(), all.Where(j => codes[j].Length == 2).ToArray(),
                all.Where(j => coded(j) && codes[j].Length > 2).ToArray()),
            _ => throw new ArgumentException(variant),
        };
    }

    public int KeySlots => _keys.Length;

    public int BooleanSlots => _flags.Length;

    public string[] ColumnNames =>
        (_real.Length > 0 ? ["Real"] : Array.Empty<string>())
        .Concat(_flags.Length > 0 ? ["Flags"] : [])
        .Concat(_keys.Select(j => $"Code{j}")).ToArray();

    public IDataView View(MLContext ml, Table table, float[] mean, float[] sd)
    {
        if (_keys.Length > Row.KeyColumns)
            throw new ArgumentException($"{_keys.Length} coded columns, but Row holds {Row.KeyColumns}.");
        var rows = table.X.Select(r =>
        {
            var row = new Row
            {
                Real = _real.Select(j => (r[j] - mean[j]) / sd[j]).ToArray(),
                Flags = _flags.Select(j => r[j] == _codes[j][^1]).ToArray(),
            };
            // Category c of the column's sorted values is key c + 1 in the data view (0 would be a missing value); a
            // key member of a class given to LoadFromEnumerable holds the 0-based index, which ML.NET reads as key c + 1.
            for (int k = 0; k < _keys.Length; k++)
                row.SetKey(k, (uint)Array.IndexOf(_codes[_keys[k]], r[_keys[k]]));
            return row;
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema.RemoveAll(c => c.MemberName switch
        {
            nameof(Row.Real) => _real.Length == 0,
            nameof(Row.Flags) => _flags.Length == 0,
            _ => int.Parse(c.MemberName[1..], CultureInfo.InvariantCulture) >= _keys.Length,
        });
        foreach (var c in schema)
        {
            if (c.MemberName == nameof(Row.Real))
                c.ColumnType = new VectorDataViewType(NumberDataViewType.Single, _real.Length);
            else if (c.MemberName == nameof(Row.Flags))
                c.ColumnType = new VectorDataViewType(BooleanDataViewType.Instance, _flags.Length);
            else
            {
                int k = int.Parse(c.MemberName[1..], CultureInfo.InvariantCulture);
                c.ColumnName = $"Code{_keys[k]}";
                c.ColumnType = new KeyDataViewType(typeof(uint), _codes[_keys[k]].Length);
            }
        }
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}

/// <summary>One row as ML.NET reads it: the real columns, the flags, and up to <see cref="KeyColumns"/> key columns.</summary>
sealed class Row
{
    public const int KeyColumns = 24;
    public float[] Real { get; set; } = [];
    public bool[] Flags { get; set; } = [];
    public uint K0 { get; set; }
    public uint K1 { get; set; }
    public uint K2 { get; set; }
    public uint K3 { get; set; }
    public uint K4 { get; set; }
    public uint K5 { get; set; }
    public uint K6 { get; set; }
    public uint K7 { get; set; }
    public uint K8 { get; set; }
    public uint K9 { get; set; }
    public uint K10 { get; set; }
    public uint K11 { get; set; }
    public uint K12 { get; set; }
    public uint K13 { get; set; }
    public uint K14 { get; set; }
    public uint K15 { get; set; }
    public uint K16 { get; set; }
    public uint K17 { get; set; }
    public uint K18 { get; set; }
    public uint K19 { get; set; }
    public uint K20 { get; set; }
    public uint K21 { get; set; }
    public uint K22 { get; set; }
    public uint K23 { get; set; }

    public void SetKey(int k, uint key) => GetType().GetProperty($"K{k}")!.SetValue(this, key);
}
