namespace Vae.MLNet.Tests.Hostile;

/// <summary>A test class that writes crafted files to one temporary path, deleted after each test.</summary>
public abstract class CraftedFileTests(string extension) : IDisposable
{
    protected string CraftedPath { get; } = Path.Combine(Path.GetTempPath(), $"vae-crafted-{Guid.NewGuid():N}{extension}");

    public void Dispose()
    {
        File.Delete(CraftedPath);
        GC.SuppressFinalize(this);
    }
}
