namespace Vae.MLNet.Cli;

/// <summary>
/// The one spelling of a file's path that the file system itself reaches: absolute, every symbolic link along it
/// replaced by its target, no <c>.</c> or <c>..</c> left. Two names of one file give one string, however spelt.
/// </summary>
internal static class RealPath
{
    // Linux's own limit on the links one lookup follows (ELOOP): a cycle of links ends in an error, not a hang.
    private const int MaximumLinks = 40;

    /// <summary>
    /// The real path of the file that .NET opens or renames for <paramref name="path"/>. The components that do not
    /// exist are kept as written: a file about to be created has no link to follow.
    /// </summary>
    /// <exception cref="IOException">More than 40 links on the way, as in a cycle of links.</exception>
    public static string Of(string path)
    {
        // .NET strikes a ".." of the path and the name before it (Path.GetFullPath) before it asks the system, so the
        // path's own ".." is struck here likewise, even after a link. A ".." inside a link's target is the system's:
        // the parent of where the link points.
        string absolute = Path.GetFullPath(path);
        string resolved = Path.GetPathRoot(absolute)!;
        // Left to walk, next first.
        var rest = new Stack<string>(Components(absolute[resolved.Length..]).Reverse());
        int links = 0;
        while (rest.TryPop(out string? component))
        {
            if (component == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }
            string next = Path.Combine(resolved, component);
            string? target = new FileInfo(next).LinkTarget;
            if (target == null)
            {
                resolved = next;
                continue;
            }
            if (++links > MaximumLinks)
                throw new IOException($"{path}: more than {MaximumLinks} symbolic links on the way (a cycle of links?).");
            // A relative target starts from the link's folder, which is what is resolved so far; its own components,
            // links and ".." among them, are walked like the rest.
            if (Path.IsPathRooted(target))
                resolved = Path.GetPathRoot(target)!;
            foreach (string part in Components(target).Reverse())
                rest.Push(part);
        }
        return resolved;
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".");
}
