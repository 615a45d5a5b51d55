using TorchSharp;
using TorchSharp.Modules;

namespace Vae.MLNet.Training;

/// <summary>Everything a training run carries from one epoch to the next, which a checkpoint saves and restores.</summary>
internal sealed class TrainingState(VaeNetwork network, AdamOptimizer optimizer, torch.Generator generator) : IDisposable
{
    public VaeNetwork Network { get; } = network;

    /// <summary>The run's random generator, whose state a resumed run must continue from.</summary>
    public torch.Generator Generator { get; } = generator;

    public AdamOptimizer Optimizer { get; } = optimizer;

    public BestWeights Best { get; } = new(network);

    /// <summary>The last completed epoch; 0 before the first.</summary>
    public int Epoch { get; set; }

    public int EpochsWithoutImprovement { get; set; }

    /// <summary>The lowest training loss per row of the epochs so far, against which divergence is judged.</summary>
    public double LowestTrainingLoss { get; set; } = double.PositiveInfinity;

    /// <summary>True once early stopping, divergence or the epoch limit ended the run.</summary>
    public bool Finished { get; set; }

    public void Dispose() => Best.Dispose();
}
