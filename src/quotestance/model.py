"""One encoder, one head per task of the task registry (`tasks.py`): quote_type and
stance (and event_mode) per sentence, BIO attribution spans per token, in one
forward pass.

The input is a sentence pair, `[CLS] sentence [SEP] previous sentence [SEP]`, so that
a floating quotation or a "He said" can see who spoke before. Sentence heads read the
mean of the sentence's tokens beside the mean of the context's tokens; the span head
reads each token and is trained on the sentence's tokens only.

A task whose label is missing (-100) for an example contributes nothing to the loss,
so PolNeAR (spans, no stance) and PLV (stance, no spans) train the same model.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.utils import ModelOutput

from . import encoders
from .labels import IGNORE_INDEX, label_maps
from .tasks import TOKEN, get_task

MODEL_TYPE = "quotestance"


class QuoteStanceConfig(PretrainedConfig):
    model_type = MODEL_TYPE

    def __init__(
        self,
        encoder_config: dict | None = None,
        tasks: list[str] | None = None,
        task_labels: dict[str, list[str]] | None = None,
        task_weights: dict[str, float] | None = None,
        use_context: bool = True,
        max_seq_length: int = 128,
        classifier_dropout: float = 0.1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.encoder_config = encoder_config or {}
        self.tasks = list(tasks or [])
        # Per task, its sorted labels: the id of a label is its index. Saved in config.json.
        self.task_labels = task_labels or {task: list(get_task(task).labels) for task in self.tasks}
        for labels in self.task_labels.values():
            label_maps(tuple(labels))  # sorted, at least two labels
        self.task_weights = {task: 1.0 for task in self.tasks} | dict(task_weights or {})
        self.use_context = use_context
        self.max_seq_length = max_seq_length
        self.classifier_dropout = classifier_dropout

    def id2label_for(self, task: str) -> dict[int, str]:
        return label_maps(tuple(self.task_labels[task]))[1]

    def build_encoder_config(self):
        settings = dict(self.encoder_config)
        return AutoConfig.for_model(settings.pop("model_type"), **settings)


@dataclass
class QuoteStanceOutput(ModelOutput):
    """The loss and one `<task>_logits` per task of the config, in the config's task order
    (the fields below are the built-in tasks; a registered task adds its own key).

    Shapes: sentence tasks (batch, labels); token tasks (batch, tokens, labels).
    """

    loss: torch.Tensor | None = None
    quote_type_logits: torch.Tensor | None = None
    stance_logits: torch.Tensor | None = None
    event_mode_logits: torch.Tensor | None = None
    spans_logits: torch.Tensor | None = None


class QuoteStanceModel(PreTrainedModel):
    config_class = QuoteStanceConfig
    base_model_prefix = "encoder"

    def __init__(self, config: QuoteStanceConfig):
        super().__init__(config)
        self.encoder = encoders.encoder_from_config(config.build_encoder_config())
        hidden = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(config.classifier_dropout)
        self.heads = nn.ModuleDict()
        for task in config.tasks:
            width = hidden if get_task(task).kind == TOKEN else 2 * hidden
            self.heads[task] = nn.Linear(width, len(config.task_labels[task]))
        self.post_init()

    @classmethod
    def from_encoder(cls, encoder_name: str, vocab_size: int, **config_kwargs) -> QuoteStanceModel:
        """Fresh heads on a pretrained encoder (set the seed first: heads are random)."""
        encoder = encoders.load_encoder(encoder_name, vocab_size)
        settings = encoder.config.to_dict()
        # The encoder as the config named it, not the folder it was read from on this machine.
        settings["_name_or_path"] = encoder_name
        config = QuoteStanceConfig(encoder_config=settings, **config_kwargs)
        model = cls(config)
        model.encoder = encoder
        return model

    def _init_weights(self, module):
        if isinstance(module, nn.Linear) and module in self.heads.values():
            module.weight.data.normal_(mean=0.0, std=0.02)
            module.bias.data.zero_()

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        **task_labels: torch.Tensor,
    ) -> QuoteStanceOutput:
        """Logits of every task and, where labels are given, the weighted sum of the losses.

        Args:
            input_ids, attention_mask, token_type_ids: (batch, tokens) from `features.tokenize`
                (segment 0 the sentence, 1 its context).
            **task_labels: `<task>_labels` for any of the config's tasks: (batch,) label ids
                for a sentence task, (batch, tokens) for a token task, IGNORE_INDEX where
                unlabelled. Other keyword arguments (the dataset's `length`) are ignored.

        Returns:
            QuoteStanceOutput: `loss` (None without labels) and `<task>_logits`.
        """
        encoder_inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            encoder_inputs["token_type_ids"] = token_type_ids
        states = self.encoder(**encoder_inputs).last_hidden_state
        states = self.dropout(states)

        kinds = {task: get_task(task) for task in self.heads}
        labels = {task: task_labels.get(f"{task}_labels") for task in self.heads}
        logits = {}
        if any(task.kind != TOKEN for task in kinds.values()):
            pooled = self._pool(states, attention_mask, token_type_ids)
        for task, head in self.heads.items():
            logits[task] = head(states if kinds[task].kind == TOKEN else pooled)

        loss = None
        for task, task_logits in logits.items():
            task_labels = labels[task]
            if task_labels is None or not (task_labels != IGNORE_INDEX).any():
                continue  # no example of this batch is labelled for the task: no gradient
            task_loss = kinds[task].loss(task_logits, task_labels)
            weighted = self.config.task_weights.get(task, 1.0) * task_loss
            loss = weighted if loss is None else loss + weighted
        if loss is None and any(labels[task] is not None for task in logits):
            # Labels were given but none applies to these tasks: a zero that still
            # reaches every head, so the Trainer and DDP see an ordinary step.
            loss = sum(task_logits.sum() * 0.0 for task_logits in logits.values())
        output = QuoteStanceOutput(loss=loss)
        for task, task_logits in logits.items():
            output[f"{task}_logits"] = task_logits
        return output

    @staticmethod
    def _pool(states, attention_mask, token_type_ids):
        """Mean of the sentence's tokens (segment 0) beside the mean of the context's (1)."""
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        if token_type_ids is None:
            segment = torch.zeros_like(mask)
        else:
            segment = token_type_ids.unsqueeze(-1).to(states.dtype)
        sentence_mask, context_mask = mask * (1 - segment), mask * segment
        sentence = (states * sentence_mask).sum(1) / sentence_mask.sum(1).clamp(min=1.0)
        context = (states * context_mask).sum(1) / context_mask.sum(1).clamp(min=1.0)
        return torch.cat([sentence, context], dim=-1)


AutoConfig.register(MODEL_TYPE, QuoteStanceConfig)
AutoModel.register(QuoteStanceConfig, QuoteStanceModel)
