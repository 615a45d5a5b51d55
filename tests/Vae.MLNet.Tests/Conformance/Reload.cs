namespace Vae.MLNet.Tests.Conformance;

/// <summary>What saving a configuration's fitted transformer and reloading it must give.</summary>
internal enum Reload
{
    /// <summary>Through both loaders, the fitted transformer's output schema, hidden columns included, and values.</summary>
    Exact,

    /// <summary>
    /// As <see cref="Exact"/>, except that after <c>mlContext.Model.Load</c> only the visible columns are compared:
    /// the detector is then ML.NET's OnnxTransformer, whose score and label are one-slot vectors, followed by glue
    /// that turns them into scalars and so leaves the vectors behind as hidden columns.
    /// </summary>
    HiddenColumnsAfterModelLoad,

    /// <summary><c>mlContext.Model.Save</c> refuses the transformer by design, with <see cref="NotSupportedException"/>.</summary>
    SavingRefused,
}
