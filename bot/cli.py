"""The ``orienta`` command: run, ask, chat, train, eval, kb."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from orienta.settings import get_settings


def _quiet_libraries() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    level = getattr(logging, get_settings().log_level.upper(), logging.WARNING)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    # httpx logs request URLs at INFO, and Telegram's carry the bot token: keep them quiet
    noisy_loggers = ("rasa", "tensorflow", "absl", "sanic", "asyncio", "jieba", "urllib3",
                     "httpx", "httpcore", "telegram", "apscheduler", "uvicorn")  # fmt: skip
    for noisy in noisy_loggers:
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(max(level, logging.WARNING))  # unconfigured, structlog prints to stdout


def resolve_model(explicit: str | None) -> Path:
    """The model to serve: the one named, the current one, or train one now."""
    from orienta import training

    if explicit:
        path = Path(explicit)
        if not path.exists():
            raise SystemExit(f"orienta: model {path} not found")
        return path
    models_dir = get_settings().models_dir
    current = training.model_file(models_dir)
    if current.exists():
        return current
    latest = training.latest_model(models_dir)
    if latest is not None:
        print(f"orienta: note: {latest.name} is older than the training data; run `orienta train`.",
              file=sys.stderr)  # fmt: skip
        return latest
    print("orienta: no trained model yet, training one (a few minutes)…", file=sys.stderr)
    return training.train(models_dir)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _read_jsonl(
    lines: Iterable[bytes | str],
) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """Each line as an object, or the reason it cannot be one (file line numbers)."""
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            yield number, None, f"line {number}: not valid UTF-8"
            continue
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"line {number}: not valid JSON ({exc.msg})"
            continue
        except RecursionError:
            yield number, None, f"line {number}: nested too deeply"
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            yield (
                number,
                None,
                f"line {number}: expected an object with a string 'text'",
            )
            continue
        if _SURROGATE.search(row["text"]):
            yield number, None, f"line {number}: 'text' is not valid Unicode (a lone surrogate)"
            continue
        hint = row.get("language_hint")
        if hint is not None and not isinstance(hint, str):
            yield number, None, f"line {number}: 'language_hint' must be a string"
            continue
        conversation = row.get("conversation")
        if conversation is not None and (
            isinstance(conversation, bool) or not isinstance(conversation, str | int)
        ):
            yield number, None, f"line {number}: 'conversation' must be a string or a number"
            continue
        yield number, row, None


async def _ask(args: argparse.Namespace) -> int:
    from bot.core import Incoming, OrientaCore

    # stdout carries only answers: anything a library prints goes to stderr instead.
    out, sys.stdout = sys.stdout, sys.stderr
    try:
        async with OrientaCore(resolve_model(args.model), persistent=False) as core:
            if not args.jsonl:
                text = " ".join(args.text) if args.text else sys.stdin.read()
                turn = await core.handle(Incoming("cli", "ask", text, args.language_hint))
                print(
                    f"[{turn.language} · {turn.topic} · {turn.confidence:.2f}]",
                    file=out,
                )
                print(turn.answer, file=out)
                return 0
            await _ask_jsonl(core, out)
    finally:
        sys.stdout = out
    return 0


async def _ask_jsonl(core: Any, out: Any) -> None:
    from bot.core import Incoming

    for number, row, error in _read_jsonl(sys.stdin.buffer):
        if row is None:
            print(
                json.dumps({"text": None, "error": error}, ensure_ascii=False),
                file=out,
                flush=True,
            )
            continue
        # Rows with the same "conversation" are one conversation, in input order; any other
        # row is a conversation of its own (no language or topic carries over).
        conversation = row.get("conversation")
        user = f"ask-conversation-{conversation}" if conversation is not None else f"ask-{number}"
        try:
            turn = await core.handle(Incoming("cli", user, row["text"], row.get("language_hint")))
        except Exception as exc:  # one line must never stop the batch
            logging.getLogger(__name__).error("line %d: %s", number, type(exc).__name__)
            error = f"line {number}: could not be answered ({type(exc).__name__})"
            print(json.dumps({"text": row["text"], "error": error}, ensure_ascii=False),
                  file=out, flush=True)  # fmt: skip
            continue
        print(json.dumps({
                **({"conversation": conversation} if conversation is not None else {}),
                "text": row["text"],
                "language": turn.language,
                "topic": turn.topic,
                "confidence": turn.confidence,
                "answer": turn.answer,
                "language_source": turn.language_source,
            }, ensure_ascii=False), file=out, flush=True)  # fmt: skip


async def _run(args: argparse.Namespace) -> int:
    from bot.run import serve

    await serve(resolve_model(args.model), get_settings())
    return 0


def _print_replies(replies: list[dict[str, Any]], buttons: list[dict[str, str]]) -> None:
    """Replies for the terminal; buttons are numbered (and collected in ``buttons``)."""
    for reply in replies:
        print(reply.get("text", ""))
        for button in reply.get("buttons") or []:
            buttons.append(button)
            print(f"  [{len(buttons)}] {button['title']}")
        print()


async def _chat(args: argparse.Namespace) -> int:
    """A terminal chat: buttons are numbered, and typing the number presses the button."""
    from bot.core import Incoming, OrientaCore
    from bot.switchboard import Switchboard
    from orienta.i18n import get_translator

    async with OrientaCore(resolve_model(args.model)) as core:
        settings = get_settings()
        switchboard = Switchboard(core, settings)
        buttons: list[dict[str, str]] = []

        async def from_staff(address: str, replies: list[dict[str, Any]], language: str) -> None:
            _print_replies(replies, buttons)  # a staff reply, from the staff page

        switchboard.register_channel("terminal", from_staff)
        hint = get_translator(settings.default_language, settings.fallback_languages)("chat.hint")
        print(hint, file=sys.stderr)
        while True:
            try:
                text = await asyncio.to_thread(input, "> ")
            except (EOFError, KeyboardInterrupt):
                break
            if text.strip() in {"/quit", "/exit"}:
                break
            if text.strip().isdigit() and 0 < int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            turn = await switchboard.handle(Incoming("terminal", "local", text, args.language_hint))
            if args.debug:
                source = f"{turn.language} ({turn.language_source})"
                print(f"  [{source} · {turn.topic} · {turn.confidence:.2f}]")
            buttons.clear()
            _print_replies(turn.replies, buttons)
    return 0


def _train(args: argparse.Namespace) -> int:
    from orienta import training

    path = training.train(
        get_settings().models_dir,
        config=Path(args.config) if args.config else training.CONFIG_FILE,
        force=args.force,
    )
    print(path)
    return 0


async def _eval(args: argparse.Namespace) -> int:
    from orienta.evaluation import run_evaluation

    return await run_evaluation(
        model=resolve_model(args.model),
        gold_file=Path(args.gold),
        report_dir=Path(args.out),
        check=args.check,
        conversations_path=Path(args.conversations) if args.conversations else None,
    )


def build_parser() -> argparse.ArgumentParser:
    from orienta.paths import EVAL_DIR, PROJECT_ROOT

    parser = argparse.ArgumentParser(prog="orienta", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run", help="start Orienta: web chat, staff page, and Telegram/WhatsApp if configured"
    )
    run.add_argument("--model", help="a model file (default: the current one)")

    ask = sub.add_parser("ask", help="answer one question, or JSON lines with --jsonl")
    ask.add_argument("text", nargs="*", help="the question (else read from stdin)")
    ask.add_argument(
        "--jsonl", action="store_true", help='read {"text": …} lines, print JSON lines'
    )
    ask.add_argument("--language-hint", help="the channel's language hint, e.g. 'ar'")
    ask.add_argument("--model", help="a model file (default: the current one)")

    chat = sub.add_parser("chat", help="chat in the terminal")
    chat.add_argument("--language-hint")
    chat.add_argument(
        "--debug", action="store_true", help="show language and topic of each message"
    )
    chat.add_argument("--model")

    train = sub.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true")
    train.add_argument("--config", help="another pipeline file (e.g. a fast one for tests)")

    ev = sub.add_parser("eval", help="evaluate on the held-out set and write a report")
    ev.add_argument(
        "--gold", default=str(EVAL_DIR / "heldout"), help="a .jsonl file or a folder of them"
    )
    ev.add_argument(
        "--conversations",
        default=str(EVAL_DIR / "heldout" / "conversations"),
        help="a folder (or .jsonl file) of held-out conversations; '' to skip them",
    )
    ev.add_argument("--out", default=str(PROJECT_ROOT / "reports"))
    ev.add_argument("--model")
    ev.add_argument("--check", action="store_true", help="exit 1 when a target is not met")

    from knowledge.commands import add_parser as add_kb_parser

    add_kb_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `orienta kb stats | head` ends quietly
    args = build_parser().parse_args(argv)
    _quiet_libraries()
    if args.command == "train":
        return _train(args)
    if args.command == "kb":
        return int(args.kb_run(args))
    runner = {"run": _run, "ask": _ask, "chat": _chat, "eval": _eval}[args.command]
    return asyncio.run(runner(args))


if __name__ == "__main__":
    sys.exit(main())
