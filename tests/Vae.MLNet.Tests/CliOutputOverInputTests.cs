namespace Vae.MLNet.Tests;

/// <summary>
/// An output option naming one of the command's input files is refused before any work, and the input is left as it
/// was: a file written whole replaces the one there, so the scores would have replaced the model, a reject file the
/// rows it rejects, a saved model the training file. Two names of one file are one file: spellings with <c>..</c>, and
/// names through symbolic links to the file or to a folder on its path.
/// </summary>
public class CliOutputOverInputTests
{
    /// <summary>A command whose output names one of its inputs, and what the error must say.</summary>
    public static TheoryData<string, string> OutputsOverInputs() => new()
    {
        { "score --model {folder}/model.zip --input {folder}/rows.csv --output {folder}/rows.csv", "--output {folder}/rows.csv: is the file of --input" },
        { "score --model {folder}/model.zip --input {folder}/rows.csv --output {folder}/model.zip", "--output {folder}/model.zip: is the file of --model" },
        { "score --model {folder}/model.zip --input {folder}/rows.csv --output {folder}/out.csv --skip-bad-rows --rejects {folder}/rows.csv", "--rejects {folder}/rows.csv: is the file of --input" },
        { "score --model {folder}/model.zip --input {folder}/rows.csv --output {folder}/out.csv --skip-bad-rows --rejects {folder}/out.csv", "--rejects {folder}/out.csv: is the file of --output" },
        // The default reject file is the output's name with .rejects.csv.
        { "score --model {folder}/model.zip --input {folder}/out.rejects.csv --output {folder}/out.csv --skip-bad-rows", "--rejects {folder}/out.rejects.csv: is the file of --input" },
        { "evaluate --train {folder}/rows.csv --test {folder}/test.csv --save-model {folder}/rows.csv", "--save-model {folder}/rows.csv: is the file of --train" },
        { "evaluate --train {folder}/rows.csv --test {folder}/test.csv --save-model {folder}/../{name}/test.csv", "--save-model {folder}/../{name}/test.csv: is the file of --test" },
        { "evaluate --train {folder}/rows.csv --test {folder}/test.csv --checkpoint {folder}/test.csv", "--checkpoint {folder}/test.csv: is the file of --test" },
        { "evaluate --train {folder}/rows.csv --test {folder}/test.csv --checkpoint {folder}/model.zip --save-model {folder}/model.zip", "--checkpoint {folder}/model.zip: is the file of --save-model" },
        { "generate --model {folder}/model.zip --output {folder}/model.zip", "--output {folder}/model.zip: is the file of --model" },
        // Through symbolic links ({folder}/alias is a link to {folder}, rows-link.csv to rows.csv, up to ..): the same
        // files by other names. The rename that writes a file follows the links of its folders.
        { "evaluate --train {folder}/rows.csv --test {folder}/test.csv --save-model {folder}/alias/rows.csv", "--save-model {folder}/alias/rows.csv: is the file of --train" },
        { "evaluate --train {folder}/rows-link.csv --test {folder}/test.csv --save-model {folder}/rows.csv", "--save-model {folder}/rows.csv: is the file of --train" },
        { "evaluate --train {folder}/rows.csv --test {folder}/test.csv --checkpoint {folder}/up/{name}/test.csv", "--checkpoint {folder}/up/{name}/test.csv: is the file of --test" },
        { "score --model {folder}/alias/model.zip --input {folder}/rows.csv --output {folder}/model.zip", "--output {folder}/model.zip: is the file of --model" },
        { "score --model {folder}/model.zip --input {folder}/rows.csv --output {folder}/rows-link.csv", "--output {folder}/rows-link.csv: is the file of --input" },
        { "score --model {folder}/model.zip --input {folder}/rows.csv --output {folder}/out.csv --skip-bad-rows --rejects {folder}/alias/alias/out.csv", "--rejects {folder}/alias/alias/out.csv: is the file of --output" },
        // A ".." in a link's target is the parent of where the link before it points: twisty is alias/../{name}, {folder}.
        { "generate --model {folder}/up/{name}/model.zip --output {folder}/twisty/model.zip", "--output {folder}/twisty/model.zip: is the file of --model" },
    };

    [Theory]
    [MemberData(nameof(OutputsOverInputs))]
    public void AnOutputThatIsAnInputIsRefusedAndTheInputKept(string command, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("vae-cli-over-");
        string Fill(string text) => text.Replace("{folder}", folder.FullName).Replace("{name}", folder.Name);
        // The check comes before anything is read: the files need not be what their names say.
        var files = new[] { "model.zip", "rows.csv", "test.csv", "out.rejects.csv" }.ToDictionary(name => name, name => $"precious {name}");
        foreach (var (name, text) in files)
            File.WriteAllText(Path.Combine(folder.FullName, name), text);
        var links = new Dictionary<string, string> { ["alias"] = ".", ["rows-link.csv"] = "rows.csv", ["up"] = "..", ["twisty"] = $"alias/../{folder.Name}" };
        foreach (var (name, target) in links)
            File.CreateSymbolicLink(Path.Combine(folder.FullName, name), target);
        try
        {
            var (code, _, error) = CliProcess.Run(Fill(command).Split(' '));

            Assert.Equal(2, code);
            Assert.StartsWith($"error: {Fill(expected)}; write it elsewhere.", Assert.Single(error.Trim().Split('\n')));
            foreach (var (name, text) in files)
                Assert.Equal(text, File.ReadAllText(Path.Combine(folder.FullName, name)));
            Assert.Equal(files.Keys.Append("rows-link.csv").Order(), folder.GetFiles().Select(file => file.Name).Order());
            foreach (var (name, target) in links)
                Assert.Equal(target, new FileInfo(Path.Combine(folder.FullName, name)).LinkTarget);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("score --model {folder}/model.zip --input {folder}/rows.csv --output", "--output")]
    [InlineData("generate --model {folder}/model.zip --output", "--output")]
    [InlineData("evaluate --train {folder}/rows.csv --test {folder}/test.csv --save-model", "--save-model")]
    [InlineData("evaluate --train {folder}/rows.csv --test {folder}/test.csv --checkpoint", "--checkpoint")]
    [InlineData("demo --output", "--output")]
    public void ABlankOutputPathIsRefusedNamingItsOption(string command, string option)
    {
        // An unset shell variable (--output "$OUT") gave .NET's "The value cannot be an empty string. (Parameter 'path')".
        var folder = Directory.CreateTempSubdirectory("vae-cli-blank-");
        try
        {
            var (code, _, error) = CliProcess.Run([.. command.Replace("{folder}", folder.FullName).Split(' '), ""]);

            Assert.Equal(2, code);
            Assert.Equal($"error: {option}: the path is empty; give a file name.", error.Trim());
            Assert.Empty(folder.GetFileSystemInfos());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
