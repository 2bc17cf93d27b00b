"""Generate a synthetic OpenAPI 3.1 spec of any size, for scale benchmarks and tests.

    python benchmarks/generate_spec.py --operations 10000 --schemas 2000 --tags 100 -o big.json

The spec is deterministic for given arguments: each operation uses a couple of
schemas, schemas refer to each other (including cycles), and descriptions are
Markdown, so the build does the same kinds of work as on a real spec.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def generate_spec(operations: int, schemas: int, tags: int) -> dict[str, Any]:
    """A valid OpenAPI 3.1 document with the given numbers of things."""
    schemas = max(schemas, 1)
    tags = max(min(tags, operations), 1)
    components: dict[str, Any] = {}
    for index in range(schemas):
        properties: dict[str, Any] = {
            "id": {"type": "string", "description": f"Identifier of item {index}.", "examples": [f"it_{index:06d}"]},
            "name": {"type": "string", "maxLength": 64, "description": "A **display** name."},
            "count": {"type": "integer", "minimum": 0, "description": "How many."},
            "status": {"type": "string", "enum": ["active", "archived"], "description": "Lifecycle state."},
            "created_at": {"type": "string", "format": "date-time", "description": "When it was created."},
        }
        if index > 0:
            properties["parent"] = {"$ref": f"#/components/schemas/Model{index // 2:05d}"}
        properties["next"] = {"$ref": f"#/components/schemas/Model{(index + 1) % schemas:05d}"}  # cycles
        components[f"Model{index:05d}"] = {
            "type": "object",
            "description": f"Model number {index}. Used by several operations.",
            "required": ["id"],
            "properties": properties,
        }
    paths: dict[str, Any] = {}
    for index in range(operations):
        tag = f"Group {index % tags:03d}"
        model = f"#/components/schemas/Model{index % schemas:05d}"
        resource = f"/group{index % tags:03d}/resources{index:05d}"
        item = paths.setdefault(f"{resource}/{{item_id}}", {})
        method = ("get", "put", "delete", "patch")[(index // tags) % 4]
        item[method] = {
            "operationId": f"operation{index:05d}",
            "summary": f"Operation {index}",
            "description": f"Does thing number {index}.\n\nSee `{resource}` for details.",
            "tags": [tag],
            "parameters": [
                {
                    "name": "item_id",
                    "in": "path",
                    "required": True,
                    "description": "The item.",
                    "schema": {"type": "string", "pattern": "^it_[0-9]{6}$"},
                },
                {
                    "name": "limit",
                    "in": "query",
                    "description": "Page size.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
            ],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": model}}}},
                "404": {"description": "Not found"},
            },
        }
        if method in ("put", "patch"):
            item[method]["requestBody"] = {"content": {"application/json": {"schema": {"$ref": model}}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic API ({operations} operations)",
            "version": "1.0.0",
            "description": "Generated for benchmarks.",
        },
        "servers": [{"url": "https://api.example.com"}],
        "tags": [{"name": f"Group {i:03d}", "description": f"Group {i}."} for i in range(tags)],
        "paths": paths,
        "components": {"schemas": components},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--schemas", type=int, default=200)
    parser.add_argument("--tags", type=int, default=20)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    spec = generate_spec(args.operations, args.schemas, args.tags)
    args.output.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    print(f"wrote {args.output}: {args.operations} operations, {args.schemas} schemas, {args.tags} tags")


if __name__ == "__main__":
    main()
