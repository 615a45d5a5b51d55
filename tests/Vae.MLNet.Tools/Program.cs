using BenchmarkDotNet.Running;
using Spectre.Console.Cli;
using Vae.MLNet.Tools;

// `benchmarkdotnet …` runs the BenchmarkDotNet suite, which parses its own arguments (--filter '*' --job short, …).
if (args is ["benchmarkdotnet", .. var benchmarkArguments])
{
    BenchmarkSwitcher.FromAssembly(typeof(ScoringBenchmarks).Assembly).Run(benchmarkArguments);
    return 0;
}

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("vae-mlnet-tools");
    // benchmarkdotnet is handled above, before this parser: an example is how its help can show it.
    config.AddExample("benchmarkdotnet", "--filter", "'*'", "--job", "short");
    config.AddCommand<BenchCommand>("bench").WithDescription("Scoring speed side by side: ours, ApplyOnnxModel, a bare ONNX Runtime session; the last line is JSON.");
    config.AddCommand<CsvPassCommand>("csv-pass").WithDescription("Scoring passes over a large CSV read by TextLoader: seconds and rows read per pass; the last line is JSON.");
    config.AddCommand<SoakCommand>("soak").WithDescription("Fit, score, save, load and dispose in a loop; reports the memory curve, open files and temporary files left.");
});
return app.Run(args);
