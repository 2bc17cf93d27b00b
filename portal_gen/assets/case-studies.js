/* portal: filters of the case-study index. Without this script every study is listed.
   One choice per facet (industry, use case, stage); a study is shown when it matches
   every chosen facet. Each chip counts the studies that pressing it would show, given
   the choices in the other facets (faceted search); a chip that would show none is
   marked aria-disabled and does nothing, yet stays in the tab order so it is announced.
   The result count is announced (role="status"). The choice is kept in the address
   (?stage=several-teams), so a filtered list can be shared. */
(function () {
  "use strict";
  var root = document.querySelector("[data-portal-filters]");
  if (!root) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll(".portal-study-card"));
  var buttons = Array.prototype.slice.call(root.querySelectorAll("button[data-facet]"));
  var status = root.querySelector("[data-portal-status]");
  var none = document.querySelector("[data-portal-none]");
  var clear = document.querySelector("[data-portal-clear]");
  var chosen = {};

  function known(facet, value) {
    return buttons.some(function (b) { return b.dataset.facet === facet && b.dataset.value === value; });
  }

  // How many cards match `choice` (facet -> value, "" for any).
  function matching(choice) {
    return cards.filter(function (card) {
      return Object.keys(choice).every(function (facet) {
        return !choice[facet] || card.getAttribute("data-" + facet) === choice[facet];
      });
    });
  }

  function apply(updateAddress) {
    var shown = matching(chosen);
    cards.forEach(function (card) { card.hidden = shown.indexOf(card) < 0; });
    buttons.forEach(function (b) {
      var facet = b.dataset.facet;
      var pressed = (chosen[facet] || "") === b.dataset.value;
      var choice = Object.assign({}, chosen);
      choice[facet] = b.dataset.value;
      var count = matching(choice).length;
      b.setAttribute("aria-pressed", String(pressed));
      b.querySelector("[data-portal-count]").textContent = String(count);
      if (count === 0 && !pressed) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    });
    var noun = cards.length === 1 ? "case study" : "case studies";
    status.textContent = shown.length === cards.length
      ? "Showing all " + cards.length + " " + noun + "."
      : "Showing " + shown.length + " of " + cards.length + " " + noun + ".";
    none.hidden = shown.length !== 0;
    if (updateAddress && window.history && window.history.replaceState) {
      var params = new URLSearchParams(window.location.search);
      Object.keys(chosen).forEach(function (facet) {
        if (chosen[facet]) params.set(facet, chosen[facet]); else params.delete(facet);
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled") === "true") return;
      chosen[button.dataset.facet] = button.dataset.value;
      apply(true);
    });
  });
  if (clear) {
    clear.addEventListener("click", function () {
      chosen = {};
      apply(true);
    });
  }
  var params = new URLSearchParams(window.location.search);
  buttons.forEach(function (b) {
    var value = params.get(b.dataset.facet);
    if (value && known(b.dataset.facet, value)) chosen[b.dataset.facet] = value;
  });
  root.hidden = false;
  apply(false);
})();
