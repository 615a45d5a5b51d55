using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Vae.MLNet.Training;

namespace Vae.MLNet.Tests;

/// <summary>
/// What Vae.MLNet relies on in ML.NET beyond its public API (src/Vae.MLNet/MLNetInternals), one test each, so that an
/// ML.NET upgrade that changes any of it fails here, by name, rather than somewhere downstream.
/// </summary>
public class MLNetInternalsTests
{
    [Fact]
    public void EveryCatalogStillExposesItsEnvironmentThroughIInternalCatalog()
    {
        var ml = new MLContext(seed: 1);
        Assert.IsAssignableFrom<IHostEnvironment>(MLNetInternals.GetEnvironment(ml.Transforms));
        Assert.IsAssignableFrom<IHostEnvironment>(MLNetInternals.GetEnvironment(ml.AnomalyDetection.Trainers));
        Assert.IsAssignableFrom<IHostEnvironment>(MLNetInternals.GetEnvironment(ml.Model));
    }

    [Fact]
    public void SchemaShapeIsStillBuiltFromASchemaByItsInternalCreate()
    {
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 3));
        var shape = MLNetInternals.ShapeOf(schema.ToSchema());

        var column = Assert.Single(shape);
        Assert.Equal(("Features", SchemaShape.Column.VectorKind.Vector), (column.Name, column.Kind));
    }

    [Fact]
    public void ASavedPipelineStillStoresEachOnnxGraphAsALengthPrefixedOnnxModelEntryUnderTransformN()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(60, 0, dimension: 3));
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { OutputColumnName = "Latent", LatentDimension = 2, Epochs = 1, Seed = 1, HiddenLayerSizes = [4] }))
            .Fit(data);
        using var file = new MemoryStream();
        ml.Model.Save(model, data.Schema, file);
        file.Position = 0;
        using var zip = new ZipArchive(file);

        var graphs = zip.Entries.Where(e => e.Name == MLNetZipLayout.OnnxEntryName).ToArray();
        var entry = Assert.Single(graphs);
        // The encoder is the pipeline's second step: the path names its index, and nothing else does.
        Assert.Equal([1], MLNetZipLayout.PipelinePosition(entry.FullName));
        using var content = new MemoryStream();
        using (var stream = entry.Open())
            stream.CopyTo(content);
        var graph = MLNetZipLayout.WithoutLengthPrefix(content.ToArray(), entry.FullName);
        Assert.Equal(content.Length - sizeof(int), graph.Length);
        Assert.Equal(content.ToArray(), MLNetZipLayout.WithLengthPrefix(graph));
        Assert.True(VaeOnnxReader.IsOurs(VaeOnnxReader.Parse(graph, entry.FullName).Metadata));
    }

    [Fact]
    public void ASavedDetectorStillNamesThisAssemblyForItsCustomMappingFactory()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(60, 0, dimension: 3));
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectionTrainer.Options { Epochs = 1, Seed = 1, HiddenLayerSizes = [4] }).Fit(data);
        using var file = new MemoryStream();
        ml.Model.Save(detector, data.Schema, file);
        file.Position = 0;
        using var zip = new ZipArchive(file);

        // The assembly resolver answers ML.NET's Assembly.Load of exactly this name.
        string name = AssemblyResolution.AnsweredName;
        Assert.Equal(typeof(VaeTransformerBase).Assembly.GetName().Name, name);
        Assert.Contains(zip.Entries, entry =>
        {
            using var reader = new StreamReader(entry.Open());
            return reader.ReadToEnd().Contains(name, StringComparison.Ordinal);
        });
        AssemblyResolution.EnsureRegistered();
        Assert.Same(typeof(VaeTransformerBase).Assembly, Assembly.Load(new AssemblyName(name)));
    }

    [Fact]
    public void AGraphInAFileNamedOrtFailsWithTheErrorThatLoadsRetryAndTheSameFileNamedOnnxLoads()
    {
        // ML.NET copies a loaded graph to Path.GetRandomFileName(), whose extension is "ort" once in 32,768 names.
        var ml = new MLContext(seed: 1);
        var data = TestData.ToDataView(ml, TestData.Gaussian(60, 0, dimension: 3));
        var encoder = ml.Transforms.VaeEncode(new VaeEncodeEstimator.Options { LatentDimension = 2, Epochs = 1, Seed = 1, HiddenLayerSizes = [4] }).Fit(data);
        var folder = Directory.CreateTempSubdirectory("vae-ort-name-");
        try
        {
            string onnx = Path.Combine(folder.FullName, "graph.onnx"), ort = Path.Combine(folder.FullName, "graph.ort");
            encoder.Model.ExportOnnx(onnx);
            File.Copy(onnx, ort);

            ml.Transforms.ApplyOnnxModel(onnx);
            var error = Assert.ThrowsAny<Exception>(() => ml.Transforms.ApplyOnnxModel(ort));
            Assert.True(OnnxLoadRetry.IsGraphReadAsOrtFormat(error), error.ToString());

            // A second attempt draws another name; a graph that fails every attempt fails with its last error.
            int calls = 0;
            Assert.Equal("loaded", OnnxLoadRetry.Run(() => ++calls < 3 ? throw error : "loaded"));
            Assert.Equal(3, calls);
            calls = 0;
            Assert.Same(error, Assert.ThrowsAny<Exception>(() => OnnxLoadRetry.Run<string>(() => { calls++; throw error; })));
            Assert.Equal(3, calls);
            calls = 0;
            Assert.ThrowsAny<InvalidOperationException>(() => OnnxLoadRetry.Run<string>(() => { calls++; throw new InvalidOperationException("another error"); }));
            Assert.Equal(1, calls);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
