"""Scores batches of raw rows with a pipeline exported by ExportVaePipelineToOnnx (docs/scaling.md).

One ONNX Runtime session per worker, built once; each call scores one batch. The class is what Ray Data's
map_batches takes (a callable class, so each actor loads the model once); score_partition is the pandas form for
Dask's map_partitions or Spark's mapInPandas. scripts/onnx_independent_check.sh scores through VaeOnnxScorer.
"""
import numpy as np
import onnxruntime as ort


class VaeOnnxScorer:
    def __init__(self, model_path, threads=1):
        options = ort.SessionOptions()
        # One thread per session: an engine runs one worker per core already.
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        self.inputs = [(i.name, i.shape[1]) for i in self.session.get_inputs()]
        self.outputs = [o.name for o in self.session.get_outputs()]

    def __call__(self, batch):
        """batch: a dict of numpy arrays (Ray's default batch format) or a pandas DataFrame, holding the raw columns
        the graph reads by name; returns the batch with the graph's outputs added (vectors as [N, k] arrays)."""
        feeds = {name: self._column(batch[name], name, width) for name, width in self.inputs}
        results = self.session.run(self.outputs, feeds)
        scored = dict(batch) if isinstance(batch, dict) else {c: batch[c].to_numpy() for c in batch.columns}
        scored.update(zip(self.outputs, results))
        return scored

    @staticmethod
    def _column(values, name, width):
        values = np.asarray(values)
        if values.dtype == object:  # a column of per-row arrays, as pandas holds vectors
            values = np.stack(values)
        values = values.astype(np.float32, copy=False).reshape(len(values), -1)
        if values.shape[1] != width:
            raise ValueError(f"column '{name}' has {values.shape[1]} values a row; the model reads {width}")
        return values


def score_partition(frame, scorer):
    """The pandas form: the DataFrame with the outputs as columns (a vector output as a column of arrays)."""
    scored = scorer(frame)
    return frame.assign(**{name: list(scored[name]) if scored[name].ndim > 1 else scored[name] for name in scorer.outputs})
