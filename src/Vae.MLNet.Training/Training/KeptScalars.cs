using TorchSharp;
using static TorchSharp.torch;

namespace Vae.MLNet.Training;

/// <summary>
/// The numbers the training arithmetic hands libtorch, as <see cref="Scalar"/>s that outlive every call reading them.
/// </summary>
/// <remarks>
/// TorchSharp turns every number in an expression (<c>0.5 * x</c>) and the implicit factor of every tensor sum
/// (<c>x + y</c> is <c>x.add(y, 1)</c>, and <c>x.add(s)</c> is <c>x.add(s, 1)</c> for a Scalar s) into a Scalar that nothing references once its native handle is passed, and
/// whose finalizer frees it. A garbage collection started by another thread during the native call can finalize it
/// while libtorch reads it: training beside a thread that collected continuously failed within two models with
/// "Expected false to be true" from <c>Scalar::toFloat</c> (docs/reliability.md, "Training beside other threads").
/// So the training code writes its arithmetic with these fields, which live as long as the process, or with a
/// Scalar held by <c>using</c> for a number known only at run time. Some TorchSharp members make one inside: <c>square()</c>
/// is <c>pow(2)</c>, <c>add(s)</c> and <c>add_(s)</c> pass an implicit factor of 1, and <c>nn.ELU</c> and
/// <c>nn.LeakyReLU</c> convert their constant on every call (<see cref="KeptScalarActivation"/>); every TorchSharp
/// member the training calls was read for such conversions (2026-12-02).
/// </remarks>
internal static class KeptScalars
{
    public static readonly Scalar One = 1.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar MinusHalf = (-0.5).ToScalar();
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary><paramref name="x"/> + <paramref name="y"/>, as TorchSharp's <c>+</c> computes it, without an implicit Scalar.</summary>
    public static Tensor Plus(this Tensor x, Tensor y) => x.add(y, One);

    /// <summary><paramref name="x"/>², as TorchSharp's <c>square()</c> computes it (<c>pow(2)</c>), without an implicit Scalar.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(Two);
}
