/* portal: filters of the case-study index. Without this script every study is listed.
   One choice per facet (industry, use case, stage); a study is shown when it matches
   every chosen facet. The choice is kept in the address (?stage=several-teams), so a
   filtered list can be shared. */
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

  function apply(updateAddress) {
    var shown = 0;
    cards.forEach(function (card) {
      var match = Object.keys(chosen).every(function (facet) {
        return !chosen[facet] || card.getAttribute("data-" + facet) === chosen[facet];
      });
      card.hidden = !match;
      if (match) shown += 1;
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String((chosen[b.dataset.facet] || "") === b.dataset.value));
    });
    var noun = cards.length === 1 ? "case study" : "case studies";
    status.textContent = shown === cards.length
      ? "Showing all " + cards.length + " " + noun + "."
      : "Showing " + shown + " of " + cards.length + " " + noun + ".";
    none.hidden = shown !== 0;
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
