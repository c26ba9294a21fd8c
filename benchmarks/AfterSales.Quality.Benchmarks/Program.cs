using BenchmarkDotNet.Running;

// Run with the ordinary BenchmarkDotNet switches, e.g.
//   dotnet run -c Release --project benchmarks/AfterSales.Quality.Benchmarks -- --filter '*Lifecycle*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
