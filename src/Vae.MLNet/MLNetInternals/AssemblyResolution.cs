using System.Reflection;

namespace Vae.MLNet;

/// <summary>
/// ML.NET finds the factory of a saved CustomMapping with <c>Assembly.Load("Vae.MLNet")</c>. An application that
/// references the package resolves that by itself; a notebook that loaded this library with <c>#r "path.dll"</c>
/// does not, so the name is answered here with the assembly already loaded. Part of the fence around ML.NET's
/// internals (see <see cref="MLNetInternals"/>).
/// </summary>
internal static class AssemblyResolution
{
    private static int _registered;

    /// <summary>The simple name ML.NET loads the factory's assembly by: this assembly's.</summary>
    public static string AnsweredName { get; } = typeof(AssemblyResolution).Assembly.GetName().Name!;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
                new AssemblyName(args.Name).Name == AnsweredName ? typeof(AssemblyResolution).Assembly : null;
    }
}
