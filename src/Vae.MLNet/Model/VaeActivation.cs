namespace Vae.MLNet;

/// <summary>The non-linearity applied after every hidden layer of the encoder and the decoder.</summary>
public enum VaeActivation
{
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>x for x &gt; 0, exp(x) − 1 otherwise (α = 1).</summary>
    Elu,
    /// <summary>x for x &gt; 0, 0.01·x otherwise.</summary>
    LeakyRelu,
    /// <summary>x·sigmoid(x), also called swish.</summary>
    Silu,
}
