using System.IO.Pipes;
using System.Net.Sockets;

namespace Vae.MLNet.Tests;

/// <summary>
/// <see cref="SpecialFile"/> and the writers that use it: a device, a pipe or a socket is never replaced by a file
/// written whole (before: as root, <c>score --output /dev/null</c> replaced the system's /dev/null, and
/// <c>--output /dev/stdout</c> its link, with a regular file of scores). Targets are symbolic links to /dev/null inside
/// a temporary folder, so that a regression replaces the link, never the device.
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-special-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DevicesPipesAndSocketsAreToldFromFilesAndFolders()
    {
        string file = Path.Combine(_folder, "rows.csv"), link = Path.Combine(_folder, "null"), socketPath = Path.Combine(_folder, "socket");
        File.WriteAllText(file, "a\n1\n");
        File.CreateSymbolicLink(link, "/dev/null");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);

        Assert.Null(SpecialFile.Describe(file));
        Assert.Null(SpecialFile.Describe(_folder));
        Assert.Null(SpecialFile.Describe(Path.Combine(_folder, "missing.csv")));
        Assert.Equal("a device", SpecialFile.Describe(link));
        Assert.Equal("a socket", SpecialFile.Describe(socketPath));
        // What /dev/stdout and bash's <(…) lead to in a pipeline.
        Assert.Equal("a pipe", SpecialFile.Describe($"/proc/self/fd/{pipe.SafePipeHandle.DangerousGetHandle()}"));
    }

    [Fact]
    public void AtomicFileRefusesToReplaceADeviceOrASocket()
    {
        string link = Path.Combine(_folder, "null"), socketPath = Path.Combine(_folder, "socket");
        File.CreateSymbolicLink(link, "/dev/null");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var device = Assert.Throws<IOException>(() => AtomicFile.Write(link, file => file.Write("scores"u8)));
        var sock = Assert.Throws<IOException>(() => AtomicFile.Write(socketPath, file => file.Write("scores"u8)));

        Assert.Equal($"'{link}' is a device, not a file: a file written whole is renamed into place, which would replace it; give the path of a file.", device.Message);
        Assert.StartsWith($"'{socketPath}' is a socket, not a file", sock.Message);
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Equal(["null", "socket"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }

    /// <summary>A command given a device where it writes or reads a file, and what the error must say.</summary>
    public static TheoryData<string, string> DevicesGivenAsFiles() => new()
    {
        { "score --model {model} --input {rows} --output {null}", "--output {null}: is a device, not a file; the output is written whole to a file of that name, which would replace it. Give a file name." },
        { "score --model {model} --input {rows} --output {folder}/out.csv --skip-bad-rows --rejects {null}", "--rejects {null}: is a device, not a file;" },
        { "generate --model {model} --output {null}", "--output {null}: is a device, not a file;" },
        { "evaluate --train {rows} --test {rows} --save-model {null}", "--save-model {null}: is a device, not a file;" },
        { "evaluate --train {null} --test {rows}", "{null}: is a device, not a file; the tool reads its inputs more than once. Save it to a file first." },
        { "score --model {null} --input {rows} --output {folder}/out.csv", "{null}: is a device, not a file;" },
    };

    [Theory]
    [MemberData(nameof(DevicesGivenAsFiles))]
    public void ADeviceGivenAsAFileIsRefusedBeforeAnyWork(string command, string expected)
    {
        File.CreateSymbolicLink(Path.Combine(_folder, "null"), "/dev/null");
        // Checked before anything is read: the files need not be what their names say.
        File.WriteAllText(Path.Combine(_folder, "model.zip"), "a model");
        File.WriteAllText(Path.Combine(_folder, "rows.csv"), "a,Label\n1,0\n");
        string Fill(string text) => text.Replace("{model}", "{folder}/model.zip").Replace("{rows}", "{folder}/rows.csv")
            .Replace("{null}", "{folder}/null").Replace("{folder}", _folder);

        var (code, _, error) = CliProcess.Run(Fill(command).Split(' '));

        Assert.Equal(2, code);
        Assert.StartsWith($"error: {Fill(expected)}", Assert.Single(error.Trim().Split('\n')));
        Assert.Equal("/dev/null", new FileInfo(Path.Combine(_folder, "null")).LinkTarget);
        Assert.Equal(["model.zip", "null", "rows.csv"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }
}
