using System.Runtime.InteropServices;

namespace Vae.MLNet;

/// <summary>
/// Tells a device, a pipe or a socket from a file. Writing a file whole (<see cref="AtomicFile"/>) renames a new file
/// over the path, which replaces whatever is there: given <c>/dev/null</c> or <c>/dev/stdout</c> by a process running as
/// root (as in most containers), it replaced the system's device node or link with a regular file of scores, and the
/// scores reached neither the terminal nor the pipe. Read twice (a check, then the rows), a pipe such as
/// <c>/dev/stdin</c> or bash's <c>&lt;(…)</c> is empty the second time. .NET reports no file type, so it is read with
/// the runtime's own <c>stat</c>.
/// </summary>
internal static class SpecialFile
{
    // The S_IFMT bits of the mode as the runtime's native shim reports them: the same values on every Unix.
    private const int TypeMask = 0xF000;
    private const int Pipe = 0x1000, CharacterDevice = 0x2000, BlockDevice = 0x6000, Socket = 0xC000;

    // SystemNative_Stat fills a FileStatus of 32-bit Flags then 32-bit Mode, then fields this class does not read;
    // the buffer is larger than the whole structure has ever been.
    private const int StatusBytes = 512;

    /// <summary>
    /// What <paramref name="path"/>, its symbolic links followed, names when it exists and is neither a regular file
    /// nor a folder: <c>"a device"</c>, <c>"a pipe"</c> or <c>"a socket"</c>. Null for a file, a folder, a path that
    /// does not exist, and on a system whose file types cannot be read (Windows).
    /// </summary>
    public static string? Describe(string path)
    {
        if (OperatingSystem.IsWindows())
            return null;
        var status = new byte[StatusBytes];
        try
        {
            if (Stat(path, status) != 0)
                return null;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // A runtime without the shim: nothing is known, and nothing is refused.
            return null;
        }
        return (BitConverter.ToInt32(status, sizeof(int)) & TypeMask) switch
        {
            CharacterDevice or BlockDevice => "a device",
            Pipe => "a pipe",
            Socket => "a socket",
            // A regular file or a folder (stat follows links, so never a link).
            _ => null,
        };
    }

    /// <summary>The runtime's <c>stat</c> (it follows links), the call behind <c>File.Exists</c> on Unix; 0 on success.</summary>
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
