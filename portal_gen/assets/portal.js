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

  function ready() {
    nameDialogs();
    copyButtons();
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
