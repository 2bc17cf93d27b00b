"""The language tabs in a real browser: the reader's choice follows them across pages
and visits (Material's linked content tabs)."""

from __future__ import annotations

from browser import serve_directory


def _selected(page) -> str:
    return page.eval_on_selector(
        ".portal-snippets",
        "set => set.querySelector(`label[for='${set.querySelector('input:checked').id}']`).textContent",
    )


def test_the_chosen_language_follows_the_reader(built, chromium) -> None:
    site = built("nasty")
    with serve_directory(site) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{base}/reference/other-operations/create-item/")
        labels = page.eval_on_selector_all(".portal-snippets .tabbed-labels label", "ls => ls.map(l => l.textContent)")
        assert labels == ["curl", "Python", "JavaScript", "Go", "Java", "Ruby", "PHP"]
        assert _selected(page) == "curl"
        assert page.is_visible(".portal-snippets .language-bash")
        page.locator(".portal-snippets .tabbed-labels label").nth(labels.index("Go")).click()
        assert _selected(page) == "Go"
        assert page.is_visible(".portal-snippets .language-go") and not page.is_visible(
            ".portal-snippets .language-bash"
        )
        # Another operation page, then a fresh visit: Go stays chosen.
        page.goto(f"{base}/reference/other-operations/get-file/")
        page.wait_for_function("document.querySelector('.portal-snippets input:checked')")
        assert _selected(page) == "Go"
        page.reload()
        assert _selected(page) == "Go"
        assert page.is_visible(".portal-snippets .language-go")
        # On a wide screen the example (request and response) is a column beside the
        # reference.
        page.set_viewport_size({"width": 1600, "height": 900})
        intro = page.locator(".portal-operation__intro").bounding_box()
        example = page.locator(".portal-operation__example").bounding_box()
        assert intro and example and example["x"] >= intro["x"] + intro["width"]
        context.close()


def test_a_guide_speaks_the_language_chosen_in_the_reference(built, chromium) -> None:
    site = built("demo")
    with serve_directory(site) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{base}/reference/messages/send-message/")
        page.locator(".portal-snippets .tabbed-labels label", has_text="Ruby").first.click()
        page.goto(f"{base}/quickstarts/send-your-first-message/")
        page.wait_for_function("document.querySelector('.portal-snippets input:checked')")
        sets = page.eval_on_selector_all(
            ".portal-snippets",
            "sets => sets.map(s => s.querySelector(`label[for='${s.querySelector('input:checked').id}']`).textContent)",
        )
        assert sets == ["Ruby"] * len(sets) and len(sets) == 3  # how to run, then both calls
        assert page.is_visible("text=ruby main.rb")
        assert page.locator("#step-3 ~ .portal-snippets .language-ruby").first.is_visible()
        context.close()
