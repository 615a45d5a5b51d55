namespace Vae.MLNet.Cli;

/// <summary>
/// A column a pipeline reads, and the CSV columns it is made of: a Single named after its one CSV column (what the
/// CLI's own pipelines read), or a vector of Singles whose slots are the CSV columns <paramref name="Headers"/>, in
/// that order (a pipeline whose loader recorded slot names). A vector whose slots have no names has empty headers.
/// </summary>
/// <param name="Name">The column's name in the pipeline's input.</param>
/// <param name="Headers">The names of the CSV columns it is made of.</param>
/// <param name="IsVector">Whether it is a vector rather than a single Single.</param>
internal sealed record InputColumn(string Name, string[] Headers, bool IsVector)
{
    /// <summary>A Single column read from the CSV column of the same name.</summary>
    public static InputColumn Scalar(string name) => new(name, [name], IsVector: false);

    /// <summary>Whether its slots have no names, so that only their order can match them to CSV columns.</summary>
    public bool IsUnnamed => IsVector && Headers.All(header => header.Length == 0);
}
