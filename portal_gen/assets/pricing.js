/* portal's cost calculator: the same formula as portal_gen/pricing/math.py, in exact
 * integer arithmetic (BigInt, amounts in millionths), so it agrees with the Python
 * reference to the cent for any usage. Plain static JavaScript: no CDN, works offline. */
(function () {
  "use strict";

  var MICRO = 1000000n; // amounts are kept in millionths of the currency
  var SYMBOLS = { USD: "$", EUR: "\u20ac", GBP: "\u00a3", JPY: "\u00a5", CAD: "CA$", AUD: "A$" };

  function micro(text) {
    // "0.0079" -> 7900n; at most 6 decimals (the build refuses more).
    var negative = text.charAt(0) === "-";
    if (negative) text = text.slice(1);
    var parts = text.split(".");
    var fraction = ((parts[1] || "") + "000000").slice(0, 6);
    var value = BigInt(parts[0] || "0") * MICRO + BigInt(fraction);
    return negative ? -value : value;
  }

  function toCents(amountMicro, rounding) {
    // to the cent: half up by default, or up (amounts are never negative here)
    return (amountMicro + (rounding === "up" ? 9999n : 5000n)) / 10000n;
  }

  function meterCharge(rate, billable) {
    if (billable <= 0n) return 0n;
    var exact = 0n;
    var tiers = rate.tiers;
    if (rate.mode === "volume") {
      for (var i = 0; i < tiers.length; i++) {
        var t = tiers[i];
        if (billable > BigInt(t.from) && (t.to === null || billable <= BigInt(t.to))) {
          exact = micro(t.unit_price) * billable + micro(t.flat_fee);
          break;
        }
      }
    } else {
      for (var j = 0; j < tiers.length; j++) {
        var tier = tiers[j];
        var start = BigInt(tier.from);
        if (billable <= start) break;
        var top = tier.to === null ? billable : (billable < BigInt(tier.to) ? billable : BigInt(tier.to));
        exact += micro(tier.unit_price) * (top - start) + micro(tier.flat_fee);
      }
    }
    var minimum = micro(rate.minimum);
    return toCents(exact > minimum ? exact : minimum, rate.rounding);
  }

  /* A plan's cost in cents for the usage, or a reason it has none. */
  function quote(plan, meters, usage) {
    if (plan.price === null) return { reason: "contact" };
    var linesCents = 0n;
    for (var i = 0; i < meters.length; i++) {
      var id = meters[i].id;
      var used = usage[id];
      var limit = plan.limits[id];
      if (limit !== undefined && used > BigInt(limit)) return { reason: "limit", meter: meters[i] };
      var billable = used - BigInt(plan.included[id] || 0);
      var rate = plan.rates[id];
      if (!rate) {
        if (billable > 0n) return { reason: "limit", meter: meters[i] };
        continue;
      }
      linesCents += meterCharge(rate, billable);
    }
    return { cents: toCents(micro(plan.price) + linesCents * 10000n) };
  }

  function format(cents, currency) {
    var sign = cents < 0n ? "-" : "";
    if (cents < 0n) cents = -cents;
    var whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var part = (cents % 100n).toString().padStart(2, "0");
    var symbol = SYMBOLS[currency] || currency + " ";
    return sign + symbol + whole + "." + part;
  }

  function setup(form) {
    var data = JSON.parse(document.getElementById(form.getAttribute("data-pricing")).textContent);
    var inputs = form.querySelectorAll("input[data-meter]");
    var status = form.querySelector("[data-cheapest]");

    function update() {
      var usage = {};
      var valid = true;
      inputs.forEach(function (input) {
        var text = input.value.replace(/[\s,_]/g, "");
        var ok = /^\d*$/.test(text);
        input.setAttribute("aria-invalid", ok ? "false" : "true");
        valid = valid && ok;
        usage[input.getAttribute("data-meter")] = ok && text ? BigInt(text) : 0n;
      });
      if (!valid) {
        status.textContent = "Enter whole numbers of units.";
        return;
      }
      var best = null;
      data.plans.forEach(function (plan) {
        var cell = form.querySelector('[data-plan-total="' + plan.id + '"]');
        var row = cell.closest("tr");
        var result = quote(plan, data.meters, usage);
        row.classList.remove("portal-calculator__cheapest");
        if (result.cents !== undefined) {
          cell.textContent = format(result.cents, data.currency);
          if (best === null || result.cents < best.cents) best = { plan: plan, cents: result.cents, row: row };
        } else if (result.reason === "contact") {
          cell.textContent = plan.contact ? plan.contact.label : "Contact sales";
        } else {
          cell.textContent = "Over its " + result.meter.name.toLowerCase() + " limit";
        }
      });
      if (best) {
        best.row.classList.add("portal-calculator__cheapest");
        status.textContent = "Cheapest: " + best.plan.name + " at " + format(best.cents, data.currency) + " a " + data.period + ".";
      } else {
        status.textContent = "No self-serve plan covers this usage: talk to sales.";
      }
    }

    inputs.forEach(function (input) { input.addEventListener("input", update); });
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    update();
  }

  function init() {
    document.querySelectorAll("form[data-pricing]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
