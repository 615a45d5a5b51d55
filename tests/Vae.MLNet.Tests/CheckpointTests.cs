using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>Interrupted training: cancellation, checkpoints and resuming to the model of an uninterrupted run.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _checkpoint = Path.Combine(Path.GetTempPath(), $"vae-checkpoint-{Guid.NewGuid():N}.bin");
    private readonly MLContext _ml = new(seed: 1);
    private readonly IDataView _data;

    public CheckpointTests() => _data = TestData.ToDataView(_ml, TestData.Gaussian(600, 20));

    public void Dispose() => File.Delete(_checkpoint);

    // Patience 3: early stopping's counter and best weights are part of what must survive an interruption.
    private VaeAnomalyDetectionTrainer.Options Options(List<int>? epochs = null, CancellationToken cancellation = default) => new()
    {
        Epochs = 40,
        Seed = 5,
        EarlyStoppingPatience = 3,
        // Checkpoints are the model's: the calibration models trained after it are not part of a resumed run's epochs.
        Progress = report => { if (report.CalibrationFold == 0) epochs?.Add(report.Epoch); },
        CancellationToken = cancellation,
        CheckpointPath = _checkpoint,
        CheckpointInterval = 4,
    };

    private float[] Scores(VaeAnomalyDetectionTrainer.Options options) =>
        TestData.Column(_ml.AnomalyDetection.Trainers.Vae(options).Fit(_data).Transform(_data), "Score");

    [Trait("Category", "Slow")]
    [Fact]
    public void ACancelledRunResumedFromItsCheckpointEndsWithTheUninterruptedModel()
    {
        var uninterruptedEpochs = new List<int>();
        var plain = Options(uninterruptedEpochs);
        plain.CheckpointPath = null;
        var expected = Scores(plain);
        Assert.True(uninterruptedEpochs.Count > 7, $"the run stopped after {uninterruptedEpochs.Count} epochs; the test needs more");

        using var cancellation = new CancellationTokenSource();
        var cancelled = Options(cancellation: cancellation.Token);
        cancelled.Progress = report =>
        {
            if (report.Epoch == 7)
                cancellation.Cancel();
        };
        Assert.Throws<OperationCanceledException>(() => Scores(cancelled));
        Assert.True(File.Exists(_checkpoint));

        var resumedEpochs = new List<int>();
        var resumed = Options(resumedEpochs);
        resumed.ResumeFromCheckpoint = true;
        Assert.Equal(expected, Scores(resumed));
        // The checkpoint of epoch 4 was the last before the cancellation in epoch 8: epochs 5-7 are redone.
        Assert.Equal(uninterruptedEpochs.Skip(4), resumedEpochs);

        // The run's last checkpoint marks it finished: resuming again trains nothing and gives the same model.
        var again = new List<int>();
        var finished = Options(again);
        finished.ResumeFromCheckpoint = true;
        Assert.Equal(expected, Scores(finished));
        Assert.Empty(again);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ACheckpointOfAnotherRunIsRefusedNamingWhatDiffers()
    {
        Scores(Options());
        var otherLatent = Options();
        otherLatent.ResumeFromCheckpoint = true;
        otherLatent.LatentDimension = 4;
        var error = Assert.Throws<InvalidOperationException>(() => Scores(otherLatent));
        Assert.Contains("checkpoint latent=8, this run latent=4", error.Message);

        var otherData = Options();
        otherData.ResumeFromCheckpoint = true;
        var data = TestData.ToDataView(_ml, TestData.Gaussian(600, 20, seed: 9));
        error = Assert.Throws<InvalidOperationException>(() => _ml.AnomalyDetection.Trainers.Vae(otherData).Fit(data));
        Assert.Contains("data SHA-256", error.Message);
        Assert.DoesNotContain("rows=", error.Message);
    }

    /// <summary>Three measurements and a flag, as a Boolean column.</summary>
    private sealed class FlagRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public bool Flag { get; set; }
    }

    /// <summary>The same rows, the flag as a Single 0 or 1: the same model-space cells, byte for byte.</summary>
    private sealed class FlagAsNumberRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];

        public float Flag { get; set; }
    }

    [Fact]
    public void ACheckpointOfOtherColumnKindsIsRefusedNamingBothLayouts()
    {
        var rows = TestData.Gaussian(200, 0, 3).Select(r => new FlagRow { Features = r.Features, Flag = r.Features[0] > 0 }).ToArray();
        var options = new VaeAnomalyDetectionTrainer.Options
        {
            AdditionalFeatureColumnNames = ["Flag"], Epochs = 2, Seed = 5, LatentDimension = 2, CheckpointPath = _checkpoint, CheckpointInterval = 1,
        };
        _ml.AnomalyDetection.Trainers.Vae(options).Fit(_ml.Data.LoadFromEnumerable(rows));

        options.ResumeFromCheckpoint = true;
        var asNumbers = _ml.Data.LoadFromEnumerable(rows.Select(r => new FlagAsNumberRow { Features = r.Features, Flag = r.Flag ? 1 : 0 }).ToArray());
        var error = Assert.Throws<InvalidOperationException>(() => _ml.AnomalyDetection.Trainers.Vae(options).Fit(asNumbers));
        Assert.Contains("checkpoint input columns=Features: 3 × Real | Flag: 1 × Binary, this run input columns=Features: 3 × Real | Flag: 1 × Real", error.Message);
        Assert.DoesNotContain("data SHA-256", error.Message);

        // A run of one real column, four wide, names the layout it leaves at its default.
        var oneColumn = new VaeAnomalyDetectionTrainer.Options { Epochs = 2, Seed = 5, LatentDimension = 2, CheckpointPath = _checkpoint, ResumeFromCheckpoint = true };
        var wide = TestData.ToDataView(_ml, rows.Select(r => new LabelledRow { Features = [.. r.Features, r.Flag ? 1 : 0] }).ToArray());
        error = Assert.Throws<InvalidOperationException>(() => _ml.AnomalyDetection.Trainers.Vae(oneColumn).Fit(wide));
        Assert.Contains("checkpoint input columns=Features: 3 × Real | Flag: 1 × Binary, this run input columns=one column of real values", error.Message);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ADamagedOrForeignCheckpointGivesInvalidDataException()
    {
        Scores(Options());
        var bytes = File.ReadAllBytes(_checkpoint);
        var resume = Options();
        resume.ResumeFromCheckpoint = true;

        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(_checkpoint, bytes);
        Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => Scores(resume)).Message);

        File.WriteAllBytes(_checkpoint, bytes[..(bytes.Length / 3)]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Scores(resume)).Message);

        File.WriteAllText(_checkpoint, "label,f0\n1,2\n");
        Assert.Contains("not a Vae.MLNet training checkpoint", Assert.Throws<InvalidDataException>(() => Scores(resume)).Message);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void WithoutResumeAnExistingCheckpointIsReplacedByAFreshRun()
    {
        File.WriteAllText(_checkpoint, "stale");
        var plain = Options();
        plain.CheckpointPath = null;
        Assert.Equal(Scores(plain), Scores(Options()));
        Assert.NotEqual("stale", File.ReadAllText(_checkpoint)[..5]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_checkpoint)!, Path.GetFileName(_checkpoint) + ".*.tmp"));
    }

    [Fact]
    public void ACheckpointInAMissingFolderIsRefusedBeforeTraining()
    {
        var epochs = new List<int>();
        var options = Options(epochs);
        options.CheckpointPath = Path.Combine(Path.GetTempPath(), $"vae-missing-{Guid.NewGuid():N}", "checkpoint.bin");
        var error = Assert.Throws<DirectoryNotFoundException>(() => Scores(options));
        Assert.Contains(options.CheckpointPath, error.Message);
        Assert.Empty(epochs);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("unwritable folder")]
    [InlineData("device")]
    [InlineData("read-only checkpoint")]
    public void ACheckpointPathThatCannotBeWrittenIsRefusedBeforeTraining(string what)
    {
        var epochs = new List<int>();
        var options = Options(epochs);
        // /proc refuses new files even to root, whom a read-only folder does not stop; a read-only file stops the
        // rename that replaces it only through this check.
        options.CheckpointPath = what switch
        {
            "folder" => Path.GetTempPath(),
            "unwritable folder" => "/proc/vae-checkpoint.bin",
            "device" => "/dev/null",
            _ => Path.Combine(Path.GetTempPath(), $"vae-checkpoint-{Guid.NewGuid():N}.bin"),
        };
        if (what == "read-only checkpoint")
        {
            File.WriteAllText(options.CheckpointPath, "a checkpoint");
            new FileInfo(options.CheckpointPath).IsReadOnly = true;
        }
        try
        {
            var error = Assert.Throws<IOException>(() => Scores(options));
            Assert.Contains($"CheckpointPath '{options.CheckpointPath}'", error.Message);
            Assert.Empty(epochs);
        }
        finally
        {
            if (what == "read-only checkpoint")
                File.Delete(options.CheckpointPath);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void ABlankCheckpointPathIsAnInvalidOption(string blank)
    {
        var options = Options();
        options.CheckpointPath = blank;
        var error = Assert.Throws<ArgumentException>(() => _ml.AnomalyDetection.Trainers.Vae(options));
        Assert.Equal(nameof(options.CheckpointPath), error.ParamName);
    }

    [Fact]
    public void ResumingWithoutACheckpointPathIsAnInvalidOption()
    {
        var options = Options();
        options.CheckpointPath = null;
        options.ResumeFromCheckpoint = true;
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.AnomalyDetection.Trainers.Vae(options));
    }
}
