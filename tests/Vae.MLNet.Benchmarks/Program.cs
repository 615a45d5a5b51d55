using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Vae.MLNet.Benchmarks.ScoringBenchmarks).Assembly).Run(args);
