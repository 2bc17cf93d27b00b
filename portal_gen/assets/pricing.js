/* portal's cost calculator: the same formula as portal_gen/model/pricing_math.py, in exact
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

  function tierUses(rate, billable) {
    // The tiers `billable` units reach: [{index, tier, units, exact}] (as pricing_math.tier_uses).
    var found = [];
    if (billable <= 0n) return found;
    var tiers = rate.tiers;
    for (var i = 0; i < tiers.length; i++) {
      var t = tiers[i];
      var start = BigInt(t.from);
      if (rate.mode === "volume") {
        if (billable > start && (t.to === null || billable <= BigInt(t.to))) {
          found.push({ index: i, tier: t, units: billable, exact: micro(t.unit_price) * billable + micro(t.flat_fee) });
          break;
        }
      } else {
        if (billable <= start) break;
        var top = t.to === null ? billable : (billable < BigInt(t.to) ? billable : BigInt(t.to));
        var units = top - start;
        found.push({ index: i, tier: t, units: units, exact: micro(t.unit_price) * units + micro(t.flat_fee) });
      }
    }
    return found;
  }

  /* One meter's line on a plan (as pricing_math.meter_line): charge in cents. */
  function meterLine(plan, meter, used) {
    var included = BigInt(plan.included[meter.id] || 0);
    var billable = used > included ? used - included : 0n;
    var rate = plan.rates[meter.id] || null;
    var line = { meter: meter, used: used, included: included, billable: billable, rate: rate, tiers: [], minimum: false, cents: 0n };
    if (rate === null || billable === 0n) return line;
    line.tiers = tierUses(rate, billable);
    var exact = 0n;
    line.tiers.forEach(function (use) { exact += use.exact; });
    var minimum = micro(rate.minimum);
    line.minimum = exact < minimum;
    line.cents = toCents(line.minimum ? minimum : exact, rate.rounding);
    return line;
  }

  /* A plan's cost in cents for the usage with its lines, or a reason it has none. */
  function quote(plan, meters, usage) {
    if (plan.price === null) return { reason: "contact" };
    var lines = [];
    var linesCents = 0n;
    for (var i = 0; i < meters.length; i++) {
      var id = meters[i].id;
      var used = usage[id];
      var limit = plan.limits[id];
      if (limit !== undefined && used > BigInt(limit)) return { reason: "limit", meter: meters[i] };
      if (!plan.rates[id] && used > BigInt(plan.included[id] || 0)) return { reason: "limit", meter: meters[i] };
      var line = meterLine(plan, meters[i], used);
      lines.push(line);
      linesCents += line.cents;
    }
    return { cents: toCents(micro(plan.price) + linesCents * 10000n), lines: lines };
  }

  function grouped(value) {
    return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function format(cents, currency) {
    var sign = cents < 0n ? "-" : "";
    if (cents < 0n) cents = -cents;
    var part = (cents % 100n).toString().padStart(2, "0");
    return sign + symbolOf(currency) + grouped(cents / 100n) + "." + part;
  }

  function symbolOf(currency) {
    return SYMBOLS[currency] || currency + " ";
  }

  /* A unit price as format_money(exact=True) writes it: all its decimals ($0.0079),
   * or cents when it has no more ($1.15). */
  function formatExact(text, currency) {
    var amount = micro(text);
    if (amount % 10000n === 0n) return format(amount / 10000n, currency);
    var fraction = (amount % MICRO).toString().padStart(6, "0").replace(/0+$/, "");
    return symbolOf(currency) + (amount / MICRO).toString() + "." + fraction;
  }

  /* "1 phone number", "20,000 message segments" (as pricing.count_of). */
  function countOf(count, meter) {
    return grouped(count) + " " + (count === 1n ? meter.unit : meter.unit_plural);
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* The breakdown table, the same as the page's template writes it. */
  function breakdownTable(data, plan, result) {
    var currency = data.currency;
    var rows = [
      el("tr", {}, [
        el("th", { scope: "row" }, ["Platform fee"]),
        el("td", { colspan: "4" }, ["a " + data.period]),
        el("td", { "data-cell": "cost" }, [format(micro(plan.price) / 10000n, currency)])
      ])
    ];
    result.lines.forEach(function (line) {
      var rate = [];
      if (line.rate === null) {
        rate.push("included");
      } else if (line.tiers.length === 0) {
        rate.push(formatExact(line.rate.tiers[0].unit_price, currency) + " each");
      } else {
        var tiered = line.rate.tiers.length > 1;
        line.tiers.forEach(function (use) {
          var text = grouped(use.units) + " \u00d7 " + formatExact(use.tier.unit_price, currency);
          if (micro(use.tier.flat_fee) !== 0n) text += " + " + format(toCents(micro(use.tier.flat_fee)), currency);
          if (tiered) text = "tier " + (use.index + 1) + ": " + text;
          rate.push(text);
        });
        if (line.minimum) rate.push("minimum " + format(toCents(micro(line.rate.minimum)), currency));
      }
      rows.push(el("tr", { "data-meter": line.meter.id }, [
        el("th", { scope: "row" }, [line.meter.name]),
        el("td", { "data-cell": "used" }, [countOf(line.used, line.meter)]),
        el("td", { "data-cell": "included" }, [grouped(line.included)]),
        el("td", { "data-cell": "billable" }, [grouped(line.billable)]),
        el("td", { "data-cell": "rate" }, rate.map(function (text) { return el("span", { "class": "portal-breakdown__tier" }, [text]); })),
        el("td", { "data-cell": "cost" }, [format(line.cents, currency)])
      ]));
    });
    var header = ["Meter", "Used", "Included", "Billable", "Rate", "Cost"].map(function (text) {
      return el("th", { scope: "col" }, [text]);
    });
    return el("table", { "class": "portal-breakdown__table", "data-breakdown-plan-id": plan.id }, [
      el("caption", {}, [plan.name + ": " + format(result.cents, currency) + " a " + data.period]),
      el("thead", {}, [el("tr", {}, header)]),
      el("tbody", {}, rows),
      el("tfoot", {}, [el("tr", {}, [
        el("th", { scope: "row" }, ["Total"]),
        el("td", { colspan: "4" }, []),
        el("td", { "data-cell": "total" }, [format(result.cents, currency)])
      ])])
    ]);
  }

  /* What is wrong with a usage field's text, or "" (blank counts as 0). */
  function problemOf(text) {
    if (/^\d*$/.test(text)) return "";
    if (/^-\d+$/.test(text)) return "Usage cannot be negative: enter 0 or more.";
    if (/^\d*[.]\d+$/.test(text)) return "Enter a whole number of units.";
    return "Enter a number, like 20000.";
  }

  function setup(form) {
    var data = JSON.parse(document.getElementById(form.getAttribute("data-pricing")).textContent);
    var inputs = form.querySelectorAll("input[data-meter]");
    var status = form.querySelector("[data-cheapest]");
    var breakdown = form.querySelector("[data-breakdown]");
    var chooser = form.querySelector("[data-breakdown-plan]");

    function showBreakdown(node) {
      while (breakdown.firstChild) breakdown.removeChild(breakdown.firstChild);
      breakdown.appendChild(node);
    }

    function update() {
      var usage = {};
      var valid = true;
      inputs.forEach(function (input) {
        var meter = input.getAttribute("data-meter");
        var text = input.value.replace(/[\s,_]/g, "");
        var problem = problemOf(text);
        input.setAttribute("aria-invalid", problem ? "true" : "false");
        form.querySelector('[data-error-for="' + meter + '"]').textContent = problem;
        valid = valid && !problem;
        usage[meter] = !problem && text ? BigInt(text) : 0n;
      });
      var best = null;
      var results = {};
      data.plans.forEach(function (plan) {
        var cell = form.querySelector('[data-plan-total="' + plan.id + '"]');
        var row = cell.closest("tr");
        row.classList.remove("portal-calculator__cheapest");
        if (!valid) {
          // No total from a usage nobody meant: the old ones would mislead.
          cell.textContent = "\u2014";
          return;
        }
        var result = quote(plan, data.meters, usage);
        results[plan.id] = result;
        if (result.cents !== undefined) {
          cell.textContent = format(result.cents, data.currency);
          if (best === null || result.cents < best.cents) best = { plan: plan, cents: result.cents, row: row };
        } else if (result.reason === "contact") {
          cell.textContent = plan.contact ? plan.contact.label : "Contact sales";
        } else {
          cell.textContent = "Over its " + result.meter.name.toLowerCase() + " limit";
        }
      });
      if (!valid) {
        status.textContent = "Fix the usage above to see what each plan costs.";
        showBreakdown(el("p", {}, ["No breakdown until the usage above is fixed."]));
        return;
      }
      if (best) {
        best.row.classList.add("portal-calculator__cheapest");
        status.textContent = "Cheapest: " + best.plan.name + " at " + format(best.cents, data.currency) + " a " + data.period + ".";
      } else {
        status.textContent = "No self-serve plan covers this usage: talk to sales.";
      }
      var chosen = chooser && chooser.value ? data.plans.filter(function (p) { return p.id === chooser.value; })[0] : (best && best.plan);
      if (!chosen) {
        showBreakdown(el("p", {}, ["No self-serve plan covers this usage."]));
      } else if (results[chosen.id].cents === undefined) {
        showBreakdown(el("p", {}, [chosen.name + " cannot serve this usage: it is over its " + results[chosen.id].meter.name.toLowerCase() + " limit."]));
      } else {
        showBreakdown(breakdownTable(data, chosen, results[chosen.id]));
      }
    }

    inputs.forEach(function (input) { input.addEventListener("input", update); });
    if (chooser) chooser.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    update();
  }

  function init() {
    document.querySelectorAll("form[data-pricing]").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
