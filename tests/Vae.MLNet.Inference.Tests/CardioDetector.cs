using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Inference.Tests;

/// <summary>
/// Fixtures/cardio-detector.zip, written by <c>vae-mlnet demo</c> (z-scoring and the VAE detector, trained on the
/// cardiotocography split), the test rows it was scored on and the scores it gave them.
/// </summary>
internal static class CardioDetector
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static string ModelPath => Fixture("cardio-detector.zip");

    public static IDataView LoadTestRows(MLContext ml) => ml.Data.CreateTextLoader(
    [
        new TextLoader.Column("Features", DataKind.Single, 0, 20),
        new TextLoader.Column("Label", DataKind.Single, 21),
    ], separatorChar: ',', hasHeader: true).Load(Fixture("cardio-test.csv"));

    public static float[] ExpectedScores() => File.ReadLines(Fixture("cardio-detector-scores.csv")).Skip(1)
        .Select(line => float.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The scores <paramref name="model"/> gives the test rows.</summary>
    public static float[] Scores(MLContext ml, ITransformer model) => model.Transform(LoadTestRows(ml)).GetColumn<float>("Score").ToArray();
}
