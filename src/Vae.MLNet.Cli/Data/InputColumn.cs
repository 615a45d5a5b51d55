using System.Collections.Frozen;

namespace Vae.MLNet.Cli;

/// <summary>
/// A column a pipeline reads, and the CSV columns it is made of: a Single named after its one CSV column (what the
/// CLI's own pipelines read for numbers), a vector of Singles whose slots are the CSV columns <paramref name="Headers"/>,
/// in that order (a pipeline whose loader recorded slot names), or one CSV column read as text that the pipeline maps
/// to a key (<c>--categorical</c>) or read as a Boolean (<c>--boolean</c>). A vector whose slots have no names has
/// empty headers.
/// </summary>
/// <param name="Name">The column's name in the pipeline's input.</param>
/// <param name="Headers">The names of the CSV columns it is made of.</param>
/// <param name="IsVector">Whether it is a vector rather than a single value.</param>
/// <param name="Kind">What its cells hold: numbers (<see cref="VaeInputKind.Real"/>), Booleans (<see cref="VaeInputKind.Binary"/>) or categories as text (<see cref="VaeInputKind.Categorical"/>).</param>
/// <param name="Categories">
/// For a categorical column, the values the pipeline's key map knows (any other is ML.NET's missing key, 0); null
/// while they are being found (a training file) or when the pipeline does not say.
/// </param>
internal sealed record InputColumn(string Name, string[] Headers, bool IsVector, VaeInputKind Kind = VaeInputKind.Real, FrozenSet<string>? Categories = null)
{
    /// <summary>A scalar column (a Single unless <paramref name="kind"/> says otherwise) read from the CSV column of the same name.</summary>
    public static InputColumn Scalar(string name, VaeInputKind kind = VaeInputKind.Real, FrozenSet<string>? categories = null) =>
        new(name, [name], IsVector: false, kind, categories);

    /// <summary>Whether its slots have no names, so that only their order can match them to CSV columns.</summary>
    public bool IsUnnamed => IsVector && Headers.All(header => header.Length == 0);
}
