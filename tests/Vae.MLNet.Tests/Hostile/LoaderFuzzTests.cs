using Microsoft.ML;
using Xunit.Abstractions;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// Every loader fed seeded hostile variants of a file it reads (<see cref="FuzzProfile.InputsPerLoader"/> of them):
/// each must end in a model that scores, or in one of the loader's documented exceptions, within the time and
/// allocation bounds. The figures go to the test output.
/// </summary>
[Trait("Category", "Slow")]
[Collection(nameof(HostileFiles))]
public sealed class LoaderFuzzTests(HostileFiles files, ITestOutputHelper output)
{
    private const string ModelFile = "VaeModelFile.Load of model.Save";
    private const string ExportedOnnx = "VaeModelFile.Load of detector.ExportOnnx";
    private const string BatchedZip = "LoadWithBatchedScoring";
    private const string MLNetZip = "mlContext.Model.Load";
    private const string MissingValuesModelFile = "VaeModelFile.Load of a detector of missing values";
    private const string MixedModelFile = "VaeModelFile.Load of a detector of mixed columns";

    [Theory]
    [InlineData(ModelFile, 1_000_000)]
    [InlineData(ExportedOnnx, 2_000_000)]
    [InlineData(BatchedZip, 3_000_000)]
    [InlineData(MLNetZip, 4_000_000)]
    [InlineData(MissingValuesModelFile, 5_000_000)]
    [InlineData(MixedModelFile, 6_000_000)]
    public void EveryHostileInputEndsInAWorkingModelOrADocumentedException(string loader, int seed)
    {
        var tally = loader switch
        {
            ModelFile or ExportedOnnx or MissingValuesModelFile or MixedModelFile => LoaderFuzzer.Run(FuzzProfile.InputsPerLoader, seed,
                random => MutateOnnx(loader switch
                {
                    ModelFile => files.ModelFile, ExportedOnnx => files.ExportedDetector, MissingValuesModelFile => files.MissingValuesModelFile, _ => files.MixedModelFile,
                }, random),
                path => HostileScoring.ScoreOneRow(VaeModelFile.Load(path)),
                error => error is InvalidDataException),
            BatchedZip => LoaderFuzzer.Run(FuzzProfile.InputsPerLoader, seed,
                random => ZipMutator.Mutate(files.Zip, random),
                path => HostileScoring.ScoreRows(new MLContext(seed: 1).Model.LoadWithBatchedScoring(path, out _), files.Rows),
                // A damaged normalizer before the VAE can feed it NaN, which it reports by row and column.
                error => error is InvalidDataException or ScoringFailure { InnerException: VaeDataException }),
            // ML.NET's loader documents no exceptions: what it throws is recorded; it must still end within the bounds.
            _ => LoaderFuzzer.Run(FuzzProfile.InputsPerLoader, seed,
                random => ZipMutator.Mutate(files.Zip, random),
                path => HostileScoring.ScoreRows(new MLContext(seed: 1).Model.Load(path, out _), files.Rows),
                _ => true),
        };

        tally.AssertEndedAsDocumented(loader, output);
        if (loader != MLNetZip)
            Assert.Contains(tally.Outcomes.Keys, outcome => outcome.StartsWith(nameof(InvalidDataException), StringComparison.Ordinal));
    }

    /// <summary>Half byte-level damage, half structural lies in a still valid protobuf.</summary>
    private static Mutation MutateOnnx(byte[] onnx, Random random) =>
        random.Next(2) == 0 ? ByteMutator.Mutate(onnx, random) : OnnxMutator.Mutate(onnx, random);
}
