"""Command line of the Reuters annotation rounds; see scripts/annotation_round.py."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .actors import default_table
from .annotations import json_lines, label_problems
from .atomic import write_new_files
from .corpora.isot import doc_id_of, read_pool
from .gold_rounds import (
    LABEL_KEYS,
    SPAN_KEYS,
    GoldError,
    agreement,
    check_filled,
    disagreements,
    double_annotations,
    packet_article,
    read_stored,
    resolve_spans,
    stored_lines,
    write_new,
    write_packets,
)
from .inference import Labeler
from .selection import SelectionRule, candidates, rank_by_uncertainty, select_by_rule, selection_record

GOLD_DIR = Path("data/annotations/reuters")
CORPORA_DIR = "../shared/corpora"


def _selection_path(gold_dir: Path, round_number: int) -> Path:
    return gold_dir / f"selection-round{round_number}.json"


def _articles(corpora_dir: str, ids: list[str]):
    rows = {row["id"]: row for row in read_pool(corpora_dir)}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise GoldError(
            [
                f"articles {missing} are not in {corpora_dir}/isot_reuters/articles.jsonl; "
                "point --corpora-dir at the corpus the selection was made from"
            ]
        )
    return {doc_id_of(i): packet_article(rows[i], doc_id_of(i)) for i in ids}


def _round_articles(args) -> dict:
    selection = json.loads(_selection_path(args.gold_dir, args.round).read_text(encoding="utf-8"))
    return _articles(args.corpora_dir, [a["article_id"] for a in selection["articles"]])


def cmd_select(args) -> int:
    path = _selection_path(args.gold_dir, args.round)
    if path.exists():
        raise GoldError([f"{path}: round {args.round} was already selected; choose a new --round"])
    taken = set()
    for earlier in sorted(args.gold_dir.glob("selection-round*.json")):
        taken |= {a["article_id"] for a in json.loads(earlier.read_text(encoding="utf-8"))["articles"]}
    rule = SelectionRule()
    rows = read_pool(args.corpora_dir)
    if args.strategy == "rule":
        chosen = select_by_rule(rows, default_table(), rule, args.n, args.seed, taken)
        record = selection_record(
            "rule", rule, args.seed, chosen, round=args.round, excluded_earlier=len(taken)
        )
    else:
        # Uncertainty over the rule's eligible articles first: the rule keeps rounds on
        # international relations, the model picks what it would learn most from.
        eligible = {c.article_id for c in candidates(rows, default_table(), rule)}
        pool = [row for row in rows if row["id"] in eligible] if args.within_rule else rows
        chosen = rank_by_uncertainty(pool, Labeler.from_pretrained(args.model), taken, args.n)
        record = selection_record(
            "uncertainty",
            rule if args.within_rule else None,
            args.seed,
            chosen,
            round=args.round,
            model=str(args.model),
            excluded_earlier=len(taken),
            score="mean per sentence of stance + quote_type entropy (bits), x1000",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new_json(path, record)
    print(f"{path}: {len(chosen)} articles, {sum(c.sentences for c in chosen)} sentences")
    return 0


def write_new_json(path: Path, record: dict) -> None:
    try:
        write_new_files({path: json.dumps(record, indent=1, ensure_ascii=False) + "\n"}, path.parent)
    except FileExistsError:
        raise GoldError([f"{path}: exists; a selection is never overwritten"]) from None


def cmd_packets(args) -> int:
    articles = list(_round_articles(args).values())
    write_packets(articles, args.out)
    print(f"{args.out}: {len(articles)} packets, {sum(len(a.sentences) for a in articles)} sentences")
    return 0


def _article_for(path: Path, articles: dict):
    doc_id = path.stem
    if doc_id not in articles:
        raise GoldError([f"{path}: {doc_id} is not an article of this round; name the file <doc_id>.jsonl"])
    return articles[doc_id]


def cmd_check(args) -> int:
    articles = _round_articles(args)
    failed = 0
    for path in args.files:
        try:
            lines = check_filled(path, _article_for(path, articles))
            print(f"{path}: OK, {len(lines)} sentences")
        except GoldError as error:
            failed += 1
            print(error, file=sys.stderr)
    return 1 if failed else 0


def cmd_store(args) -> int:
    articles = _round_articles(args)
    for path in args.files:
        article = _article_for(path, articles)
        lines = stored_lines(check_filled(path, article), article)
        target = args.gold_dir / args.annotator / f"{article.doc_id}.jsonl"
        write_new(target, lines)
        print(f"{target}: {len(lines)} sentences stored")
    return 0


def cmd_disagreements(args) -> int:
    articles = _round_articles(args)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for doc_id in articles:
        a_path, b_path = (args.gold_dir / who / f"{doc_id}.jsonl" for who in ("a", "b"))
        if not (a_path.exists() and b_path.exists()):
            continue
        if (args.gold_dir / "gold" / f"{doc_id}.jsonl").exists():
            continue
        found = disagreements(read_stored(a_path), read_stored(b_path))
        sentences = articles[doc_id].sentences
        for item in found:
            text = sentences[item["sent_index"]].text
            for side in ("a", "b"):
                if item["field"] in SPAN_KEYS:
                    item[side] = [text[s["start"] : s["end"]] for s in item[side]]
        (args.out / f"{doc_id}.disputes.jsonl").write_text(
            "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in found), encoding="utf-8"
        )
        total += len(found)
        print(f"{doc_id}: {len(found)} disagreements")
    print(f"{total} disagreements in {args.out}")
    return 0


def cmd_adjudicate(args) -> int:
    """Gold = the fields both annotators agree on + the adjudicator's decision for each dispute."""
    articles = _round_articles(args)
    log_path = args.gold_dir / "adjudication.jsonl"
    for path in args.files:
        doc_id = path.name.split(".")[0]
        article = articles[doc_id]
        a = read_stored(args.gold_dir / "a" / f"{doc_id}.jsonl")
        b = read_stored(args.gold_dir / "b" / f"{doc_id}.jsonl")
        disputes = {(d["sent_index"], d["field"]): d for d in disagreements(a, b)}
        decisions = {}
        lines, errors = json_lines(path)
        for number, d in lines:
            if not {"sent_index", "field", "final"} <= set(d):
                errors.append(f"{path}:{number}: a decision needs sent_index, field, final and why")
                continue
            key = (d["sent_index"], d["field"])
            if key not in disputes:
                errors.append(f"{path}:{number}: sentence {key[0]} field {key[1]} was not disputed")
                continue
            if not str(d.get("why", "")).strip():
                errors.append(f"{path}:{number}: give a one-line reason in `why`")
            final = d["final"]
            if key[1] in SPAN_KEYS and final is not None:
                final, problem = resolve_spans(final, article.sentences[key[0]].text)
                if problem:
                    errors.append(f"{path}:{number}: {key[1]}{problem}")
                    continue
                final = [{"start": s["start"], "end": s["end"]} for s in final]
            decisions[key] = (final, d.get("why", ""))
        undecided = sorted(set(disputes) - set(decisions))
        if undecided:
            errors.append(f"{path}: no decision for {undecided}; decide every disputed field (null = unset)")
        gold = [dict(line) for line in a]
        for (index, field), (final, _) in decisions.items():
            gold[index][field] = final
        for line in gold:
            if any(line[k] is None and k not in ("source_resolved", "stance_target") for k in LABEL_KEYS):
                continue  # a masked field: the rest of the line is still checked at build time
            text = article.sentences[line["sent_index"]].text
            view = dict(line, text=text)
            for k in SPAN_KEYS:
                view[k] = [dict(s, text=text[s["start"] : s["end"]]) for s in line[k]]
            errors.extend(f"{path}: sentence {line['sent_index']}: {p}" for p in label_problems(view))
        if errors:
            raise GoldError(errors)
        if args.dry_run:
            print(f"{path}: OK, {len(decisions)} decisions (dry run: nothing stored)")
            continue
        write_new(args.gold_dir / "gold" / f"{doc_id}.jsonl", gold)
        with log_path.open("a", encoding="utf-8") as log:
            for (index, field), (final, why) in sorted(decisions.items()):
                d = disputes[(index, field)]
                log.write(
                    json.dumps(
                        {
                            "id": f"reuters:{doc_id}:{index}",
                            "field": field,
                            "a": d["a"],
                            "b": d["b"],
                            "final": final,
                            "why": why,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        print(f"{doc_id}: gold stored, {len(decisions)} decisions logged")
    return 0


def cmd_agreement(args) -> int:
    pairs = double_annotations(args.gold_dir)
    print(json.dumps({"articles": len(pairs), **agreement(pairs)}, indent=1))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Reuters double-annotation rounds")
    parser.add_argument("--gold-dir", type=Path, default=GOLD_DIR)
    parser.add_argument("--corpora-dir", default=CORPORA_DIR)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("select", help="choose a round's articles by the rule")
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument(
        "--strategy",
        choices=("rule", "uncertainty"),
        default="rule",
        help="rule: the seeded round-1 rule; uncertainty: the articles a model is least sure about",
    )
    p.add_argument("--model", help="checkpoint for --strategy uncertainty (e.g. models/full)")
    p.add_argument(
        "--within-rule",
        action="store_true",
        help="rank only the articles the rule finds eligible (default: all politicsNews)",
    )
    p.set_defaults(run=cmd_select)
    for name, run in (("packets", cmd_packets), ("disagreements", cmd_disagreements)):
        p = sub.add_parser(name)
        p.add_argument("--round", type=int, required=True)
        p.add_argument("--out", type=Path, required=True)
        p.set_defaults(run=run)
    for name, run in (("check", cmd_check), ("store", cmd_store), ("adjudicate", cmd_adjudicate)):
        p = sub.add_parser(name)
        p.add_argument("--round", type=int, required=True)
        if name == "store":
            p.add_argument("--annotator", choices=("a", "b"), required=True)
        if name == "adjudicate":
            p.add_argument("--dry-run", action="store_true", help="check the decisions, store nothing")
        p.add_argument("files", nargs="+", type=Path)
        p.set_defaults(run=run)
    p = sub.add_parser("agreement")
    p.set_defaults(run=cmd_agreement)
    args = parser.parse_args(argv)
    if getattr(args, "strategy", None) == "uncertainty" and not args.model:
        parser.error("--strategy uncertainty needs --model CHECKPOINT")
    return args.run(args)
