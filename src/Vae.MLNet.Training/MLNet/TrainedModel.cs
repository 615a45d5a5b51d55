namespace Vae.MLNet.Training;

/// <summary>A model and what it was trained on: the rows (row-major), the held-out rows and the seed.</summary>
internal sealed record TrainedModel(VaeModel Model, float[] Features, int Rows, int Dimension, long[] HeldOut, int Seed);
