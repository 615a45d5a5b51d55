#:property PublishAot=false
// A labelled CSV of any size for the single-machine figures of docs/scaling.md: D features (default 30) driven by 5
// latent factors through one fixed mixing matrix, plus noise; a share of anomalies (default 1%) whose factors are
// scaled up and whose features carry extra noise, labelled 1 in the last column, Label. The same seed gives the same
// file; files of any seed share the mixing matrix, so a model trained on one scores another.
//   dotnet run scripts/synthetic-csv.cs -- ROWS OUTPUT [SEED] [FEATURES] [ANOMALY_SHARE]
using System.Globalization;
using System.Text;

long rows = long.Parse(args[0], CultureInfo.InvariantCulture);
string output = args[1];
int seed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
int features = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 30;
double anomalyShare = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 0.01;
const int Factors = 5;

var mixing = new Random(12345);
var weights = new double[features, Factors];
for (int j = 0; j < features; j++)
    for (int f = 0; f < Factors; f++)
        weights[j, f] = Normal(mixing);

var random = new Random(seed);
using var writer = new StreamWriter(output, false, new UTF8Encoding(false), 1 << 20);
writer.WriteLine(string.Join(",", Enumerable.Range(0, features).Select(j => $"f{j}")) + ",Label");
var z = new double[Factors];
var line = new StringBuilder();
for (long i = 0; i < rows; i++)
{
    bool anomaly = random.NextDouble() < anomalyShare;
    for (int f = 0; f < Factors; f++)
        z[f] = Normal(random) * (anomaly ? 2.5 : 1);
    line.Clear();
    for (int j = 0; j < features; j++)
    {
        double x = 0;
        for (int f = 0; f < Factors; f++)
            x += weights[j, f] * z[f];
        x += Normal(random) * (anomaly ? 1.0 : 0.3);
        line.Append(x.ToString("F4", CultureInfo.InvariantCulture)).Append(',');
    }
    line.Append(anomaly ? '1' : '0');
    writer.WriteLine(line);
}

static double Normal(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
