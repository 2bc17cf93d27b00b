#!/usr/bin/env python3
"""Snippets on real APIs: does every generated snippet send a request the spec allows?

For a sample of a real spec's operations, writes each operation's snippet in every
language, runs it against a recording HTTP server on 127.0.0.1 (``tests/recorder.py``)
and validates the request that arrived with validators that share no code with
portal: openapi-core for parameters, security, and JSON and other bodies; for what
openapi-core cannot read (form and multipart bodies, ``deepObject`` query parameters)
the pairs are parsed as Rack (Stripe's side) and PHP do (``a[b][c]=v``, ``a[]=v``,
``a[0][b]=v``), scalars are coerced by the schema's type as such a server does, and
the result is checked by openapi-schema-validator against the spec's schema.

It prints, per language, valid/total and the snippets' line counts (median, max), the
overall valid/total, and how many Python snippets are over 30 lines among operations
with at most three required fields (required parameters plus the body's required
top-level properties).

openapi-core pins openapi-spec-validator below the release portal needs, so it lives
in a virtualenv of its own, ``benchmarks/.cache/venv-bench`` (made on the first run,
with the ``bench`` extra's requirements of pyproject.toml); this script runs there a
second time, as ``--validate-worker``, to validate what the first run recorded.

Usage::

    python benchmarks/snippets_real.py SPEC [--sample N] [--languages curl,python]
        [--only OPERATION,...] [-j N] [--fields minimal|examples|all] [--json FILE] [-v]
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV = BENCH_DIR / ".cache" / "venv-bench"
RUN_CACHE = BENCH_DIR / ".cache" / "snippet-run-cache"  # Go's build cache, kept between runs
LANGUAGES = ("curl", "python", "javascript", "go", "java", "ruby", "php")
SECRET = "s3cr3t-value"  # every environment variable a snippet reads
FILE_BYTES = b"\x89PNG\r\n\x1a\n\x00binary data"  # every file a snippet uploads
HOST = "http://recorder"  # the server URL the validator sees: recorders differ by port only
LINE_LIMIT, REQUIRED_LIMIT = 30, 3
TIMEOUT = 120.0


# -- the portal side: load, sample, run ---------------------------------------------------


def write_project(directory: Path, spec: Path, fields: str | None) -> None:
    """A portal project whose mkdocs.yml points at ``spec`` (nothing else in it)."""
    options = [f"      spec: {json.dumps(str(spec))}"]
    if fields is not None:
        options.append(f"      snippet_fields: {fields}")
    (directory / "content").mkdir(parents=True, exist_ok=True)
    (directory / "mkdocs.yml").write_text(
        "site_name: snippets_real\ndocs_dir: content\nplugins:\n  - portal:\n" + "\n".join(options) + "\n",
        encoding="utf-8",
    )


def load_snippets(directory: Path) -> tuple[Any, Any]:
    """The project's API model and its snippet generator, configured by its mkdocs.yml."""
    import yaml

    from portal_gen.config import PortalConfig
    from portal_gen.engine.build import make_snippets, template_loader
    from portal_gen.engine.project import load_project

    mkdocs = yaml.safe_load((directory / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["portal"] for p in mkdocs["plugins"] if isinstance(p, dict) and "portal" in p)
    try:
        config = PortalConfig(project_dir=directory, **options)
    except TypeError as exc:  # an option this version of portal does not have
        raise SystemExit(f"snippets_real: mkdocs.yml: an option this portal_gen does not know: {exc}") from None
    project = load_project(config, with_content=False)
    return project.api, make_snippets(project, template_loader(project.config))


def _evenly(items: Sequence[Any], count: int) -> list[Any]:
    """``count`` items spread evenly over ``items``: the midpoints of equal slices."""
    return [items[(2 * i + 1) * len(items) // (2 * count)] for i in range(count)] if count else []


def _requires_body_fields(op: Any) -> bool:
    """Whether ``op`` sends a body with required fields: every snippet writes those."""
    if op.method in ("get", "head") or op.request_body is None or not op.request_body.content:
        return False
    schema = op.request_body.content[0].schema
    return schema is not None and (any(p.required for p in schema.properties) or bool(schema.requires))


def sample_operations(operations: Sequence[Any], size: int) -> list[Any]:
    """A reproducible sample: operations sorted by path and method, evenly spaced, at
    least a third of them (or their share of the spec, if larger) operations whose body
    has required fields (a form, JSON, multipart), so that bodies are sent whatever the
    snippets leave out."""
    ordered = sorted(operations, key=lambda op: (op.path, op.method))
    if size >= len(ordered):
        return ordered
    with_body = [op for op in ordered if _requires_body_fields(op)]
    without = [op for op in ordered if not _requires_body_fields(op)]
    bodies = min(len(with_body), max(size // 3, round(size * len(with_body) / len(ordered))))
    others = min(len(without), size - bodies)
    bodies = size - others
    chosen = _evenly(with_body, bodies) + _evenly(without, others)
    return sorted(chosen, key=lambda op: (op.path, op.method))


def import_recorder() -> Any:
    """``tests/recorder.py``, the tests' recording server (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("recorder", ROOT / "tests" / "recorder.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["recorder"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run_case(snippets: Any, op: Any, lang: str, recorders: queue.Queue[Any], scratch: Path) -> dict[str, Any]:
    """Write one operation's snippet in one language, run it, and keep what arrived."""
    from portal_gen.snippets.languages import LANGUAGES as RUNNERS
    from portal_gen.snippets.run import run_snippet

    row: dict[str, Any] = {"operation": op.key, "method": op.method.upper(), "path": op.path, "language": lang}
    recorder = recorders.get()
    try:
        try:
            request = snippets.request(op, base_url=recorder.url)
            code = snippets.render(op, lang, request).code
        except Exception as exc:  # reported as this case's failure
            row.update(lines=None, reason=f"no snippet: {type(exc).__name__}: {exc}")
            return row
        row.update(code=code, lines=len(code.splitlines()))
        recorder.take()
        result = run_snippet(
            RUNNERS[lang],
            code,
            env={name: SECRET for name in request.env},
            files={name: FILE_BYTES for name in request.files},
            timeout=TIMEOUT,
            cache_dir=RUN_CACHE,
            parent=scratch,
        )
        received = recorder.take()
    finally:
        recorders.put(recorder)
    row.update(returncode=result.returncode, seconds=round(result.seconds, 2), received=len(received))
    if not result.ok:
        output = (result.stderr.strip() or result.stdout.strip() or "no output").splitlines()
        # The last line that names an error (Node.js ends with its version, Java with a count).
        line = next((x for x in reversed(output) if re.search(r"error|exception", x, re.I)), output[-1])
        status = "timed out" if result.returncode is None else f"exit {result.returncode}"
        row["reason"] = f"{status}: {line.strip()[:300]}"
    elif len(received) != 1:
        row["reason"] = f"{len(received)} requests arrived, not 1"
    elif received[0].method != op.method.upper():
        row["reason"] = f"sent {received[0].method}, the spec says {op.method.upper()}"
    if len(received) == 1:
        got = received[0]
        row["request"] = {
            "method": got.method,
            "raw_path": got.raw_path,
            "headers": got.headers,
            "body": base64.b64encode(got.body).decode(),
        }
    return row


def run_cases(snippets: Any, operations: Sequence[Any], languages: Sequence[str], jobs: int) -> list[dict[str, Any]]:
    """Every (operation, language), ``jobs`` at a time, each with a recorder of its own."""
    recorder_module = import_recorder()
    recorders: queue.Queue[Any] = queue.Queue()
    servers = [recorder_module.start_recorder() for _ in range(jobs)]
    for server in servers:
        recorders.put(server)
    cases = [(op, lang) for op in operations for lang in languages]
    scratch = Path(tempfile.mkdtemp(prefix="snippets-real-run-"))  # each run makes and deletes its folder
    done = 0
    lock = threading.Lock()

    def one(case: tuple[Any, str]) -> dict[str, Any]:
        nonlocal done
        row = run_case(snippets, case[0], case[1], recorders, scratch)
        with lock:
            done += 1
            state = "sent its request" if "reason" not in row else row["reason"][:70]
            print(f"[{done}/{len(cases)}] {row['operation']} {row['language']}: {state}", file=sys.stderr)
        return row

    try:
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(one, cases))
    finally:
        for server in servers:
            server.server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)


# -- the validator's virtualenv -------------------------------------------------------------


def bench_requirements() -> list[str]:
    """The ``bench`` extra of pyproject.toml: what the validator's virtualenv holds."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return ["openapi-core>=0.23"]
    with open(ROOT / "pyproject.toml", "rb") as file:
        return list(tomllib.load(file)["project"]["optional-dependencies"]["bench"])


def validator_python(venv: Path) -> Path:
    """The virtualenv's interpreter, the virtualenv made and filled first if need be."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import openapi_core, openapi_schema_validator, referencing, yaml"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    requirements = bench_requirements()
    print(f"making {venv} with {' '.join(requirements)}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True)
    return python


def validate_rows(python: Path, spec: Path, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Run this script in the validator's virtualenv over the recorded requests."""
    with tempfile.TemporaryDirectory(prefix="snippets-real-validate-") as tmp:
        batch = Path(tmp) / "requests.json"
        batch.write_text(json.dumps({"spec": str(spec), "rows": rows}), encoding="utf-8")
        done = subprocess.run([str(python), __file__, "--validate-worker", str(batch)], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"snippets_real: the validator failed:\n{done.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(done.stdout)
        return result


# -- the validator (runs in the virtualenv; imports nothing of portal) ---------------------


def pointer_escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def rack_parse(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Form pairs read as Rack's ``Utils.parse_nested_query`` does (and, for these
    shapes, PHP): ``a[b][c]=v`` nests, ``a[]=v`` appends, ``a[][b]=v`` starts a new
    element when the last one already has ``b``. ``a[0][b]=v`` stays a hash keyed "0"
    here; :meth:`Spec.coerce` makes it a list where the schema wants an array."""
    params: dict[str, Any] = {}
    for name, value in pairs:
        _rack_normalize(params, name, value, 32)
    return params


def _rack_normalize(params: dict[str, Any], name: str, value: Any, depth: int) -> dict[str, Any]:
    if depth <= 0:
        raise ValueError(f"form key nested too deep: {name!r}")
    match = re.match(r"\A[\[\]]*([^\[\]]+)\]*", name)
    key = match.group(1) if match else ""
    after = name[match.end() :] if match else ""
    if not key:
        return params
    if after == "":
        params[key] = value
    elif after == "[":
        params[name] = value
    elif after == "[]":
        items = params.setdefault(key, [])
        if not isinstance(items, list):
            raise ValueError(f"form key {name!r}: {key!r} is both an array and not")
        items.append(value)
    elif child := (re.match(r"\A\[\]\[([^\[\]]+)\]\Z", after) or re.match(r"\A\[\](.+)\Z", after)):
        child_key = child.group(1)
        items = params.setdefault(key, [])
        if not isinstance(items, list):
            raise ValueError(f"form key {name!r}: {key!r} is both an array and not")
        if items and isinstance(items[-1], dict) and not _rack_has_key(items[-1], child_key):
            _rack_normalize(items[-1], child_key, value, depth - 1)
        else:
            items.append(_rack_normalize({}, child_key, value, depth - 1))
    else:
        inner = params.setdefault(key, {})
        if not isinstance(inner, dict):
            raise ValueError(f"form key {name!r}: {key!r} is both an object and not")
        params[key] = _rack_normalize(inner, after, value, depth - 1)
    return params


def _rack_has_key(params: dict[str, Any], key: str) -> bool:
    if re.search(r"\[\]", key):
        return False
    node: Any = params
    for part in [p for p in re.split(r"[\[\]]+", key) if p]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    types = {kind} if isinstance(kind, str) else set(kind or ())
    if not types:
        types |= {"object"} if "properties" in schema or "additionalProperties" in schema else set()
        types |= {"array"} if "items" in schema else set()
    return types


class Spec:
    """The raw spec document, its local ``$ref``s, and JSON Schema validators into it."""

    def __init__(self, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            self.data: dict[str, Any] = json.loads(text)
        else:
            import yaml

            self.data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        self.path = path
        self.v30 = str(self.data.get("openapi", "")).startswith("3.0")
        self._validators: dict[str, Any] = {}
        self._apps: dict[tuple[str, str], Any] = {}
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        dialect = DRAFT4 if self.v30 else DRAFT202012
        self.registry = Registry().with_resource("urn:spec", Resource.from_contents(self.data, dialect))

    def at(self, pointer: str) -> Any:
        node: Any = self.data
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def deref(self, pointer: str) -> tuple[str, Any]:
        """Follow local ``$ref``s from ``pointer``: the pointer and object they lead to."""
        node = self.at(pointer)
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            pointer = unquote(node["$ref"][1:])
            if pointer in seen:
                break
            seen.add(pointer)
            node = self.at(pointer)
        return pointer, node

    # -- JSON Schema -------------------------------------------------------------------

    def schema_errors(self, value: Any, pointer: str) -> list[str]:
        """What openapi-schema-validator finds wrong with ``value`` against the schema
        at ``pointer`` (``$ref``s resolved against the whole document)."""
        validator = self._validators.get(pointer)
        if validator is None:
            from openapi_schema_validator import (
                OAS30WriteValidator,
                OAS31Validator,
                oas30_format_checker,
                oas31_format_checker,
            )

            cls, formats = (
                (OAS30WriteValidator, oas30_format_checker) if self.v30 else (OAS31Validator, oas31_format_checker)
            )
            schema = {"$ref": "urn:spec#" + quote(pointer, safe="/~")}
            validator = self._validators[pointer] = cls(schema, registry=self.registry, format_checker=formats)
        found = []
        for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path))):
            while error.context:  # anyOf, oneOf: the deepest error of any branch
                error = max(error.context, key=lambda e: len(e.absolute_path))
            found.append(f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}")
        return found

    def coerce(self, value: Any, pointer: str, depth: int = 0) -> Any:
        """``value`` as a form-reading server types it for the schema at ``pointer``:
        strings become integers, numbers and booleans where the schema wants them,
        hashes keyed 0, 1, ... become lists where it wants an array. Of ``anyOf`` and
        ``oneOf`` branches, the first whose coercion validates is taken."""
        pointer, schema = self.deref(pointer)
        if not isinstance(schema, dict) or depth > 64:
            return value
        for keyword in ("anyOf", "oneOf"):
            for index in range(len(schema.get(keyword, ()))):
                branch = f"{pointer}/{keyword}/{index}"
                candidate = self.coerce(value, branch, depth + 1)
                if not self.schema_errors(candidate, branch):
                    return candidate
        for index in range(len(schema.get("allOf", ()))):
            value = self.coerce(value, f"{pointer}/allOf/{index}", depth + 1)
        types = _types(schema)
        indexed = isinstance(value, dict) and value and all(key.isdigit() for key in value)
        if indexed and "array" in types and "object" not in types:
            value = [value[key] for key in sorted(value, key=int)]
        if isinstance(value, dict):
            properties = schema.get("properties") or {}
            extra = schema.get("additionalProperties")
            coerced = {}
            for key, item in value.items():
                if key in properties:
                    coerced[key] = self.coerce(item, f"{pointer}/properties/{pointer_escape(key)}", depth + 1)
                elif isinstance(extra, dict):
                    coerced[key] = self.coerce(item, f"{pointer}/additionalProperties", depth + 1)
                else:
                    coerced[key] = item
            return coerced
        if isinstance(value, list):
            if isinstance(schema.get("items"), dict):
                return [self.coerce(item, f"{pointer}/items", depth + 1) for item in value]
            return value
        if isinstance(value, str) and "string" not in types:
            if "integer" in types and re.fullmatch(r"-?\d+", value):
                return int(value)
            if "number" in types and re.fullmatch(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", value):
                number = float(value)
                return int(number) if number.is_integer() and re.fullmatch(r"-?\d+", value) else number
            if "boolean" in types and value in ("true", "false"):
                return value == "true"
        return value

    # -- the operation -----------------------------------------------------------------

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        item_pointer, item = self.deref("/paths/" + pointer_escape(path))
        return f"{item_pointer}/{method.lower()}", item

    def parameters(self, method: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        """The operation's parameters (path-level ones it does not override) as
        (pointer, object), references followed."""
        op_pointer, _ = self.operation(method, path)
        found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        item_pointer = op_pointer.rsplit("/", 1)[0]
        for base in (item_pointer, op_pointer):
            node = self.at(base)
            for index in range(len(node.get("parameters") or ())):
                pointer, param = self.deref(f"{base}/parameters/{index}")
                found[(param.get("name"), param.get("in"))] = (pointer, param)
        return list(found.values())

    def body_schema(self, method: str, path: str, media_type: str | None) -> tuple[str, str] | None:
        """The request body's media type (the one sent, else the first) and schema pointer."""
        op_pointer, _ = self.operation(method, path)
        operation = self.at(op_pointer)
        if "requestBody" not in operation:
            return None
        body_pointer, body = self.deref(op_pointer + "/requestBody")
        content = body.get("content") or {}
        if not content:
            return None
        # The media type sent, as a key with parameters too; else the first one.
        sent = (m for m in content if m.split(";")[0].strip().lower() == media_type)
        chosen: str = next(sent, None) or next(iter(content))
        if "schema" not in content[chosen]:
            return None
        return chosen, f"{body_pointer}/content/{pointer_escape(chosen)}/schema"

    def media_types(self, method: str, path: str) -> list[str]:
        """The request body's media types, lower case, without parameters."""
        op_pointer, _ = self.operation(method, path)
        if "requestBody" not in self.at(op_pointer):
            return []
        content = self.deref(op_pointer + "/requestBody")[1].get("content") or {}
        return [m.split(";")[0].strip().lower() for m in content]

    def required_count(self, method: str, path: str, media_type: str | None) -> int:
        """Required parameters plus the body's required top-level properties."""
        count = sum(1 for _, p in self.parameters(method, path) if p.get("required") or p.get("in") == "path")
        body = self.body_schema(method, path, media_type)
        return count + (len(self._required(body[1])) if body else 0)

    def _required(self, pointer: str, depth: int = 0) -> set[str]:
        pointer, schema = self.deref(pointer)
        if not isinstance(schema, dict) or depth > 16:
            return set()
        names = set(schema.get("required") or ())
        for index in range(len(schema.get("allOf", ()))):
            names |= self._required(f"{pointer}/allOf/{index}", depth + 1)
        return names

    def app(self, method: str, path: str) -> Any:
        """openapi-core, on a copy of the spec that has only this operation, served at
        :data:`HOST`, without the ``deepObject`` query parameters it cannot read."""
        key = (method, path)
        if key not in self._apps:
            from openapi_core import Config, OpenAPI

            op_pointer, item = self.operation(method, path)
            deep = {pointer for pointer, p in self.parameters(method, path) if _deep_query(p)}

            def keep(base: str, node: dict[str, Any]) -> list[Any]:
                return [
                    p
                    for i, p in enumerate(node.get("parameters") or ())
                    if self.deref(f"{base}/parameters/{i}")[0] not in deep
                ]

            item_pointer = op_pointer.rsplit("/", 1)[0]
            operation = {k: v for k, v in self.at(op_pointer).items() if k != "servers"}
            operation["parameters"] = keep(op_pointer, self.at(op_pointer))
            slim_item = {k: v for k, v in item.items() if k == "parameters" or k.startswith("x-")}
            slim_item["parameters"] = keep(item_pointer, item)
            slim_item[method.lower()] = operation
            template = path.partition("?")[0]  # the rest is checked in request_errors
            document = {**self.data, "servers": [{"url": HOST}], "paths": {template: slim_item}}
            self._apps[key] = OpenAPI.from_dict(
                document, config=Config(spec_validator_cls=None), base_uri=self.path.as_uri()
            )
        return self._apps[key]


def _deep_query(param: dict[str, Any]) -> bool:
    return param.get("in") == "query" and param.get("style") == "deepObject"


def _describe(exc: BaseException) -> str:
    """An openapi-core error, with the schema error under it if there is one."""
    text = str(exc) if str(exc).startswith(type(exc).__name__) else f"{type(exc).__name__}: {exc}"
    cause: BaseException | None = exc
    for _ in range(8):
        if cause is None:
            break
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            error = schema_errors[0]
            while getattr(error, "context", None):  # anyOf, oneOf: the deepest error of any branch
                error = max(error.context, key=lambda e: len(e.absolute_path))
            where = "/".join(map(str, getattr(error, "absolute_path", ()))) or "(root)"
            return f"{type(exc).__name__}: {where}: {getattr(error, 'message', error)}"[:500]
        if cause is not exc and str(cause) and str(cause) not in text:
            text = f"{text}: {cause}"
        cause = cause.__cause__ or cause.__context__
    return text[:500]


# Bodies read as a Rack server reads them, not by openapi-core: it reads neither
# bracketed names nor, under OpenAPI 3.1, a file part (bytes are no JSON string).
FIELD_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_errors(spec: Spec, row: dict[str, Any]) -> list[str]:
    """Everything found wrong with one recorded request."""
    from openapi_core.testing import MockRequest

    got = row["request"]
    method, path = row["method"], row["path"]
    body = base64.b64decode(got["body"])
    headers = got["headers"]
    content_type = headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    split = urlsplit(got["raw_path"])
    query = parse_qsl(split.query, keep_blank_values=True)
    cookies = dict(pair.strip().split("=", 1) for pair in headers.get("cookie", "").split(";") if "=" in pair)
    # A form or multipart body the operation does not take is openapi-core's to judge:
    # it refuses it, unless it is empty (Ruby's Net::HTTP labels an empty body a form).
    fields = media_type in FIELD_BODIES and media_type in spec.media_types(method, path)
    request = MockRequest(
        HOST,
        method.lower(),
        split.path,
        args=query,
        headers=headers,
        cookies={k: unquote(v) for k, v in cookies.items()},
        data=None if fields else (body or None),
        content_type=content_type or "application/json",
    )
    app = spec.app(method, path)
    if fields:
        from openapi_core.validation.request import validators

        version = "V30" if spec.v30 else "V31"
        parts = (
            getattr(validators, f"{version}RequestParametersValidator"),
            getattr(validators, f"{version}RequestSecurityValidator"),
        )
        found = [e for cls in parts for e in cls(app.spec).iter_errors(request)]
    else:
        found = list(app.request_validator.iter_errors(request))
    errors = [_describe(e) for e in found]
    # A path such as OpenAI's `/responses/{id}?beta=true`: the query it fixes must be sent.
    fixed = parse_qsl(path.partition("?")[2], keep_blank_values=True)
    errors += [f"query: {k}={v} (fixed by the path) not sent" for k, v in fixed if (k, v) not in query]
    for pointer, param in spec.parameters(method, path):
        if not _deep_query(param):
            continue
        name = param["name"]
        pairs = [(k, v) for k, v in query if k == name or k.startswith(name + "[")]
        if not pairs:
            if param.get("required"):
                errors.append(f"query parameter {name}: required, not sent")
            continue
        try:
            value = rack_parse(pairs).get(name)
        except ValueError as exc:
            errors.append(f"query parameter {name}: {exc}")
            continue
        schema = pointer + "/schema"
        errors += [f"query parameter {name}: {e}" for e in spec.schema_errors(spec.coerce(value, schema), schema)]
    if fields:
        errors += field_body_errors(spec, method, path, media_type, content_type, body)
    return errors


def body_pairs(media_type: str, content_type: str, body: bytes) -> list[tuple[str, Any]]:
    """A form's or a multipart body's (name, value) pairs; a file's bytes as Latin-1 text."""
    if media_type == "application/x-www-form-urlencoded":
        return parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError("a part without a name")
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            raise ValueError(f"part {name!r} holds parts of its own")
        if part.get_filename():
            pairs.append((name, content.decode("latin-1")))
        elif part.get_content_type() == "application/json":  # an object or array property
            pairs.append((name, json.loads(content)))
        else:
            pairs.append((name, content.decode()))
    return pairs


def field_body_errors(spec: Spec, method: str, path: str, media_type: str, content_type: str, body: bytes) -> list[str]:
    """A form or multipart body read as Rack reads it, typed by its schema, validated."""
    found = spec.body_schema(method, path, media_type)
    if found is None or found[0] != media_type:
        return [f"body: the operation takes no {media_type} body"]
    _, pointer = found
    try:
        pairs = body_pairs(media_type, content_type, body)
        value = rack_parse(pairs)
    except ValueError as exc:  # UnicodeDecodeError and json's errors included
        return [f"body: unreadable: {exc}"]
    encoding = spec.at(pointer.rsplit("/", 1)[0]).get("encoding") or {}
    resolved, schema = spec.deref(pointer)
    properties = (schema.get("properties") or {}) if isinstance(schema, dict) else {}
    for name in properties:
        # A property of style form (the default) repeats its name for each item, of
        # which Rack keeps the last: gather them all, as OpenAPI means them.
        style = (encoding.get(name) or {}).get("style", "form")
        repeated = [v for k, v in pairs if k == name]
        property_schema = spec.deref(f"{resolved}/properties/{pointer_escape(name)}")[1]
        if style == "form" and repeated and isinstance(property_schema, dict) and "array" in _types(property_schema):
            value[name] = repeated
    return [f"body: {e}" for e in spec.schema_errors(spec.coerce(value, pointer), pointer)]


def validate_worker(batch: Path) -> int:
    """``--validate-worker``: read the recorded requests, print every verdict as JSON."""
    data = json.loads(batch.read_text(encoding="utf-8"))
    spec = Spec(Path(data["spec"]))
    verdicts: dict[str, Any] = {"errors": {}, "required": {}}
    for index, row in enumerate(data["rows"]):
        key = f"{row['method']} {row['path']}"
        media_type = None
        if "request" in row:
            media_type = row["request"]["headers"].get("content-type", "").split(";")[0].strip().lower() or None
            try:
                verdicts["errors"][str(index)] = request_errors(spec, row)
            except Exception as exc:  # the validator's own failure, reported
                verdicts["errors"][str(index)] = [f"validator failed: {type(exc).__name__}: {exc}"[:500]]
        if key not in verdicts["required"] or media_type:
            verdicts["required"][key] = spec.required_count(row["method"], row["path"], media_type)
    json.dump(verdicts, sys.stdout)
    return 0


# -- the report -------------------------------------------------------------------------------


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]], right: int = 1) -> str:
    """A Markdown table; columns from ``right`` on are right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---" if i < right else "---:" for i in range(len(header))) + " |")
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(rows: list[dict[str, Any]], languages: Sequence[str], verbose: bool) -> Iterator[str]:
    per_language = []
    for lang in languages:
        mine = [r for r in rows if r["language"] == lang]
        lines = [r["lines"] for r in mine if r.get("lines") is not None]
        valid = sum(1 for r in mine if r["valid"])
        median = f"{statistics.median(lines):g}" if lines else "-"
        per_language.append((lang, f"{valid}/{len(mine)}", median, max(lines) if lines else "-"))
    yield markdown_table(("language", "valid/total", "lines, median", "lines, max"), per_language)
    valid = sum(1 for r in rows if r["valid"])
    yield f"\nOverall: {valid}/{len(rows)} requests valid."
    python = [r for r in rows if r["language"] == "python" and r.get("lines") is not None]
    if python:
        few = [r for r in python if r["required"] is not None and r["required"] <= REQUIRED_LIMIT]
        over = [r for r in few if r["lines"] > LINE_LIMIT]
        largest = max(few, key=lambda r: r["lines"], default=None)
        yield (
            f"Python snippets over {LINE_LIMIT} lines among the {len(few)} operations with at most "
            f"{REQUIRED_LIMIT} required fields: {len(over)}"
            + (
                f"; the largest: {largest['operation']}, {largest['lines']} lines, {largest['required']} required"
                if largest
                else ""
            )
        )
    invalid = [r for r in rows if not r["valid"]]
    if invalid:
        yield "\nInvalid:"
        for r in invalid:
            yield f"  {r['operation']} [{r['language']}]: {r['reason']}"
    if verbose:
        yield "\nPer operation (Python lines, required fields, valid languages):"
        operations: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            operations.setdefault(r["operation"], []).append(r)
        for key, mine in operations.items():
            python_lines = next((str(r["lines"]) for r in mine if r["language"] == "python"), "-")
            passed = ",".join(r["language"] for r in mine if r["valid"]) or "none"
            where = f"{mine[0]['method']} {mine[0]['path']}"
            yield f"  {key} ({where}): python {python_lines} lines, {mine[0]['required']} required; valid: {passed}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("spec", type=Path, nargs="?", help="an OpenAPI 3.0 or 3.1 file (one document)")
    parser.add_argument("--sample", type=int, default=30, help="operations sampled (default 30)")
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="comma-separated (default: all 7)")
    parser.add_argument(
        "--only", help="these operations instead of a sample: operationIds or 'METHOD /path', comma-separated"
    )
    parser.add_argument("-j", "--jobs", type=int, default=2, help="snippets run at once (default 2)")
    parser.add_argument("--fields", help="write `snippet_fields: VALUE` into the project's mkdocs.yml")
    parser.add_argument("--json", type=Path, help="write every row (code, request, verdict) to this file")
    parser.add_argument(
        "--validator-python", type=Path, help=f"the interpreter with openapi-core (default: {VENV}, made if missing)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also list each operation's figures")
    parser.add_argument("--validate-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.validate_worker:
        return validate_worker(args.validate_worker)
    if args.spec is None or not args.spec.is_file():
        parser.error(f"no spec file {args.spec}")
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if unknown := set(languages) - set(LANGUAGES):
        parser.error(f"unknown languages: {', '.join(sorted(unknown))}")
    spec = args.spec.resolve()
    python = args.validator_python or validator_python(VENV)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="snippets-real-") as tmp:
        write_project(Path(tmp), spec, args.fields)
        api, snippets = load_snippets(Path(tmp))
    operations = [op for op in api.operations if op.webhook is None]
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        by_key = {op.key: op for op in operations} | {f"{op.method.upper()} {op.path}": op for op in operations}
        if missing := [name for name in wanted if name not in by_key]:
            parser.error(f"no such operations: {', '.join(missing)}")
        chosen = [by_key[name] for name in wanted]
    else:
        chosen = sample_operations(operations, args.sample)
    loaded = time.perf_counter()
    rows = run_cases(snippets, chosen, languages, max(1, args.jobs))
    ran = time.perf_counter()
    verdicts = validate_rows(python, spec, rows)
    for index, row in enumerate(rows):
        errors = verdicts["errors"].get(str(index), [])
        if "reason" not in row and errors:
            row["reason"] = f"{errors[0]}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
        row["errors"] = errors
        row["valid"] = "reason" not in row
        row["required"] = verdicts["required"].get(f"{row['method']} {row['path']}")
    finished = time.perf_counter()
    import portal_gen

    print(f"{spec.name}: {len(chosen)} of {len(operations)} operations, {len(languages)} languages")
    print(f"portal_gen from {Path(portal_gen.__file__).parent}\n")
    for line in report(rows, languages, args.verbose):
        print(line)
    print(
        f"\n{finished - started:.0f} s: loading {loaded - started:.0f} s, running {ran - loaded:.0f} s "
        f"(-j {args.jobs}), validating {finished - ran:.0f} s"
    )
    if args.json:
        summary = {"spec": str(spec), "operations": len(operations), "languages": languages, "fields": args.fields}
        args.json.write_text(json.dumps({**summary, "rows": rows}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
