"""Checkpoints that load exactly or not at all.

`load_checkpoint(path)` builds the model that `config.json` describes and fills it
from `model.safetensors` with every tensor accounted for: a tensor missing from the
file, one the model does not have, one of another shape (label maps that disagree
with the heads), a truncated or unreadable file, or a config that cannot describe a
model is a `CheckpointError` naming the file and what is wrong. transformers'
`from_pretrained` would instead initialise missing layers at random and go on, which
labels everything with a half-random model; this module does not use it for that
reason. Never pickle, never remote code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch
import transformers
from huggingface_hub import snapshot_download
from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError
from safetensors import SafetensorError, safe_open
from transformers import AutoTokenizer

from .errors import QuotestanceError
from .model import MODEL_TYPE, QuoteStanceConfig, QuoteStanceModel

TOKENIZER_FILES = ("tokenizer.json", "vocab.txt")  # either one, beside tokenizer_config.json
RETRAIN_HINT = "restore the checkpoint from its source or retrain it with scripts/train.py"


class CheckpointError(QuotestanceError, ValueError):
    """A directory that is not a loadable quotestance checkpoint; says which file and the fix."""


# A Hub repository id: "owner/name", as the Hub allows them.
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# Only what a checkpoint needs: safetensors weights, JSON configs, tokenizer files.
CHECKPOINT_FILES = [
    "config.json", "model.safetensors", "tokenizer*", "special_tokens_map.json", "vocab.txt", "*.md",
]  # fmt: skip


def resolve_checkpoint(path_or_id: str | Path) -> Path:
    """A local checkpoint folder, or the local copy of a Hub repository `owner/name`
    (downloaded into the Hugging Face cache, or read from it when HF_HUB_OFFLINE=1).
    Only the files of CHECKPOINT_FILES are fetched: weights are never pickles, and no
    code is ever downloaded or run."""
    path = Path(path_or_id)
    if path.exists() or not HUB_ID.match(str(path_or_id)):
        return path
    try:
        return Path(snapshot_download(str(path_or_id), allow_patterns=CHECKPOINT_FILES))
    except (HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError, OSError) as error:
        raise CheckpointError(
            f"{path_or_id}: not a local folder, and not a Hub repository this machine can read "
            f"({type(error).__name__}); give the directory that training wrote (models/<run>), or "
            "a Hub id that is in the local cache when offline"
        ) from None


def check_checkpoint(path: str | Path) -> Path:
    """The checkpoint directory (a folder or a Hub id, `resolve_checkpoint`), once it has
    every file a Labeler needs from this project."""
    path = resolve_checkpoint(path)
    hint = "give the directory that scripts/train.py wrote (models/<run>)"
    if not path.exists():
        raise CheckpointError(f"{path}: no such checkpoint directory; {hint}")
    if not path.is_dir():
        raise CheckpointError(f"{path}: a file, not a checkpoint directory; {hint}")
    config_path = path / "config.json"
    if not config_path.is_file():
        raise CheckpointError(f"{config_path}: missing; {hint}")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"{config_path}: not valid JSON ({error}); {hint}") from None
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type != MODEL_TYPE:
        raise CheckpointError(
            f"{config_path}: model_type is {model_type!r}, not {MODEL_TYPE!r}: this checkpoint "
            f"was saved by another project; {hint}"
        )
    weights = path / "model.safetensors"
    if not weights.is_file():
        pickled = [p.name for p in path.glob("*.bin")]
        found = f" (found {', '.join(pickled)}: pickled weights are never loaded)" if pickled else ""
        raise CheckpointError(
            f"{weights}: missing{found}; re-save the model with save_pretrained "
            "(safetensors) or retrain with scripts/train.py"
        )
    if not (path / "tokenizer_config.json").is_file() or not any(
        (path / name).is_file() for name in TOKENIZER_FILES
    ):
        raise CheckpointError(
            f"{path}: the tokenizer is missing (tokenizer_config.json and tokenizer.json or "
            "vocab.txt); save it beside the model with tokenizer.save_pretrained(dir)"
        )
    return path


def load_checkpoint(path: str | Path):
    """The model and tokenizer of a checkpoint directory, loaded exactly.

    Args:
        path: a directory written by scripts/train.py (or `save_pretrained`).

    Returns:
        (model, tokenizer): a `QuoteStanceModel` in eval mode on the CPU, every tensor
        from `model.safetensors`, and its tokenizer.

    Raises:
        CheckpointError: naming the file and the problem, for anything that would
            otherwise load partly or crash later.

    Example:
        >>> model, tokenizer = load_checkpoint("models/seed")  # doctest: +SKIP
    """
    path = check_checkpoint(path)
    config_path, weights_path = path / "config.json", path / "model.safetensors"
    try:
        config = QuoteStanceConfig.from_json_file(str(config_path))
        if not config.encoder_config or "model_type" not in config.encoder_config:
            raise ValueError("encoder_config is missing or has no model_type")
        encoder_limit = config.encoder_config.get("max_position_embeddings")
        if encoder_limit is not None and config.max_seq_length > encoder_limit:
            raise ValueError(
                f"max_seq_length {config.max_seq_length} is more than the encoder's {encoder_limit} positions"
            )
        model = QuoteStanceModel(config)
    except (ValueError, TypeError, KeyError) as error:
        raise CheckpointError(f"{config_path}: does not describe a model ({error}); {RETRAIN_HINT}") from None

    expected = {name: tuple(tensor.shape) for name, tensor in model.state_dict().items()}
    try:
        with safe_open(str(weights_path), framework="pt") as weights:
            found = {name: tuple(weights.get_slice(name).get_shape()) for name in weights.keys()}  # noqa: SIM118 (safe_open is not a dict)
            problems = _differences(expected, found)
            if problems:
                raise CheckpointError(
                    f"{weights_path}: {problems}; the weights do not match "
                    f"{config_path} (label maps or architecture); {RETRAIN_HINT}"
                )
            state = {name: weights.get_tensor(name) for name in found}
    except (SafetensorError, OSError, RuntimeError) as error:
        raise CheckpointError(f"{weights_path}: unreadable or truncated ({error}); {RETRAIN_HINT}") from None
    with torch.no_grad():
        model.load_state_dict(state, strict=True)
    model.eval()

    try:
        tokenizer = _tokenizer_class(path).from_pretrained(str(path), trust_remote_code=False)
    except Exception as error:  # tokenizers raises its own types; any failure here is the files'
        names = ", ".join(n for n in ("tokenizer_config.json", *TOKENIZER_FILES) if (path / n).exists())
        raise CheckpointError(
            f"{path}: the tokenizer files ({names}) cannot be loaded "
            f"({type(error).__name__}: {error}); save them again with "
            "tokenizer.save_pretrained(dir)"
        ) from None
    return model, tokenizer


def _tokenizer_class(path: Path):
    """The tokenizer class that tokenizer_config.json names (a transformers class), else
    AutoTokenizer. Named, not guessed: AutoTokenizer in transformers 5.2 to 5.4 looks at
    config.json's model_type first, does not know "quotestance", and falls back to a
    generic tokenizer that returns no token_type_ids (the sentence/context segments)."""
    try:
        name = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8")).get("tokenizer_class")
    except (OSError, ValueError):
        return AutoTokenizer
    found = getattr(transformers, name, None) if isinstance(name, str) else None
    return found if isinstance(found, type) and hasattr(found, "from_pretrained") else AutoTokenizer


def _differences(expected: dict[str, tuple], found: dict[str, tuple]) -> str:
    """'' when the names and shapes agree; otherwise what differs, first few of each."""
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    shaped = sorted(n for n in set(expected) & set(found) if expected[n] != found[n])
    parts = []
    if missing:
        parts.append(f"{len(missing)} missing tensor(s) ({', '.join(missing[:3])})")
    if unexpected:
        parts.append(f"{len(unexpected)} unexpected tensor(s) ({', '.join(unexpected[:3])})")
    if shaped:
        parts.append(
            "mis-shaped "
            + ", ".join(
                f"{n} {list(found[n])} where the config needs {list(expected[n])}" for n in shaped[:3]
            )
        )
    return "; ".join(parts)
