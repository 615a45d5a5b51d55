#!/usr/bin/env dotnet
#:package libtorch-cpu-linux-x64@2.10.0
#:project ../../src/Vae.MLNet.Training/Vae.MLNet.Training.csproj
#:include ../lib/Table.cs
#:property PublishAot=false
// Internal contrastive learning (ICL; Shenkar & Wolf, ICLR 2022), an anchor of the generalization issue, measured on
// the shared splits (docs/quality.md, "Internal contrastive learning"). Written from the paper and the authors'
// published description, in TorchSharp, not the product's network. For a row x of D z-scored features and a window
// size k, the m = D - k + 1 windows a_j = x[j..j+k) and their complements b_j; a network F maps b_j and a network G
// maps a_j to an embedding, normalized; a row's loss is the mean over j of the cross-entropy that picks window j among
// the m windows from <F(b_j), G(a_j')> / tau. Training minimises it on the training rows; the score of a row is it.
// The paper's settings: k = 2 for D <= 40, 10 for D <= 160, D - 150 above; F: D-k -> 200 (tanh) -> 400 -> 200
// (LeakyReLU 0.2), batch norm over each window's channel after its first two layers; G: k -> 50 -> 100 -> 200
// (LeakyReLU 0.2), batch norm after its first layer; embeddings normalized over the windows, then to unit length, as
// the authors' code does; tau = 0.01; Adam, learning rate 1e-3, up to 2,000 epochs, stopping once an epoch's mean
// loss is below 0.001 (D <= 40) or 0.01. Two departures, both for the time limit of the 2-core machine: epochs are
// capped so that training costs at most BUDGET billion multiply-adds (default 200; forward and backward counted as 3
// forward passes), near 20 s a data set and seed on one thread, a deterministic count rather than a clock; and
// mini-batches hold BATCH rows (default 64, as DeepOD's ICL; the authors' code takes 3,000, a full batch on most of
// these data sets, which under the cap leaves a few hundred optimizer steps or fewer). Seeded (model seed = split
// seed), one TorchSharp thread. Writes, per split, the test rows (y = 0/1) and the training rows (y = -1) with their
// ICL scores, in q19_dump.cs's format (scripts/research/q19_analyze.py reads it).
//   dotnet run -c Release --file scripts/research/q19_icl.cs -- SPLITS "DATASETS" OUTDIR NAME [BUDGET [BATCH]]
//   cd scripts/research && python3 q19_icl_report.py ROOT ICL_VARIANT DEFAULT_VARIANT [W ...]
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

string splits = args[0];
var datasets = args[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
string outDir = args[2];
string name = args[3];
double budget = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 200;
int batch = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 64;
const int MaxEpochs = 2000;
var inv = CultureInfo.InvariantCulture;
torch.set_num_threads(1);
foreach (var d in datasets)
for (int seed = 0; seed < 3; seed++)
{
    var (xtr, xte, yte, D) = Table.ReadSplit(splits, d, seed);
    int k = D <= 40 ? 2 : D <= 160 ? 10 : D - 150;
    torch.manual_seed(seed);
    var net = new IclNet(D, k);
    int epochs = Math.Clamp((int)(budget * 1e9 / (3.0 * xtr.Length * net.MultiplyAdds)), 1, MaxEpochs);
    double stopBelow = D <= 40 ? 0.001 : 0.01;
    var watch = Stopwatch.StartNew();
    using var train = Rows(xtr);
    var adam = torch.optim.Adam(net.parameters(), lr: 1e-3);
    int ran = 0; double last = double.NaN;
    for (int e = 0; e < epochs; e++, ran++)
    {
        net.train();
        using var order = torch.randperm(xtr.Length);
        double sum = 0; int batches = 0;
        for (int b = 0; b < xtr.Length; b += batch, batches++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = net.Losses(train.index_select(0, order.narrow(0, b, Math.Min(batch, xtr.Length - b)))).mean();
            adam.zero_grad();
            loss.backward();
            adam.step();
            sum += loss.item<float>();
        }
        last = sum / batches;
        if (last < stopBelow) { ran++; break; }
    }
    double seconds = watch.Elapsed.TotalSeconds;
    var (x, y) = Table.DumpRows(xtr, xte, yte);
    var score = new double[x.Length];
    net.eval();
    using (torch.no_grad())
        for (int b = 0; b < x.Length; b += 1000)
        {
            using var scope = torch.NewDisposeScope();
            var s = net.Losses(Rows(x[b..Math.Min(x.Length, b + 1000)])).data<float>().ToArray();
            for (int i = 0; i < s.Length; i++) score[b + i] = s[i];
        }
    Directory.CreateDirectory($"{outDir}/{name}");
    string path = $"{outDir}/{name}/{d}.seed{seed}.tsv";
    using (var w = new StreamWriter(path + ".tmp"))
    {
        w.WriteLine($"# D={D} ntrain={xtr.Length} k={k} epochs={ran} of={epochs} loss={last.ToString("G4", inv)} seconds={seconds.ToString("F2", inv)}");
        w.WriteLine("y\ticl");
        for (int i = 0; i < x.Length; i++) w.WriteLine($"{y[i]}\t{score[i].ToString("G7", inv)}");
    }
    File.Move(path + ".tmp", path, overwrite: true);
    Console.WriteLine($"{name} {d} {seed} D={D} k={k} n={xtr.Length} epochs {ran}/{epochs} loss {last:G4} {seconds:F2}s");
    net.Dispose(); adam.Dispose();
}

static Tensor Rows(float[][] rows)
{
    int d = rows[0].Length;
    var flat = new float[rows.Length * d];
    for (int i = 0; i < rows.Length; i++) Array.Copy(rows[i], 0, flat, i * d, d);
    return torch.tensor(flat, new long[] { rows.Length, d });
}

/// <summary>ICL's two networks and its per-row loss (the anomaly score).</summary>
sealed class IclNet : nn.Module<Tensor, Tensor>
{
    private const int Hidden = 200;
    private const double Tau = 0.01;
    private readonly Tensor windows, complements;
    private readonly Sequential f, g;
    private readonly int m;

    /// <summary>Multiply-adds of one row's forward pass, for the training budget.</summary>
    public double MultiplyAdds { get; }

    public IclNet(int d, int k) : base("icl")
    {
        m = d - k + 1;
        var win = Enumerable.Range(0, m).SelectMany(j => Enumerable.Range(j, k)).Select(i => (long)i).ToArray();
        var comp = Enumerable.Range(0, m).SelectMany(j => Enumerable.Range(0, d).Where(i => i < j || i >= j + k)).Select(i => (long)i).ToArray();
        windows = torch.tensor(win); complements = torch.tensor(comp);
        // batch norm over channel = window: each window's activations are normalized over the batch and the units.
        f = nn.Sequential(nn.Linear(d - k, Hidden), nn.Tanh(), nn.BatchNorm1d(m),
            nn.Linear(Hidden, 2 * Hidden), nn.LeakyReLU(0.2), nn.BatchNorm1d(m),
            nn.Linear(2 * Hidden, Hidden), nn.LeakyReLU(0.2));
        g = nn.Sequential(nn.Linear(k, Hidden / 4), nn.LeakyReLU(0.2), nn.BatchNorm1d(m),
            nn.Linear(Hidden / 4, Hidden / 2), nn.LeakyReLU(0.2),
            nn.Linear(Hidden / 2, Hidden), nn.LeakyReLU(0.2));
        MultiplyAdds = m * ((d - k) * Hidden + 2.0 * Hidden * Hidden * 2 + k * Hidden / 4 + Hidden / 4 * (Hidden / 2) + Hidden / 2 * Hidden + (double)m * Hidden);
        RegisterComponents();
    }

    /// <summary>Each row's loss: the mean over its windows of the cross-entropy of picking the window its complement belongs to.</summary>
    public Tensor Losses(Tensor x) => forward(x);

    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0];
        var a = x.index_select(1, windows).view(n, m, -1);
        var b = x.index_select(1, complements).view(n, m, -1);
        var q = Embed(f.call(b));
        var p = Embed(g.call(a));
        var logits = torch.bmm(q, p.transpose(1, 2)) / Tau;  // [n, m complements, m windows]
        return -logits.log_softmax(2).diagonal(0, 1, 2).mean(new long[] { 1 });
    }

    // The authors normalize each unit over the windows, then each embedding to unit length.
    private static Tensor Embed(Tensor h) => nn.functional.normalize(nn.functional.normalize(h, dim: 1), dim: 2);

    protected override void Dispose(bool disposing)
    {
        if (disposing) { windows.Dispose(); complements.Dispose(); }
        base.Dispose(disposing);
    }
}
