using System.Runtime.Versioning;

namespace Vae.MLNet.Tests;

/// <summary>
/// <see cref="AtomicFile"/>: the file is replaced whole or not at all, and no other file beside it is touched, even
/// one named as a temporary file would be (before: <c>score --input rows.csv.tmp --output rows.csv</c> truncated its
/// own input and wrote 0 rows), and a read-only file is refused (before: the rename, which needs only the folder's
/// permission, replaced it, for any user).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AFileNamedTheTargetWithTmpIsNeitherTruncatedNorDeleted()
    {
        string target = Path.Combine(_folder, "rows.csv"), neighbour = target + ".tmp";
        File.WriteAllText(neighbour, "the user's rows");

        AtomicFile.Write(target, file => file.Write("new"u8));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(target, _ => throw new InvalidOperationException("the writer fails")));

        Assert.Equal("the user's rows", File.ReadAllText(neighbour));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(["rows.csv", "rows.csv.tmp"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileAndNoTemporaryFile()
    {
        string target = Path.Combine(_folder, "model.zip");
        File.WriteAllText(target, "previous");

        Assert.Throws<IOException>(() => AtomicFile.Write(target, file =>
        {
            file.Write("half"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Equal(["model.zip"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    /// <summary>
    /// Modes whose owner may not write are refused whatever the other bits say (before: 000 and 044 were replaced, since
    /// .NET's read-only attribute needs the owner's read bit); one whose owner may write is replaced.
    /// </summary>
    [Theory]
    [InlineData(0b100_100_100, true)]
    [InlineData(0b100_110_100, true)]
    [InlineData(0b000_000_000, true)]
    [InlineData(0b000_100_100, true)]
    [InlineData(0b010_000_000, false)]
    [InlineData(0b110_100_100, false)]
    public void AFileItsOwnerMayNotWriteIsRefusedAndKept(int mode, bool refused)
    {
        string target = ReadOnlyFile("model.zip", (UnixFileMode)mode);

        var error = Record.Exception(() => AtomicFile.Write(target, file => file.Write("new"u8)));

        if (refused)
        {
            Assert.Equal($"'{target}' is read-only: a file written whole is renamed into place, which would replace it; make it writable or give another path.",
                Assert.IsType<UnauthorizedAccessException>(error).Message);
            Assert.Equal((UnixFileMode)mode, File.GetUnixFileMode(target));
            File.SetUnixFileMode(target, UnixFileMode.UserRead);
            Assert.Equal("protected", File.ReadAllText(target));
        }
        else
        {
            Assert.Null(error);
            Assert.Equal("new", File.ReadAllText(target));
        }
        Assert.Equal(["model.zip"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    /// <summary>
    /// A command's read-only output fails before any work, with the option that named it, and is kept (before, demo and
    /// digits trained, wrote their other files, and only then failed on it).
    /// </summary>
    [Theory]
    [InlineData("score --model {folder}/model.zip --input {folder}/rows.csv --output {target}", "--output", "out.csv")]
    [InlineData("evaluate --train {folder}/rows.csv --test {folder}/rows.csv --save-model {target}", "--save-model", "out.csv")]
    [InlineData("evaluate --train {folder}/rows.csv --test {folder}/rows.csv --checkpoint {target}", "--checkpoint", "out.csv")]
    [InlineData("generate --model {folder}/model.zip --output {target}", "--output", "out.csv")]
    [InlineData("demo --output {folder}", "--output", "metrics.json")]
    [InlineData("digits --output {folder}", "--output", "digits-traversal.png")]
    public void ACommandRefusesAReadOnlyOutputBeforeAnyWork(string command, string option, string name)
    {
        string target = ReadOnlyFile(name);
        // Checked before anything is read: the files need not be what their names say.
        File.WriteAllText(Path.Combine(_folder, "model.zip"), "a model");
        File.WriteAllText(Path.Combine(_folder, "rows.csv"), "a,Label\n1,0\n");

        var (code, _, error) = CliProcess.Run(command.Replace("{target}", target).Replace("{folder}", _folder).Split(' '));

        Assert.Equal(2, code);
        Assert.Equal($"error: {option} {target}: is read-only; the output is written whole to a file of that name, which would replace it. " +
            "Make it writable or give another name.", Assert.Single(error.Trim().Split('\n')));
        Assert.Equal("protected", File.ReadAllText(target));
        Assert.Equal(new[] { name, "model.zip", "rows.csv" }.Order(), Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    /// <summary>
    /// A file of <paramref name="name"/> in the test's folder with <paramref name="mode"/> (default: readable by all,
    /// writable by none): as root, only its mode says it is protected.
    /// </summary>
    private string ReadOnlyFile(string name, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, "protected");
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
