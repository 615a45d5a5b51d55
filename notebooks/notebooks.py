#!/usr/bin/env python3
"""The notebooks are built from their file-based-app twins (notebooks/*.cs), so the story is written once.

    python3 notebooks/notebooks.py build        # notebooks/*.cs -> notebooks/*.ipynb, cells without outputs
    python3 notebooks/notebooks.py verify       # fails if a committed notebook's code differs from its twin's
    python3 notebooks/notebooks.py feed         # the placeholder notebooks hold for the feed's absolute path
    python3 notebooks/notebooks.py figures T.cs # the figure names a twin saves, one per line
    python3 notebooks/notebooks.py check OUT.ipynb T.cs  # fails on an error output or a missing figure

A twin marks its cells with comment lines: "// %% md" (markdown, written as // comments), "// %%" (code),
"// %% setup" (code; the notebook leaves out the twin's SaveFigure helper) and "// %% types" (code that declares
types: a notebook needs them before their first use, a C# file after its statements).

A twin builds against the repository (#:project); its notebook references the packages as a user's notebook does:
`#i` the folder feed that scripts/pack.sh fills, then `#r "nuget: ..."`. The feed's path is absolute, so the notebook
holds FEED, which scripts/notebooks.sh replaces with the clone's artifacts/packages to run it. Where the twin saves a
figure with the last line of a cell, the notebook's cell returns the plot instead, and the package's kernel
extension shows it. The twin's helpers (Support/Notebook.cs) become a cell.
"""
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
FEED = "/path/to/Vae.MLNet/artifacts/packages"
SUPPORT = "NotebookSupport"
SETUP_ONLY_IN_TWINS = re.compile(r"^(using Vae\.MLNet\.Notebooks;|string SaveFigure\(.*)$")
# SaveFigure(plot, "name") or SaveFigure(plot, "name", width, height) as a cell's last line.
SAVE_CALL = re.compile(r'^SaveFigure\((.*), "[\w-]+"(?:, (\d+), (\d+))?\);$')
FIGURE = re.compile(r'SaveFigure\([^;\n]*?"([\w-]+)"')


def version():
    return re.search(r"<Version>(.+)</Version>", (HERE.parent / "Directory.Build.props").read_text()).group(1)


def support_cell():
    source = (HERE / "Support" / "Notebook.cs").read_text().splitlines()
    lines = [l for l in source if not l.startswith("namespace ")]
    # Without the namespace line (a cell cannot declare one) and the blank line it leaves doubled.
    return ("types", [l for i, l in enumerate(lines) if l.strip() or (i > 0 and lines[i - 1].strip())])


def show_figure(lines):
    """The notebook's version of a cell whose last line saves a figure: the cell returns the plot, at the same size."""
    match = SAVE_CALL.match(lines[-1]) if lines else None
    if not match:
        return lines
    plot, width, height = match.groups()
    return lines[:-1] + [f"{plot}.GetImage({width}, {height})" if width else plot]


def cells_of(twin):
    packages, cells, kind, lines = [], [], None, []
    for line in twin.read_text().splitlines():
        if line.startswith("#:package "):
            name, package_version = line[len("#:package "):].split("@")
            packages.append(f"{name}, {package_version}")
        elif line.startswith("#:project "):
            project = pathlib.PurePosixPath(line[len("#:project "):]).stem
            if project == SUPPORT:
                cells.append(support_cell())
            else:
                packages.insert(0, f"{project}, {version()}")
        elif line.startswith("#:"):
            continue
        elif line.startswith("// %%"):
            if kind:
                cells.append((kind, lines))
            kind, lines = (line[5:].strip() or "code"), []
        else:
            lines.append(line)
    cells.append((kind, lines))
    header = [f'#i "nuget:{FEED}"'] + [f'#r "nuget: {p}"' for p in packages]
    built = [("code", header)] + [c for c in cells if c[0] == "types"] + [c for c in cells if c[0] != "types"]
    return [cell(kind, lines) for kind, lines in built]


def cell(kind, lines):
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if kind == "md":
        text = [re.sub(r"^// ?", "", l) for l in lines]
        return {"cell_type": "markdown", "metadata": {}, "source": [l + "\n" for l in text[:-1]] + text[-1:]}
    if kind == "setup":
        lines = [l for l in lines if not SETUP_ONLY_IN_TWINS.match(l)]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
    lines = show_figure(lines)
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
    elif args[0] == "feed":
        print(FEED)
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
