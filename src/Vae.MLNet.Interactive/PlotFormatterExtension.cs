using System.Reflection;
using Microsoft.DotNet.Interactive;

namespace Vae.MLNet.Interactive;

/// <summary>
/// The kernel extension Polyglot Notebooks and dotnet-repl load from the Vae.MLNet package: a ScottPlot
/// <c>Plot</c> or <c>Image</c> that a cell returns displays as a PNG picture.
/// </summary>
public sealed class PlotFormatterExtension : IKernelExtension
{
    private const string ScottPlotAssemblyName = "ScottPlot";

    private int _registered;

    /// <summary>Registers the formatters now if ScottPlot is loaded, otherwise as soon as a notebook loads it.</summary>
    /// <param name="kernel">The notebook's kernel (the formatters are process-wide, so it is not used).</param>
    public Task OnLoadAsync(Kernel kernel)
    {
        // The package does not depend on ScottPlot: a notebook may reference it after this package, or never.
        // Touching a ScottPlot type before its assembly is loaded would fail, so wait for the assembly.
        AppDomain.CurrentDomain.AssemblyLoad += (_, loaded) => RegisterIfScottPlot(loaded.LoadedAssembly);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            RegisterIfScottPlot(assembly);
        return Task.CompletedTask;
    }

    private void RegisterIfScottPlot(Assembly assembly)
    {
        if (assembly.GetName().Name == ScottPlotAssemblyName && Interlocked.Exchange(ref _registered, 1) == 0)
            PlotFormatters.Register();
    }
}
