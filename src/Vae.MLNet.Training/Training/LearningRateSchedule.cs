using System.Globalization;

namespace Vae.MLNet.Training;

/// <summary>
/// The step size of every Adam step of a run. A set <see cref="VaeTrainingOptions.LearningRate"/> holds throughout.
/// Unset, it follows the data: for at most <see cref="VaeTrainingOptions.Defaults.FewFeatures"/> features of a Gaussian
/// model of one real column that refuses missing values, a cosine decay from
/// <see cref="VaeTrainingOptions.Defaults.FewFeaturesInitialLearningRate"/> to
/// <see cref="VaeTrainingOptions.Defaults.FewFeaturesFinalLearningRate"/> over the run's planned steps; otherwise
/// <see cref="VaeTrainingOptions.Defaults.LearningRate"/> throughout. Why (docs/quality.md, "A decaying learning rate
/// for few features"): a model of few features has a network as wide as for many and a reconstruction term of few
/// nats, and 1e-3 leaves its learned variances and codes short of where they go within the step budget; a larger step
/// held to the end gained there but made one such data set's result a coin toss between seeds, which the decay settles.
/// Only the models it was measured on: with missing cells modelled, it cost complete training data's masked rows
/// 0.009 AUROC.
/// </summary>
internal sealed class LearningRateSchedule
{
    private readonly double _initial;
    private readonly double _final;
    private readonly long _plannedSteps;

    private LearningRateSchedule(double initial, double final, long plannedSteps)
    {
        _initial = initial;
        _final = final;
        _plannedSteps = plannedSteps;
    }

    /// <summary>
    /// The schedule of a run on data of <paramref name="layout"/> that plans <paramref name="plannedSteps"/> mini-batch
    /// steps (its epoch limit times its batches per epoch: early stopping may end it sooner, on a step size that has not
    /// reached the final one).
    /// </summary>
    public static LearningRateSchedule For(VaeTrainingOptions options, VaeInputLayout layout, long plannedSteps)
    {
        var (initial, final) = Rates(options, layout);
        return new LearningRateSchedule(initial, final, plannedSteps);
    }

    /// <summary>
    /// The schedule in words, for a checkpoint's key (which holds the rows and the epoch limit the planned steps follow
    /// from): a constant rate reads as the number alone, as it did before schedules, so that those checkpoints resume.
    /// </summary>
    public static string Describe(VaeTrainingOptions options, VaeInputLayout layout)
    {
        var (initial, final) = Rates(options, layout);
        return initial == final
            ? initial.ToString("R", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"cosine from {initial:R} to {final:R}");
    }

    private static (double Initial, double Final) Rates(VaeTrainingOptions options, VaeInputLayout layout) =>
        options.LearningRate is double rate ? (rate, rate)
        : layout.Cells <= VaeTrainingOptions.Defaults.FewFeatures && layout.IsSingleReal
            && options.MissingValues == VaeMissingValues.Error && options.Likelihood == VaeLikelihood.Gaussian
            ? (VaeTrainingOptions.Defaults.FewFeaturesInitialLearningRate, VaeTrainingOptions.Defaults.FewFeaturesFinalLearningRate)
            : (VaeTrainingOptions.Defaults.LearningRate, VaeTrainingOptions.Defaults.LearningRate);

    /// <summary>The largest step size of the run, the first: what a diverged run's advice starts from.</summary>
    public double Initial => _initial;

    /// <summary>The step size of step <paramref name="step"/> (0 for the first): the final one at the planned last step and after.</summary>
    public double At(long step) => _initial == _final
        ? _initial
        : _final + (_initial - _final) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, step / (double)_plannedSteps)));
}
