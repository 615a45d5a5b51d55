using Microsoft.ML;

namespace Vae.MLNet.Tests.Conformance;

/// <summary>Data whose schema an estimator or its transformer must refuse, and which steps must refuse it.</summary>
/// <param name="Description">What is wrong with it, for the failure message.</param>
/// <param name="Data">The data.</param>
/// <param name="RefusedBy">The steps that must refuse it.</param>
/// <param name="OnnxTransformerAccepts">
/// Whether ML.NET's OnnxTransformer, which a reloaded model may hold in place of a VAE transformer, accepts it
/// anyway: it checks only that the column's length is a multiple of the graph input's, which a variable-size
/// vector (length 0) and a vector of twice the width pass.
/// </param>
internal sealed record InvalidInput(string Description, IDataView Data, RefusedBy RefusedBy, bool OnnxTransformerAccepts = false);
