using System.IO.Compression;

namespace Vae.MLNet.Tests;

/// <summary>The same seed and thread count give the same saved model in separate processes, byte for byte.</summary>
[Trait("Category", "Slow")]
public class DeterminismTests
{
    [Fact]
    public void TwoProcessesTrainingWithTheSameSeedSaveByteIdenticalModels()
    {
        var models = new[] { Path.GetTempFileName(), Path.GetTempFileName() };
        try
        {
            foreach (string model in models)
                CliProcess.RunForJson(["evaluate", "--train", TestData.SplitPath("cardio", 0, "train"), "--test", TestData.SplitPath("cardio", 0, "test"),
                    "--seed", "2", "--epochs", "15", "--threads", "2", "--save-model", model]);

            // The zip container stamps each entry with the time of saving; what the entries hold must not differ.
            var (first, second) = (Entries(models[0]), Entries(models[1]));
            Assert.Equal(first.Keys.Order(), second.Keys.Order());
            Assert.Contains(first.Keys, name => name.EndsWith("OnnxModel"));
            foreach (var (name, bytes) in first)
                Assert.True(bytes.AsSpan().SequenceEqual(second[name]), $"{name} differs between the two processes");
        }
        finally
        {
            foreach (string model in models)
                File.Delete(model);
        }
    }

    private static Dictionary<string, byte[]> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(entry => entry.FullName, entry =>
        {
            using var content = new MemoryStream();
            using (var stream = entry.Open())
                stream.CopyTo(content);
            return content.ToArray();
        });
    }
}
