using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Cli;

/// <summary>Reads a score column to the end, which makes a lazy scorer run on every row: what timings and counts need.</summary>
internal static class ScoreReader
{
    /// <summary>Reads up to <paramref name="limit"/> values of <paramref name="column"/> (a Single or a vector of Single); returns the rows read.</summary>
    /// <param name="progress">Where to show the rows read, if anywhere.</param>
    public static long ReadAll(IDataView scored, string column = "Score", long limit = long.MaxValue, ProgressPhase? progress = null)
    {
        var scoreColumn = scored.Schema[column];
        using var cursor = scored.GetRowCursor([scoreColumn]);
        long rows = 0;
        if (scoreColumn.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            var value = default(VBuffer<float>);
            for (; rows < limit && cursor.MoveNext(); rows++)
            {
                getter(ref value);
                progress?.Report(rows + 1);
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(scoreColumn);
            float value = 0;
            for (; rows < limit && cursor.MoveNext(); rows++)
            {
                getter(ref value);
                progress?.Report(rows + 1);
            }
        }
        progress?.Report(rows);
        return rows;
    }
}
