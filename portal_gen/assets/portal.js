/* portal: behaviour shared by every page. Plain JavaScript, no dependencies, works
   offline; each part does nothing on a page without its markup. */
(function () {
  "use strict";

  // A dialog needs an accessible name (WCAG 4.1.2). Themes ship some without one
  // (Material's search is a role="dialog" with no label): name it after its input's
  // label or placeholder, else "Dialog". A dialog that has a name is left alone.
  function nameDialogs() {
    document.querySelectorAll('[role="dialog"]:not([aria-label]):not([aria-labelledby])').forEach(function (dialog) {
      var input = dialog.querySelector("input[aria-label], input[placeholder]");
      var name = input ? input.getAttribute("aria-label") || input.getAttribute("placeholder") : "";
      dialog.setAttribute("aria-label", name || "Dialog");
    });
  }

  // "Copy" beside a value the reader needs whole (an operation's full URL).
  function copyButtons() {
    document.querySelectorAll("button[data-portal-copy]").forEach(function (button) {
      if (button.dataset.portalReady) return;
      button.dataset.portalReady = "1";
      button.hidden = !(navigator.clipboard && window.isSecureContext);
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-portal-copy"));
        if (!target) return;
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          var label = button.getAttribute("aria-label");
          button.setAttribute("aria-label", "Copied");
          button.classList.add("portal-copy--done");
          setTimeout(function () {
            button.setAttribute("aria-label", label);
            button.classList.remove("portal-copy--done");
          }, 1500);
        });
      });
    });
  }

  // A code block that scrolls must be reachable by keyboard to be scrolled (WCAG
  // 2.1.1). The theme makes sideways-scrolling blocks focusable; the example column
  // caps their height too, so a tall response scrolls down: make those focusable too.
  function focusableScrollers() {
    // Blocks in a hidden tab measure nothing until shown: in the example column every
    // block is focusable; elsewhere, those that scroll.
    document.querySelectorAll(".md-typeset pre > code:not([tabindex])").forEach(function (code) {
      var capped = code.closest(".portal-operation__example");
      if (capped || code.scrollHeight > code.clientHeight + 1 || code.scrollWidth > code.clientWidth + 1) {
        code.setAttribute("tabindex", "0");
      }
    });
  }

  // "Copy page": the page's Markdown twin (the same page for a program or an AI
  // assistant) to the clipboard, and a menu to open it or the site's llms.txt. The
  // placeholder carries the addresses (portal writes it on every page with a twin).
  var menus = 0;
  function pageActions() {
    document.querySelectorAll(".portal-page-actions[data-portal-twin]").forEach(function (box) {
      if (box.dataset.portalReady) return;
      box.dataset.portalReady = "1";
      var twin = box.getAttribute("data-portal-twin");
      var llms = box.getAttribute("data-portal-llms");
      var id = "portal-page-menu-" + ++menus;
      var status = element("span", { class: "portal-page-actions__status", role: "status" });
      var copy = element("button", { type: "button", class: "portal-page-actions__copy" }, "Copy page");
      var more = element("button", {
        type: "button",
        class: "portal-page-actions__more",
        "aria-expanded": "false",
        "aria-controls": id,
        "aria-label": "More ways to read this page",
      });
      var menu = element("ul", { id: id, class: "portal-page-actions__menu", hidden: "" });
      var items = [[twin, "View as Markdown", "text/markdown"]];
      if (llms) items.push([llms, "llms.txt: this site for AI assistants", "text/plain"]);
      items.forEach(function (item) {
        var link = element("a", { href: item[0], type: item[2], class: "portal-plain-link" }, item[1]);
        var entry = element("li", {});
        entry.appendChild(link);
        menu.appendChild(entry);
      });
      copy.hidden = !(navigator.clipboard && window.isSecureContext);
      [copy, more, menu, status].forEach(function (part) {
        box.appendChild(part);
      });

      function show(open) {
        menu.hidden = !open;
        more.setAttribute("aria-expanded", open ? "true" : "false");
      }
      more.addEventListener("click", function () {
        show(menu.hidden);
        if (!menu.hidden) menu.querySelector("a").focus();
      });
      box.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && !menu.hidden) {
          show(false);
          more.focus();
        }
      });
      document.addEventListener("click", function (event) {
        if (!box.contains(event.target)) show(false);
      });
      copy.addEventListener("click", function () {
        status.textContent = "";
        copyText(twin).then(
          function () {
            status.textContent = "Copied";
            copy.classList.add("portal-copy--done");
            setTimeout(function () {
              status.textContent = "";
              copy.classList.remove("portal-copy--done");
            }, 2000);
          },
          function () {
            // Opened from the disk (file://) a page cannot read its twin: offer it instead.
            status.textContent = "Could not copy: open the Markdown from the menu";
            show(true);
          }
        );
      });
    });
  }

  function fetchText(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    });
  }

  // The clipboard is written while the click still counts as the reader's: with a
  // ClipboardItem the text may arrive after (the twin is fetched); else fetch first.
  function copyText(url) {
    if (window.ClipboardItem && navigator.clipboard.write) {
      var blob = fetchText(url).then(function (text) {
        return new Blob([text], { type: "text/plain" });
      });
      return navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]).catch(function () {
        return fetchText(url).then(function (text) {
          return navigator.clipboard.writeText(text);
        });
      });
    }
    return fetchText(url).then(function (text) {
      return navigator.clipboard.writeText(text);
    });
  }

  function element(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function ready() {
    nameDialogs();
    copyButtons();
    pageActions();
    focusableScrollers();
  }

  // Material's instant navigation swaps pages without a load event: follow it too.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
