"""A mock server built from the spec: quickstarts and snippets run against it.

    mock = MockApi.from_project(load_project(config))    # pure core: handle(...) -> MockResponse
    with serve_mock(mock, port=4010) as server:           # thin IO: ThreadingHTTPServer
        ...                                              # call server.url (or server.base_url)

What it does, from the spec alone:

- **Routes** every operation by path template and method, with or without the server
  URL's path (``/v1``). Literal segments beat parameters (``/messages/search`` before
  ``/messages/{message_id}``). Unknown path: 404; known path, other method: 405 with
  ``Allow``. HEAD is answered as GET.
- **Checks** each request: credentials for one of the security requirements (401),
  the Content-Type (415), parameters deserialized per style and explode and validated
  (400), the body required, parsed (400) and validated (422). Errors are
  ``{"error": ..., "problems": [...]}`` with every problem in the spec's terms
  (``query parameter 'limit': 500 is greater than the maximum of 100``,
  ``request body at $.to: ...``). When the credentials fail, only they are reported.
- **Answers** with the first documented 2xx response (``2XX`` as 200, else
  ``default`` as 200, else an empty 204): its status, its media type (the first one the
  ``Accept`` header allows), the spec's example or one generated from the schema, and
  documented response headers that have an example. Every body sent validates against
  the response schema.
- **Remembers** resources: a POST (or PUT) on a collection whose answer has an id
  (``id``, or the item path's parameter name) gets a fresh id shaped like the
  example's (``msg_`` + 24 characters) and the request's fields of the same names;
  GET, PUT, PATCH (fields merged) and DELETE on the item path then see it, and GET on
  the collection lists what was created. An id never created answers the example
  with that id put in, so examples and reference snippets keep working; an id
  deleted on this mock answers 404.
"""

from __future__ import annotations

from .app import MockApi, MockResponse
from .server import MockServer, serve_mock

__all__ = ["MockApi", "MockResponse", "MockServer", "serve_mock"]
