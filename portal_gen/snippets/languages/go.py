"""Go: a complete ``package main`` with net/http, laid out as gofmt would."""

from __future__ import annotations

import json
from typing import Any

from ..request import HttpRequest
from ..values import EnvValue, join_pieces
from .base import Language, LiteralStyle, c_escape, join, quote_chars, sends_body, write_literal

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_METHODS = {
    "GET": "http.MethodGet",
    "POST": "http.MethodPost",
    "PUT": "http.MethodPut",
    "PATCH": "http.MethodPatch",
    "DELETE": "http.MethodDelete",
    "HEAD": "http.MethodHead",
    "OPTIONS": "http.MethodOptions",
}
_FATAL = "if err != nil {\n\tlog.Fatal(err)\n}"
_ADD_FILE = """
// addFile adds a file from disk to a multipart form.
func addFile(writer *multipart.Writer, field, path, contentType string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", fmt.Sprintf("form-data; name=%q; filename=%q", field, filepath.Base(path)))
	header.Set("Content-Type", contentType)
	part, err := writer.CreatePart(header)
	if err != nil {
		return err
	}
	_, err = part.Write(data)
	return err
}
"""
_ADD_PART = """
// addPart adds a field with its own content type to a multipart form.
func addPart(writer *multipart.Writer, field, contentType, value string) error {
	header := textproto.MIMEHeader{}
	header.Set("Content-Disposition", fmt.Sprintf("form-data; name=%q", field))
	header.Set("Content-Type", contentType)
	part, err := writer.CreatePart(header)
	if err != nil {
		return err
	}
	_, err = part.Write([]byte(value))
	return err
}
"""


def string(value: str) -> str:
    return quote_chars(value, _ESCAPES, lambda ch: c_escape(ch, byte_below=0x80))


def env(value: EnvValue) -> str:
    """A value read from the environment at run time."""
    return f'os.Getenv("{value.name}")'


def _value(value: str | EnvValue) -> str:
    return string(value) if isinstance(value, str) else env(value)


STYLE = LiteralStyle(
    string=string,
    indent="\t",
    map_open="map[string]any{",
    map_close="}",
    list_open="[]any{",
    list_close="}",
    empty_map="map[string]any{}",
    empty_list="[]any{}",
    null="nil",
    env=env,
    align=True,
)


def literal(value: Any, level: int = 0) -> str:
    return write_literal(value, STYLE, level)


def _fatal_on(statement: str) -> str:
    return f"if err := {statement}; err != nil {{\n\tlog.Fatal(err)\n}}"


def render(req: HttpRequest) -> str:
    imports = {"fmt", "io", "log", "net/http"}
    setup: list[str] = []
    helpers: list[str] = []
    url = join(req.url_pieces(), string, env, "+")  # gofmt writes `"a"+b` among several arguments
    query_credentials = req.credential("query")
    if req.query or query_credentials:
        imports.add("net/url")
        adds = [f"query.Add({string(k)}, {_value(v)})" for k, v in req.query]
        adds += [f"query.Add({string(c.name)}, {env(c.read())})" for c in query_credentials]
        setup.append("query := url.Values{}\n" + "\n".join(adds))
        url = join(join_pieces((*req.url_pieces(), "?")), string, env, "+") + "+query.Encode()"

    headers: list[str] = []
    reader = "nil"
    body = req.body
    if body is not None and not sends_body(req):
        headers.append(f'req.Header.Set("Content-Type", {string(body.media_type)})')
    elif body is not None:
        if body.kind == "json" and body.value in ({}, []):
            imports.add("strings")
            reader = f"strings.NewReader({string(json.dumps(body.value))})"
            headers.append(f'req.Header.Set("Content-Type", {string(body.media_type)})')
        elif body.kind == "json":
            imports |= {"bytes", "encoding/json"}
            setup.append(f"payload, err := json.Marshal({literal(body.value)})\n{_FATAL}")
            reader = "bytes.NewReader(payload)"
            headers.append(f'req.Header.Set("Content-Type", {string(body.media_type)})')
        elif body.kind == "form":
            imports |= {"net/url", "strings"}
            adds = [f"form.Add({string(p.name)}, {_value(p.value)})" for p in body.parts]
            setup.append("form := url.Values{}\n" + "\n".join(adds))
            reader = "strings.NewReader(form.Encode())"
            headers.append('req.Header.Set("Content-Type", "application/x-www-form-urlencoded")')
        elif body.kind == "multipart":
            imports |= {"bytes", "mime/multipart"}
            steps = ["var payload bytes.Buffer", "writer := multipart.NewWriter(&payload)"]
            for part in body.parts:
                if part.filename:
                    imports |= {"os", "net/textproto", "path/filepath"}
                    helpers.append(_ADD_FILE)
                    args = ", ".join(string(x) for x in (part.name, part.filename, part.content_type or ""))
                    call = f"addFile(writer, {args})"
                elif part.content_type:
                    imports.add("net/textproto")
                    helpers.append(_ADD_PART)
                    call = f"addPart(writer, {string(part.name)}, {string(part.content_type)}, {_value(part.value)})"
                else:
                    call = f"writer.WriteField({string(part.name)}, {_value(part.value)})"
                steps.append(_fatal_on(call))
            steps.append(_fatal_on("writer.Close()"))
            setup.append("\n".join(steps))
            reader = "&payload"
            headers.append('req.Header.Set("Content-Type", writer.FormDataContentType())')
        elif body.kind == "text":
            imports.add("strings")
            reader = f"strings.NewReader({string(body.value or '')})"
            headers.append(f'req.Header.Set("Content-Type", {string(body.media_type)})')
        else:
            imports |= {"bytes", "os"}
            setup.append(f"payload, err := os.ReadFile({string(body.filename or '')})\n{_FATAL}")
            reader = "bytes.NewReader(payload)"
            headers.append(f'req.Header.Set("Content-Type", {string(body.media_type)})')

    for c in req.credential("bearer"):
        headers.append(f"req.Header.Set({string(c.name)}, {string(c.prefix)}+{env(c.read())})")
    for c in req.credential("basic"):
        headers.append(f"req.SetBasicAuth({env(c.read(0))}, {env(c.read(1))})")
    for c in req.credential("header"):
        headers.append(f"req.Header.Set({string(c.name)}, {env(c.read())})")
    headers += [f"req.Header.Set({string(k)}, {_value(v)})" for k, v in req.headers]
    if cookie := req.cookie_pieces():
        headers.append(f'req.Header.Set("Cookie", {join(cookie, string, env, "+")})')
    if req.env:
        imports.add("os")

    method = _METHODS.get(req.method, string(req.method))
    request = f"req, err := http.NewRequest({method}, {url}, {reader})\n{_FATAL}"
    if headers:
        request += "\n" + "\n".join(headers)
    send = (
        "resp, err := http.DefaultClient.Do(req)\n"
        f"{_FATAL}\n"
        "defer resp.Body.Close()\n\n"
        "body, err := io.ReadAll(resp.Body)\n"
        f"{_FATAL}\n"
        "if resp.StatusCode < 200 || resp.StatusCode >= 300 {\n"
        '\tlog.Fatalf("%s: %s", resp.Status, body)\n'
        "}\n"
    )
    if req.response == "none":
        send += "fmt.Println(resp.Status)"
    elif req.response == "binary":
        send += 'fmt.Printf("%d bytes of %s\\n", len(body), resp.Header.Get("Content-Type"))'
    else:
        send += "fmt.Println(string(body))"
    blocks = [*setup, request, send]
    main = "\n\n".join(blocks)
    main = "\n".join("\t" + line if line else "" for line in main.split("\n"))
    std = sorted(imports)
    head = "package main\n\nimport (\n" + "".join(f'\t"{name}"\n' for name in std) + ")\n\n"
    return head + "func main() {\n" + main + "\n}\n" + "".join(dict.fromkeys(helpers))


LANGUAGE = Language(
    id="go",
    label="Go",
    lexer="go",
    filename="main.go",
    render=render,
    string=string,
    literal=literal,
    command=("go", "run", "{file}"),
    executables=("go",),
    uses="Go 1.19+ and net/http",
    how_to_run="Go 1.19+, standard library only: save the code as `main.go` and run `go run main.go`.",
    run="go run main.go",
    aliases=("go", "golang"),
    run_env=lambda cache: {
        "GOCACHE": str(cache / "go-build"),
        "GOPATH": str(cache / "go"),
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GO111MODULE": "on",
        "GOPROXY": "off",
    },
)
