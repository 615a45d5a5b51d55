using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Vae.MLNet.Tests.Hostile;

/// <summary>What a run of hostile inputs through one loader gave: outcomes by type, the worst time and allocation, and
/// every input that ended otherwise than documented.</summary>
internal sealed class FuzzTally
{
    public int Inputs { get; set; }

    /// <summary>"ok" or the exception's type name, with the number of inputs that ended so.</summary>
    public SortedDictionary<string, int> Outcomes { get; } = new(StringComparer.Ordinal);

    public double MaxMilliseconds { get; set; }

    public long MaxAllocatedBytes { get; set; }

    /// <summary>Inputs that hung, allocated beyond the bound, or threw an exception outside the documented set.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>
    /// Records the figures in the test output, then fails on any failure, or if no input loaded: a run that only ever
    /// got exceptions would not show that harmless changes still give a working model.
    /// </summary>
    public void AssertEndedAsDocumented(string loader, ITestOutputHelper output)
    {
        output.WriteLine(Summary(loader));
        Assert.True(Failures.Count == 0, string.Join(Environment.NewLine, Failures.Take(20)));
        Assert.Contains("ok", Outcomes.Keys);
    }

    private string Summary(string loader)
    {
        var text = new StringBuilder($"{loader}: {Inputs} inputs, ");
        text.Append(CultureInfo.InvariantCulture, $"max {MaxMilliseconds:F0} ms, max {MaxAllocatedBytes / (1024.0 * 1024):F1} MiB allocated, ");
        text.Append(CultureInfo.InvariantCulture, $"{Failures.Count} failures; outcomes: ");
        text.AppendJoin(", ", Outcomes.Select(o => $"{o.Key} {o.Value}"));
        return text.ToString();
    }
}
