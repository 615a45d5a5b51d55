#!/usr/bin/env python3
"""The notebooks are built from their file-based-app twins (notebooks/*.cs), so the story is written once.

    python3 notebooks/notebooks.py build        # notebooks/*.cs -> notebooks/*.ipynb, cells without outputs
    python3 notebooks/notebooks.py verify       # fails if a committed notebook's code differs from its twin's
    python3 notebooks/notebooks.py figures T.cs # the figure names a twin saves, one per line
    python3 notebooks/notebooks.py check OUT.ipynb T.cs  # fails on an error output or a missing figure

A twin marks its cells with comment lines: "// %% md" (markdown, written as // comments), "// %%" (code),
"// %% setup" (code; in the notebook, SaveFigure also shows the figure inline) and "// %% types" (code that declares
types: a notebook needs them before their first use, a C# file after its statements).
"""
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
# The library's own dependencies, which a notebook must load before the DLLs its twin's #:project lines build
# (`dotnet build src/Vae.MLNet.Training -c Release`, `dotnet build notebooks/Support -c Release`).
LIBRARY = ["Microsoft.ML, 5.0.1", "Microsoft.ML.OnnxTransformer, 5.0.1", "Microsoft.ML.OnnxRuntime, 1.31.1",
           "OnnxSharp, 0.3.2", "TorchSharp, 0.107.0"]
# A project's DLLs, dependencies first: the training library brings the inference library.
EXTRA_DLLS = {"Vae.MLNet.Training": ["Vae.MLNet"]}
SAVE = "=> Notebook.SaveFigure(plot, name, width, height);"
SHOW = ('{ var path = Notebook.SaveFigure(plot, name, width, height); '
        'display(HTML($"<img src=\\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\\"/>")); return path; }')
FIGURE = re.compile(r'SaveFigure\([^;\n]*?"([\w-]+)"')


def cells_of(twin):
    packages, dlls, cells, kind, lines = [], [], [], None, []
    for line in twin.read_text().splitlines():
        if line.startswith("#:package "):
            name, version = line[len("#:package "):].split("@")
            packages.append(f"{name}, {version}")
        elif line.startswith("#:project "):
            project = pathlib.PurePosixPath(line[len("#:project "):])
            dlls += [f"{project.parent}/bin/Release/net10.0/{name}.dll" for name in EXTRA_DLLS.get(project.stem, []) + [project.stem]]
        elif line.startswith("#:"):
            continue
        elif line.startswith("// %%"):
            if kind:
                cells.append((kind, lines))
            kind, lines = (line[5:].strip() or "code"), []
        else:
            lines.append(line)
    cells.append((kind, lines))
    header = [f'#r "nuget: {p}"' for p in LIBRARY + packages] + [f'#r "{dll}"' for dll in dlls]
    built = [("code", header)] + [c for c in cells if c[0] == "types"] + [c for c in cells if c[0] != "types"]
    return [cell(kind, lines) for kind, lines in built]


def cell(kind, lines):
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if kind == "md":
        text = [re.sub(r"^// ?", "", l) for l in lines]
        return {"cell_type": "markdown", "metadata": {}, "source": [l + "\n" for l in text[:-1]] + text[-1:]}
    if kind == "setup":
        lines = [l.replace(SAVE, SHOW) for l in lines]
    return {"cell_type": "code", "execution_count": None, "metadata": {"dotnet_interactive": {"language": "csharp"}},
            "outputs": [], "source": [l + "\n" for l in lines[:-1]] + lines[-1:]}


def notebook(cells):
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
        "language_info": {"name": "C#"}}}


def sources(nb):
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def main(args):
    twins = sorted(HERE.glob("*.cs"))
    if args[0] == "build":
        for twin in twins:
            twin.with_suffix(".ipynb").write_text(json.dumps(notebook(cells_of(twin)), indent=1, ensure_ascii=False) + "\n")
    elif args[0] == "verify":
        stale = [t.name for t in twins if sources(json.loads(t.with_suffix(".ipynb").read_text())) != sources(notebook(cells_of(t)))]
        if stale:
            sys.exit(f"notebooks out of date with their twins: {', '.join(stale)}; run python3 notebooks/notebooks.py build")
    elif args[0] == "figures":
        print("\n".join(FIGURE.findall(pathlib.Path(args[1]).read_text())))
    elif args[0] == "check":
        nb = json.loads(pathlib.Path(args[1]).read_text())
        outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
        errors = [o for o in outputs if o.get("output_type") == "error"]
        images = sum(json.dumps(o).count("data:image/png;base64,") for o in outputs)
        expected = len(FIGURE.findall(pathlib.Path(args[2]).read_text()))
        if errors:
            sys.exit(f"{args[1]}: a cell failed: {errors[0].get('ename', '')} {errors[0].get('evalue', '')}"[:2000])
        if images < expected:
            sys.exit(f"{args[1]}: {images} figures shown, {expected} expected")


if __name__ == "__main__":
    main(sys.argv[1:])
