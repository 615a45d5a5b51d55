using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Tools;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>
/// A pass over a scored view reads its source once, whichever columns it asks for, and still serves every column
/// row by row as ML.NET's own transforms do: the source's values, ids and order beside each row's own scores.
/// </summary>
public class SourceReadsTests
{
    // More than two of the scorer's 1,024-row blocks, the last one partial.
    private const int Rows = 2_500;

    public static TheoryData<string[]> Columns => [["Score"], ["Label", "Score"], ["Label", "Features", "Score", "PredictedLabel", "PValue"], ["Label"]];

    [Theory]
    [MemberData(nameof(Columns))]
    public void OnePassReadsEachSourceRowOnce(string[] columns)
    {
        var ml = new MLContext(seed: 1);
        var (detector, source) = Scored(ml);
        var scored = detector.Transform(source);

        using (var cursor = scored.GetRowCursor(columns.Select(name => scored.Schema[name])))
            while (cursor.MoveNext())
            {
            }

        Assert.Equal(Rows, source.RowsRead);
        Assert.Equal(1, source.Cursors);
    }

    [Fact]
    public void EachRowShowsTheSourcesValuesIdAndPositionBesideItsOwnScore()
    {
        var ml = new MLContext(seed: 1);
        var (detector, source) = Scored(ml);
        var scored = detector.Transform(source);
        var labels = source.GetColumn<float>("Label").ToArray();
        var features = source.GetColumn<float[]>("Features").ToArray();
        var ids = Ids(source);
        var scores = TestData.Column(scored, "Score");

        var label = scored.Schema["Label"];
        var feature = scored.Schema["Features"];
        var score = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([label, feature, score]);
        var (getLabel, getFeatures, getScore, getId) =
            (cursor.GetGetter<float>(label), cursor.GetGetter<VBuffer<float>>(feature), cursor.GetGetter<float>(score), cursor.GetIdGetter());
        float labelValue = 0, scoreValue = 0;
        VBuffer<float> featureValues = default;
        DataViewRowId id = default;
        int row = 0;
        for (; cursor.MoveNext(); row++)
        {
            Assert.Equal(row, cursor.Position);
            getLabel(ref labelValue);
            getFeatures(ref featureValues);
            getScore(ref scoreValue);
            getId(ref id);
            Assert.Equal(labels[row], labelValue);
            Assert.Equal(features[row], featureValues.DenseValues().ToArray());
            Assert.Equal(scores[row], scoreValue);
            Assert.Equal(ids[row], id);
            Assert.False(cursor.IsColumnActive(scored.Schema["PValue"]));
        }
        Assert.Equal(Rows, row);
    }

    private static (ITransformer Detector, CountingDataView Source) Scored(MLContext ml)
    {
        var train = TestData.ToDataView(ml, TestData.Gaussian(300, 0));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 2, Seed = 1, AddPValueColumn = true }).Fit(train);
        return (detector, new CountingDataView(TestData.ToDataView(ml, TestData.Gaussian(Rows - 100, 100, seed: 2))));
    }

    private static DataViewRowId[] Ids(IDataView data)
    {
        using var cursor = data.GetRowCursor([]);
        var getter = cursor.GetIdGetter();
        var ids = new List<DataViewRowId>();
        DataViewRowId id = default;
        while (cursor.MoveNext())
        {
            getter(ref id);
            ids.Add(id);
        }
        return ids.ToArray();
    }
}
