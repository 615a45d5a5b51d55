namespace Vae.MLNet.Cli;

/// <summary>
/// ML.NET's TextLoader skips a line that starts with <c>//</c> as a comment, with no option to read it: a CSV row whose
/// first cell starts so (a path, a protocol-relative URL) would be left out of training, of the test figures or of
/// the scored file without a word. A CSV has no comments, so such a line is refused, named by its line number.
/// </summary>
internal static class CommentLines
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Fails naming the first line of <paramref name="path"/> that starts with <c>//</c>, if any.</summary>
    /// <remarks>One pass over the bytes, a chunk at a time: much faster than the parsing that follows.</remarks>
    public static void Refuse(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        // The two bytes before the chunk, so that a "\n//" split across chunks is found; the file's start counts as a
        // line break (after a UTF-8 byte order mark, which TextLoader skips).
        var buffer = new byte[ChunkBytes + 2];
        int read = file.Read(buffer, 0, ChunkBytes);
        int start = read >= 3 && buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8) ? 3 : 0;
        if (buffer.AsSpan(start, read - start).StartsWith("//"u8))
            throw Found(path, 1);
        long line = 1;
        int carried = 0;
        while (read > 0)
        {
            var text = buffer.AsSpan(0, carried + read);
            int at = text.IndexOf("\n//"u8);
            if (at >= 0)
                throw Found(path, line + text[..(at + 1)].Count((byte)'\n') - text[..carried].Count((byte)'\n'));
            line += text[carried..].Count((byte)'\n');
            carried = Math.Min(2, text.Length);
            text[^carried..].CopyTo(buffer);
            read = file.Read(buffer, carried, ChunkBytes);
        }
    }

    private static CliException Found(string path, long line) =>
        new($"{path}: line {line:N0} starts with //, which ML.NET's TextLoader skips as a comment: that row would be left out without a word. " +
            "Quote its first cell (\"//…\"), or delete the line if it is a comment.");
}
