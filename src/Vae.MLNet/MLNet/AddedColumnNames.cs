namespace Vae.MLNet;

/// <summary>
/// The check that the columns a VAE transformer adds have names of their own: two of one name would leave only the
/// later visible (a latent mean hidden behind its log-variance, a <c>Score</c> turned into a vector), and the saved
/// graph, whose outputs must differ, would fail to load in ONNX Runtime.
/// </summary>
internal static class AddedColumnNames
{
    /// <summary>
    /// Throws when one of <paramref name="columns"/> (the option or column that names it, its name; null when not added)
    /// has an empty or blank name, which ML.NET refuses only when the column is made, after training, or when two share a name.
    /// </summary>
    public static void CheckDistinct(params (string Option, string? Name)[] columns)
    {
        foreach (var (option, name) in columns)
            if (name != null && string.IsNullOrWhiteSpace(name))
                throw new ArgumentException($"{option} is '{name}': a column needs a name; leave it null to add no such column.", option);
        var clash = columns.Where(c => c.Name != null).GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (clash != null)
            throw new ArgumentException(
                $"{string.Join(" and ", clash.Select(c => c.Option))} name the same column, '{clash.Key}': each column a VAE transformer adds needs a " +
                "name of its own (the later would hide the earlier, and the saved model could not be loaded).", clash.Last().Option);
    }
}
