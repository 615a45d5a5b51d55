namespace Vae.MLNet.Cli;

/// <summary>A problem with the user's input that the CLI reports as one line, without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);
