namespace Vae.MLNet.Training;

/// <summary>
/// Frees, every few mini-batch steps, the native memory of the <c>TorchSharp.Scalar</c>s that implicit conversions
/// create (every <c>0.5 * x</c>; TorchSharp's Adam made several per parameter) and that nothing disposes: they wait for
/// the finalizer, and a step allocates so little managed memory that the GC may not run for thousands of steps. Each
/// is a few bytes, but glibc places them between the step's large temporaries, whose space the heap can then neither
/// reuse nor return: 50 rows × 5,000 features grew by 15 MB a step, to 5.9 GB before a GC ran (docs/reliability.md).
/// A collection whenever the steps taken since the last have moved <see cref="Budget"/> bytes of parameters bounds
/// that growth at about the budget, and costs one collection per thousand steps for a network of 64 KB. The training's
/// own arithmetic and <see cref="AdamOptimizer"/> now hold their Scalars (<see cref="KeptScalars"/>); this bounds
/// whatever TorchSharp's modules still make.
/// </summary>
internal sealed class ScalarReclaimer(VaeNetwork network)
{
    /// <summary>Parameter bytes stepped between two collections: 64 MiB.</summary>
    private const long Budget = 64L << 20;

    private readonly long _parameterBytes = network.parameters().Sum(p => p.numel()) * sizeof(float);
    private long _stepped;

    public void AfterStep()
    {
        _stepped += _parameterBytes;
        if (_stepped < Budget)
            return;
        _stepped = 0;
        // Generation 1 holds what an automatic collection promoted mid-step; the finalizers free the native side.
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }
}
