using System.Reflection;

namespace Vae.MLNet;

/// <summary>
/// ML.NET finds the factory of a saved CustomMapping with <c>Assembly.Load("Vae.MLNet")</c>. An application that
/// references the package resolves that by itself; a notebook that loaded this library with <c>#r "path.dll"</c>
/// does not, so the name is answered here with the assembly already loaded.
/// </summary>
internal static class AssemblyResolution
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
                new AssemblyName(args.Name).Name == typeof(AssemblyResolution).Assembly.GetName().Name ? typeof(AssemblyResolution).Assembly : null;
    }
}
