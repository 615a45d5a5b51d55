namespace Vae.MLNet.Tests.Hostile;

/// <summary>
/// How many hostile inputs the loader tests try. The CI profile is short; the long one is asked for with
/// <c>VAE_FUZZ_INPUTS</c>, the total over the loaders, e.g. <c>VAE_FUZZ_INPUTS=10000</c>.
/// </summary>
internal static class FuzzProfile
{
    public const string Variable = "VAE_FUZZ_INPUTS";

    /// <summary>
    /// The fuzzed inputs (four loaders, and the model files of a detector of missing values and of one of mixed columns);
    /// the total is split evenly among them.
    /// </summary>
    public const int Loaders = 6;

    private const int CiTotal = 1000;

    /// <summary>No hostile input may take longer than this: a bound on hangs, far above any real load.</summary>
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);

    /// <summary>No hostile input may make the loader allocate more than this on its thread; the files are kilobytes.</summary>
    public const long AllocationBound = 512L << 20;

    public static int InputsPerLoader
    {
        get
        {
            string? value = Environment.GetEnvironmentVariable(Variable);
            int total = string.IsNullOrEmpty(value) ? CiTotal : int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            return Math.Max(1, total / Loaders);
        }
    }
}
