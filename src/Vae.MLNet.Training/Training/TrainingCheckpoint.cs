using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;

namespace Vae.MLNet.Training;

/// <summary>
/// A training run's state after an epoch, in one file, so that a new process continues the run to the very model
/// an uninterrupted run gives. The file carries a description of the run (settings, seed, a hash of the data) and
/// refuses to resume another run; a SHA-256 of its content catches a torn or damaged file.
/// </summary>
internal sealed class TrainingCheckpoint
{
    private const string Magic = "Vae.MLNet training checkpoint";
    // 2: the lowest training loss, and the epoch of the best weights.
    private const int FormatVersion = 3;

    private readonly string _path;
    private readonly string _run;

    private TrainingCheckpoint(string path, string run) => (_path, _run) = (path, run);

    /// <summary>
    /// The checkpoint file of a run on <paramref name="data"/>, rows of <paramref name="layout"/>'s model-space cells, or
    /// null when the options ask for none.
    /// </summary>
    public static TrainingCheckpoint? For(VaeTrainingOptions options, int seed, float[] data, int rows, VaeInputLayout layout)
    {
        int dimension = layout.Cells;
        if (options.CheckpointPath is null)
            return null;
        CheckWritable(options.CheckpointPath);
        // Every setting that changes the trajectory; Threads and Progress do not, within the documented tolerance.
        var run = string.Join("; ", new[]
        {
            ("rows", rows.ToString(CultureInfo.InvariantCulture)),
            ("features", dimension.ToString(CultureInfo.InvariantCulture)),
            ("data SHA-256", Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(data.AsSpan(0, rows * dimension))))),
            ("seed", seed.ToString(CultureInfo.InvariantCulture)),
            ("hidden", string.Join(",", options.HiddenLayers)),
            ("latent", options.LatentDimension.ToString(CultureInfo.InvariantCulture)),
            ("activation", options.Activation.ToString()),
            ("likelihood", options.Likelihood.ToString()),
            ("learned variance", options.LearnOutputVariance.ToString()),
            // The default epoch limit follows from the rows, which are part of the key.
            ("epochs", options.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "default"),
            ("batch", options.BatchSize.ToString(CultureInfo.InvariantCulture)),
            ("learning rate", LearningRateSchedule.Describe(options, layout)),
            ("beta", options.Beta.ToString("R", CultureInfo.InvariantCulture)),
            ("KL warm-up", options.KlWarmupEpochs.ToString(CultureInfo.InvariantCulture)),
            ("validation", options.ValidationFraction.ToString("R", CultureInfo.InvariantCulture)),
            ("patience", options.EarlyStoppingPatience.ToString(CultureInfo.InvariantCulture)),
        }
        // Said only when not the default, so that checkpoints written before the option existed still resume.
        .Concat(options.MissingValues == VaeMissingValues.Error ? [] : [("missing values", options.MissingValues.ToString())])
        // The columns' kinds, for mixed columns: cells of the same width and values may be a flag or a real value, a key
        // or several flags, each with another likelihood, hence another run.
        .Concat(layout.IsSingleReal ? [] : [(LayoutItem, Describe(layout))])
        .Select(item => $"{item.Item1}={item.Item2}"));
        return new TrainingCheckpoint(options.CheckpointPath, run);
    }

    /// <summary>
    /// Fails unless a checkpoint can be written to <paramref name="path"/>: found now rather than when the first checkpoint
    /// is due, epochs of work later. A folder that does not exist, a folder or a device in the file's place, a read-only
    /// checkpoint, and a folder this process may not create a file in (read-only, /proc) all failed only there.
    /// </summary>
    private static void CheckWritable(string path)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? "";
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The folder of CheckpointPath '{path}' does not exist.");
        if ((Directory.Exists(full) ? "a folder" : SpecialFile.Describe(full)) is string kind)
            throw new IOException($"CheckpointPath '{path}' is {kind}, not a file: give the path of a file to write the checkpoints to.");
        if (AtomicFile.IsReadOnly(full))
            throw new IOException($"CheckpointPath '{path}' is read-only: each checkpoint replaces the file. Make it writable or give another path.");
        // A file created where the checkpoint's temporary file will be (AtomicFile), and gone when closed.
        try
        {
            using var probe = new FileStream(AtomicFile.TemporaryPath(full), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"CheckpointPath '{path}' cannot be written: no file can be created in its folder ({error.Message}).", error);
        }
    }

    /// <summary>Writes the state to a temporary file and renames it over the checkpoint, so a kill never leaves half a file.</summary>
    public void Write(TrainingState state)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(_run);
            writer.Write(state.Epoch);
            writer.Write(state.EpochsWithoutImprovement);
            writer.Write(state.LowestTrainingLoss);
            writer.Write(state.Finished);
            TensorFile.Write(writer, state.Network.parameters().ToArray());
            state.Best.Write(writer);
            state.Optimizer.Write(writer);
            using var generator = state.Generator.get_state();
            var generatorState = generator.data<byte>().ToArray();
            writer.Write(generatorState.Length);
            writer.Write(generatorState);
        }

        AtomicFile.Write(_path, file =>
        {
            using var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(payload.Length);
            writer.Write(payload.GetBuffer(), 0, (int)payload.Length);
            writer.Write(SHA256.HashData(payload.GetBuffer().AsSpan(0, (int)payload.Length)));
        });
    }

    /// <summary>Restores <paramref name="state"/> from the file if it exists; false if there is none.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or is damaged.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint belongs to a run with other settings or data.</exception>
    public bool TryResume(TrainingState state)
    {
        if (!File.Exists(_path))
            return false;
        using var reader = new BinaryReader(new MemoryStream(ReadPayload()), Encoding.UTF8);
        string run = reader.ReadString();
        if (run != _run)
            throw new InvalidOperationException(
                $"The checkpoint '{_path}' belongs to another training run ({Differences(run, _run)}). " +
                "Resume with the settings and data it was written with, or turn ResumeFromCheckpoint off to start afresh.");
        state.Epoch = reader.ReadInt32();
        state.EpochsWithoutImprovement = reader.ReadInt32();
        state.LowestTrainingLoss = reader.ReadDouble();
        state.Finished = reader.ReadBoolean();
        TensorFile.ReadInto(reader, state.Network.parameters().ToArray());
        state.Best.Read(reader);
        state.Optimizer.Read(reader);
        var generatorState = reader.ReadBytes(reader.ReadInt32());
        using var generator = torch.tensor(generatorState);
        state.Generator.set_state(generator);
        return true;
    }

    private byte[] ReadPayload()
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(_path), Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new InvalidDataException($"'{_path}' is not a Vae.MLNet training checkpoint.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"The checkpoint '{_path}' has format version {version}; this library reads version {FormatVersion}.");
            long length = reader.ReadInt64();
            if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position - SHA256.HashSizeInBytes)
                throw new InvalidDataException($"The checkpoint '{_path}' is truncated: it announces {length} bytes of state.");
            var payload = reader.ReadBytes((int)length);
            if (!reader.ReadBytes(SHA256.HashSizeInBytes).AsSpan().SequenceEqual(SHA256.HashData(payload)))
                throw new InvalidDataException($"The checkpoint '{_path}' is damaged: its content does not match its SHA-256.");
            return payload;
        }
        catch (Exception error) when (error is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"'{_path}' is not a Vae.MLNet training checkpoint, or is truncated.", error);
        }
    }

    private const string LayoutItem = "input columns";

    /// <summary>What the run key says of the items it leaves out when they are the default.</summary>
    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["missing values"] = nameof(VaeMissingValues.Error),
        [LayoutItem] = "one column of real values",
    };

    /// <summary>The columns of <paramref name="layout"/>, each as <see cref="VaeInputColumn.ToString"/> says, joined by " | " (the key's items are joined by "; ").</summary>
    private static string Describe(VaeInputLayout layout) => string.Join(" | ", layout.Columns);

    /// <summary>Each item of the two run keys that differs, or that one of them leaves at its default.</summary>
    private static string Differences(string theirs, string ours)
    {
        static Dictionary<string, string> Items(string key) =>
            key.Split("; ").Select(item => item.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "");
        var (theirItems, ourItems) = (Items(theirs), Items(ours));
        string Value(Dictionary<string, string> items, string name) =>
            items.TryGetValue(name, out var value) ? value : Defaults.GetValueOrDefault(name, "unset");
        return string.Join(", ", theirItems.Keys.Union(ourItems.Keys)
            .Where(name => Value(theirItems, name) != Value(ourItems, name))
            .Select(name => $"checkpoint {name}={Value(theirItems, name)}, this run {name}={Value(ourItems, name)}"));
    }
}
