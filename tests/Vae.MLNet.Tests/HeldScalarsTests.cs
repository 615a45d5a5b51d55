using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;
using Vae.MLNet.Training;
using static TorchSharp.torch;

namespace Vae.MLNet.Tests;

/// <summary>
/// The training hands libtorch no TorchSharp Scalar that nothing holds (KeptScalars, docs/reliability.md "Training
/// beside other threads"): a collection on another thread can free such a Scalar while libtorch reads it, a race that a
/// test cannot make happen on demand. So this reads the training assembly's IL instead: no implicit conversion to a
/// Scalar in its own code, and no TorchSharp member it calls (or module it builds) that makes one inside.
/// </summary>
public class HeldScalarsTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>How deep into TorchSharp a call is followed: <c>a + b</c> is op_Addition → add(Tensor) → add(Tensor, 1).</summary>
    private const int Depth = 4;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!).ToDictionary(code => code.Value);

    private static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;

    [Fact]
    public void NoCallInTheTrainingMakesAScalarThatNothingHolds()
    {
        var offenders = new List<string>();
        foreach (var method in typeof(VaeAnomalyDetectionTrainer).Assembly.GetTypes().SelectMany(MethodsOf))
        {
            foreach (var callee in Callees(method))
            {
                if (IsImplicitScalar(callee))
                    offenders.Add($"{Name(method)} converts a number to a Scalar implicitly");
                else if (callee.Module.Assembly == TorchSharpAssembly && MakesScalarInside(callee, Depth, []) is { } path)
                    offenders.Add($"{Name(method)} calls {path}");
            }
        }
        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders.Distinct()));
    }

    [Fact]
    public void TheReadingFindsTheImplicitScalarsOfTorchSharpsOwnMembers()
    {
        // The members the training replaced: without these the test above could pass by seeing nothing.
        Assert.NotNull(MakesScalarInside(typeof(Tensor).GetMethod(nameof(Tensor.square))!, Depth, []));
        Assert.NotNull(MakesScalarInside(typeof(Tensor).GetMethod(nameof(Tensor.add), [typeof(Scalar)])!, Depth, []));
        Assert.NotNull(MakesScalarInside(typeof(Tensor).GetMethod("op_Addition", [typeof(Tensor), typeof(Tensor)])!, Depth, []));
        Assert.NotNull(MakesScalarInside(typeof(TorchSharp.Modules.ELU).GetConstructors(Declared)[0], Depth, []));
        Assert.Null(MakesScalarInside(typeof(Tensor).GetMethod(nameof(Tensor.add), [typeof(Tensor), typeof(Scalar)])!, Depth, []));
    }

    /// <summary>
    /// A path "member → member → op_Implicit" when <paramref name="method"/> converts a number to a Scalar within
    /// <paramref name="depth"/> calls; for a module's constructor or factory, its forward counts too.
    /// </summary>
    private static string? MakesScalarInside(MethodBase method, int depth, Dictionary<MethodBase, int> searched)
    {
        // A member already searched at least this deep found nothing there (the search stops at the first path found).
        if (depth == 0 || searched.GetValueOrDefault(method) >= depth)
            return null;
        searched[method] = depth;
        var module = method is ConstructorInfo ? method.DeclaringType : (method as MethodInfo)?.ReturnType;
        var forwards = module != null && module.IsSubclassOf(typeof(nn.Module)) && module.Assembly == TorchSharpAssembly
            ? module.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "forward")
            : [];
        foreach (var callee in Callees(method).Concat(forwards))
        {
            if (IsImplicitScalar(callee))
                return $"{Name(method)} → {Name(callee)}";
            if (callee.Module.Assembly == TorchSharpAssembly && MakesScalarInside(callee, depth - 1, searched) is { } path)
                return $"{Name(method)} → {path}";
        }
        return null;
    }

    private static bool IsImplicitScalar(MethodBase method) =>
        method.Name == "op_Implicit" && method is MethodInfo info && info.ReturnType == typeof(Scalar);

    private static IEnumerable<MethodBase> MethodsOf(Type type) =>
        type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));

    /// <summary>The methods <paramref name="method"/>'s IL calls or constructs (call, callvirt, newobj, ldftn).</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            var code = OpCodesByValue[value];
            at += code.Size;
            if (code.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, at), typeArguments, methodArguments); }
                catch (ArgumentException) { }  // a generic context the reflection cannot supply: not TorchSharp arithmetic
                if (callee != null)
                    yield return callee;
            }
            at += OperandSize(code, il, at);
        }
    }

    private static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static string Name(MethodBase method) => $"{method.DeclaringType?.Name}.{method.Name}";
}
