namespace Vae.MLNet.Tests;

/// <summary>
/// <see cref="AtomicFile"/>: the file is replaced whole or not at all, and no other file beside it is touched, even
/// one named as a temporary file would be (before: <c>score --input rows.csv.tmp --output rows.csv</c> truncated its
/// own input and wrote 0 rows).
/// </summary>
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
}
