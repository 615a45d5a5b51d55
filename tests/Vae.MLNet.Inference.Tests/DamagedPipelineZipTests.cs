using Microsoft.ML;

namespace Vae.MLNet.Inference.Tests;

/// <summary>
/// What a service meets when the model file it loads is not the file that was saved: a copy still being written (cut
/// short), or damaged bytes. <c>LoadWithBatchedScoring</c> refuses it with an <see cref="InvalidDataException"/> that
/// names the file, the one exception it documents for a bad file.
/// </summary>
public sealed class DamagedPipelineZipTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vae-damaged-{Guid.NewGuid():N}.zip");

    [Fact]
    public void ACopyCutShortIsRefusedNamingTheFile()
    {
        var bytes = File.ReadAllBytes(CardioDetector.ModelPath);
        foreach (int length in new[] { 0, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            File.WriteAllBytes(_path, bytes[..length]);

            var error = Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadWithBatchedScoring(_path, out _));
            Assert.True(error.Message.StartsWith(_path, StringComparison.Ordinal), $"{length} of {bytes.Length} bytes: {error.Message}");
        }
    }

    [Fact]
    public void DamagedBytesAreRefusedNamingTheFileNotScoredWithOtherWeights()
    {
        var ml = new MLContext(seed: 0);
        var bytes = File.ReadAllBytes(CardioDetector.ModelPath);
        var expected = CardioDetector.Scores(ml, ml.Model.LoadWithBatchedScoring(CardioDetector.ModelPath, out _));
        var random = new Random(1);
        for (int damage = 0; damage < 60; damage++)
        {
            // Eight random bytes anywhere: most of the file is the graph entry's deflated weights.
            var damaged = (byte[])bytes.Clone();
            int at = random.Next(damaged.Length - 8);
            random.NextBytes(damaged.AsSpan(at, 8));
            File.WriteAllBytes(_path, damaged);

            float[] scores;
            try
            {
                scores = CardioDetector.Scores(ml, ml.Model.LoadWithBatchedScoring(_path, out _));
            }
            catch (InvalidDataException error)
            {
                Assert.True(error.Message.StartsWith(_path, StringComparison.Ordinal), $"damage at byte {at}: {error.Message}");
                continue;
            }
            // Bytes no reader looks at (a timestamp, a comment's length) may change: then nothing else may.
            Assert.True(expected.SequenceEqual(scores), $"damage at byte {at} loaded and changed the scores");
        }
    }

    public void Dispose() => File.Delete(_path);
}
