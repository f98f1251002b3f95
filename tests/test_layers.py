"""The package's layers point one way (docs/architecture.md), read from the source.

Every import counts, also those inside functions (they run too); imports under
`if TYPE_CHECKING:` do not (they never run). A violation names the chain of modules.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "quotestance"

# The data layer: text, labels, corpora, gold annotations and the dataset built from them.
DATA = {
    "labels", "schema", "segment", "quotes", "splits", "annotations", "gold_rounds", "sources",
    "dataset", "actors", "errors", "atomic", "registry", "corpora", "corpora.isot", "corpora.polnear",
    "corpora.reuters", "corpora.stance",
}  # fmt: skip
# The model layer, which the data layer never imports.
MODEL = {"model", "encoders", "features", "training", "predictor", "inference", "checkpoint", "experiment"}
# Inference: labelling with a saved checkpoint, which never imports training.
INFERENCE = {"inference", "predictor", "checkpoint", "io", "html_view", "speakers", "actors"}
TRAINING = {"training", "experiment"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """quotestance modules imported by a file, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        _module_name(path).split(".")[:-1] if path.name != "__init__.py" else _module_name(path).split(".")
    )
    found = set()

    def visit(node):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                target = ".".join([*base, node.module] if node.module else base)
                names = [f"{target}.{alias.name}".strip(".") for alias in node.names]
                found.update([target.strip("."), *names])
            elif node.module and node.module.split(".")[0] == "quotestance":
                target = node.module.removeprefix("quotestance").strip(".")
                found.update([target, *(f"{target}.{alias.name}".strip(".") for alias in node.names)])
            elif node.module and node.module.split(".")[0] == "scripts":
                found.add("<scripts>")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "scripts":
                    found.add("<scripts>")
                if alias.name.startswith("quotestance."):
                    found.add(alias.name.removeprefix("quotestance."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


GRAPH = {_module_name(path): _imports(path) for path in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m in imports if m in GRAPH or m == "<scripts>"} for name, imports in GRAPH.items()}


def _chain(start: str, forbidden: set[str]) -> list[str] | None:
    """The shortest import chain from `start` to a forbidden module, or None."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        current = queue.pop(0)
        for imported in sorted(GRAPH.get(current, ())):
            if imported in paths:
                continue
            paths[imported] = [*paths[current], imported]
            if imported in forbidden:
                return paths[imported]
            queue.append(imported)
    return None


def test_the_graph_sees_the_package():
    assert {"dataset", "model", "inference", "corpora.polnear"} <= set(GRAPH)
    assert "segment" in GRAPH["corpora.polnear"]  # relative imports resolve
    assert "model" in GRAPH["training"]


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_nothing_in_the_package_imports_scripts(module):
    assert _chain(module, {"<scripts>"}) is None


@pytest.mark.parametrize("module", sorted(DATA))
def test_the_data_layer_never_imports_the_model(module):
    chain = _chain(module, MODEL)
    assert chain is None, " -> ".join(chain)


@pytest.mark.parametrize("module", sorted(INFERENCE))
def test_inference_never_imports_training(module):
    chain = _chain(module, TRAINING)
    assert chain is None, " -> ".join(chain)
