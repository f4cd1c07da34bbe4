// The interactive trend chart: progressive enhancement of the server-drawn image.
// An element with data-chart-data (the URL of /charts/<slug>/data.json) holds the
// <picture>; once its data has loaded, the picture is hidden and an inline SVG drawn
// from the same numbers takes its place. Without this file (or if the data fails to
// load) the image stays. No inline styles or scripts: CSP-compatible (style-src 'self';
// positions are set through the CSSOM, colours come from style.css classes).
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAY_MS = 86400000;
  var MAX_DRAWN = 6;  // render/layout.py _MAX_DRAWN
  var counter = 0;

  function dayNumber(iso) { return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS; }
  function isoOf(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function dateWords(iso) { var d = new Date(dayNumber(iso) * DAY_MS); return MONTHS[d.getUTCMonth()] + " " + d.getUTCDate() + ", " + d.getUTCFullYear(); }
  // A dot's area grows with the poll's weight in the current average, as on the image
  // (render.plot._marker_areas): radius 1.5 to 4.5 px, all 2.6 px when the weights are equal.
  function dotRadius(polls, name) {
    var top = 0, low = Infinity;
    polls.forEach(function (p) {
      if (p.results[name] === undefined) { return; }
      var w = (p.weights || {})[name] || 0;
      if (w > top) { top = w; }
      if (w < low) { low = w; }
    });
    return function (p) {
      var w = (p.weights || {})[name] || 0;
      return top > 0 && low < top ? Math.sqrt(2.25 + (20.25 - 2.25) * w / top) : 2.6;
    };
  }
  function fieldDates(poll) { return poll.start === poll.end ? dateWords(poll.end) : dateWords(poll.start) + " – " + dateWords(poll.end); }
  function pct(v) { return v.toFixed(1); }
  function signed(v) { return (v > 0 ? "+" : v < 0 ? "−" : "") + Math.abs(v).toFixed(1); }

  function el(name, attrs, parent, ns) {
    var node = ns ? document.createElementNS(SVG, name) : document.createElement(name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function svgEl(name, attrs, parent) { return el(name, attrs, parent, true); }

  function seriesClass(choice) {
    return "series choice-" + (choice.index % 8) + (choice.party ? " party-" + choice.party : "");
  }

  // --- scales: the visible choices' lines, bands and poll results, y ticks every 5 or 10
  function extent(data, shown) {
    var days = [], ys = [];
    data.choices.forEach(function (c) {
      if (!shown[c.name]) { return; }
      c.line.forEach(function (d) {
        days.push(dayNumber(d[0]));
        [d[1], d[2], d[3]].forEach(function (v) { if (v !== null) { ys.push(v); } });
      });
    });
    data.polls.forEach(function (p) {
      Object.keys(p.results).forEach(function (name) {
        if (shown[name]) { ys.push(p.results[name]); days.push(dayNumber(p.mid)); }
      });
    });
    if (!days.length) { return null; }
    var x0 = Math.min.apply(null, days), x1 = Math.max.apply(null, days);
    // Election Day, as on the image: reached when it is at most 45 days, or a third of the
    // chart's span, after the data (render/layout.py _reachable); with the results on it.
    var election = data.election_day ? dayNumber(data.election_day) : null;
    if (election !== null && election - x1 > Math.max(45, 0.35 * (x1 - x0))) { election = null; }
    if (election !== null) {
      x0 = Math.min(x0, election); x1 = Math.max(x1, election);
      data.choices.forEach(function (c) { if (shown[c.name] && c.result !== null && c.result !== undefined) { ys.push(c.result); } });
    }
    if (x1 - x0 < 7) { x0 = x1 - 7; }
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var step = y1 - y0 > 40 ? 10 : 5;
    y0 = Math.max(0, Math.floor((y0 - 1) / step) * step);
    y1 = Math.min(100, Math.ceil((y1 + 1) / step) * step);
    return { x0: x0, x1: x1, y0: y0, y1: y1, step: step, election: election };
  }

  function dateTicks(x0, x1, width) {
    var ticks = [], span = x1 - x0, most = Math.max(2, Math.floor(width / 80));
    var first = new Date(x0 * DAY_MS), months = [1, 2, 3, 6, 12, 24, 48];
    if (span > 45) {
      var every = months.filter(function (m) { return span / (30.4 * m) <= most; })[0] || 48;
      var d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
      while (d.getTime() / DAY_MS <= x1) {
        if ((d.getUTCFullYear() * 12 + d.getUTCMonth()) % every === 0) { ticks.push(d.getTime() / DAY_MS); }
        d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
      }
    } else {
      var stepDays = Math.max(1, Math.ceil(span / most));
      for (var t = Math.ceil(x0); t <= x1; t += stepDays) { ticks.push(t); }
    }
    return ticks.map(function (t, i) {
      var day = new Date(t * DAY_MS), before = i ? new Date(ticks[i - 1] * DAY_MS) : null;
      var month = MONTHS[day.getUTCMonth()];
      var label = span > 45 ? month : (before && before.getUTCMonth() === day.getUTCMonth() ? String(day.getUTCDate()) : month + " " + day.getUTCDate());
      if (!before || before.getUTCFullYear() !== day.getUTCFullYear()) { label += " " + day.getUTCFullYear(); }
      return { day: t, label: label };
    });
  }

  function linePath(points) {
    var d = "", pen = false;
    points.forEach(function (p) {
      if (p === null) { pen = false; return; }
      d += (pen ? "L" : "M") + p[0].toFixed(1) + "," + p[1].toFixed(1);
      pen = true;
    });
    return d;
  }

  function Chart(holder, data) {
    this.holder = holder;
    this.data = data;
    this.shown = {};
    this.dayIndex = null;
    this.pollIndex = null;
    var self = this;
    data.choices.forEach(function (c) { self.shown[c.name] = c.line.length > 0; });
    // As on the image: past MAX_DRAWN choices, the MAX_DRAWN - 1 with the highest latest
    // estimates are drawn; the others start switched off in the legend.
    var latest = function (c) { for (var i = c.line.length - 1; i >= 0; i--) { if (c.line[i][1] !== null) { return c.line[i][1]; } } return -Infinity; };
    if (data.choices.length > MAX_DRAWN) {
      data.choices.slice().sort(function (a, b) { return latest(b) - latest(a); }).slice(MAX_DRAWN - 1)
        .forEach(function (c) { self.shown[c.name] = false; });
    }
    this.days = [];
    var seen = {};
    data.choices.forEach(function (c) { c.line.forEach(function (d) { if (!seen[d[0]]) { seen[d[0]] = true; self.days.push(d[0]); } }); });
    this.days.sort();
    this.byDay = data.choices.map(function (c) { var m = {}; c.line.forEach(function (d) { m[d[0]] = d; }); return m; });
    this.marginByDay = {};
    if (data.margin) { data.margin.line.forEach(function (d) { self.marginByDay[d[0]] = d; }); }
    this.build();
  }

  Chart.prototype.build = function () {
    var self = this, id = "ichart-" + (++counter);
    this.root = el("div", { "class": "ichart" });
    this.legend = el("div", { "class": "ichart-legend", role: "group", "aria-label": "Choices shown" }, this.root);
    this.data.choices.forEach(function (c) {
      var button = el("button", { type: "button", "class": seriesClass(c), "aria-pressed": String(self.shown[c.name]) }, self.legend);
      el("span", { "class": "swatch", "aria-hidden": "true" }, button);
      button.appendChild(document.createTextNode(c.name));
      if (!c.line.length) { button.disabled = true; }
      button.addEventListener("click", function () { self.toggle(c.name, button); });
    });
    this.plot = el("div", { "class": "ichart-plot" }, this.root);
    this.svg = svgEl("svg", { "class": "ichart-svg", tabindex: "0", role: "img",
      "aria-roledescription": "interactive chart",
      "aria-label": this.description() + " Use the arrow keys to move day by day, Page Up and Page Down poll by poll.",
      "aria-describedby": id }, this.plot);
    this.tooltip = el("div", { "class": "ichart-tooltip", role: "tooltip", id: id }, this.plot);
    this.tooltip.hidden = true;
    this.bind();
    var picture = this.holder.querySelector("picture");
    if (picture) { picture.hidden = true; }
    this.holder.insertBefore(this.root, picture ? picture.nextSibling : null);
    this.holder.classList.add("is-interactive");
    this.draw();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { self.draw(); }, 100);
    });
  };

  // The image's text alternative (what it shows and its latest values), kept for the SVG.
  Chart.prototype.description = function () {
    var image = this.holder.querySelector("picture img");
    return image && image.alt ? image.alt : this.data.title + ": trend chart.";
  };

  Chart.prototype.toggle = function (name, button) {
    var others = Object.keys(this.shown).filter(function (n) { return n !== name && this.shown[n]; }, this);
    if (this.shown[name] && !others.length) { return; }  // keep at least one choice drawn
    this.shown[name] = !this.shown[name];
    button.setAttribute("aria-pressed", String(this.shown[name]));
    this.draw();
  };

  Chart.prototype.draw = function () {
    var svg = this.svg, data = this.data, self = this;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var width = Math.max(280, Math.round(this.plot.clientWidth || 800));
    var height = Math.round(width < 600 ? width * 0.8 : width * 0.5);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    var box = { left: 44, right: width - 12, top: 10, bottom: height - 40 };
    var range = extent(data, this.shown);
    if (!range) { return; }
    var sx = function (day) { return box.left + (day - range.x0) / (range.x1 - range.x0) * (box.right - box.left); };
    var sy = function (v) { return box.bottom - (v - range.y0) / (range.y1 - range.y0) * (box.bottom - box.top); };
    this.scale = { box: box, range: range, sx: sx, sy: sy };

    var axes = svgEl("g", { "class": "axes", "aria-hidden": "true" }, svg);
    for (var y = range.y0; y <= range.y1; y += range.step) {
      svgEl("line", { x1: box.left, x2: box.right, y1: sy(y), y2: sy(y), "class": "grid" }, axes);
      svgEl("text", { x: box.left - 6, y: sy(y) + 4, "class": "tick y" }, axes).textContent = y + "%";
    }
    svgEl("line", { x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom, "class": "axis" }, axes);
    dateTicks(range.x0, range.x1, box.right - box.left).forEach(function (t) {
      svgEl("line", { x1: sx(t.day), x2: sx(t.day), y1: box.bottom, y2: box.bottom + 5, "class": "axis" }, axes);
      svgEl("text", { x: sx(t.day), y: box.bottom + 20, "class": "tick x" }, axes).textContent = t.label;
    });

    var dots = svgEl("g", { "class": "dots", "aria-hidden": "true" }, svg);
    this.dots = [];
    data.choices.forEach(function (c) {
      if (!self.shown[c.name]) { return; }
      var group = svgEl("g", { "class": seriesClass(c) }, dots);
      var radius = dotRadius(data.polls, c.name);
      data.polls.forEach(function (p, i) {
        if (p.results[c.name] === undefined) { return; }
        var cx = sx(dayNumber(p.mid)), cy = sy(p.results[c.name]);
        svgEl("circle", { cx: cx.toFixed(1), cy: cy.toFixed(1), r: radius(p).toFixed(2), "class": "dot" }, group);
        self.dots.push({ x: cx, y: cy, poll: i });
      });
    });
    var lines = svgEl("g", { "class": "lines", "aria-hidden": "true" }, svg);
    data.choices.forEach(function (c) {
      if (!self.shown[c.name]) { return; }
      var group = svgEl("g", { "class": seriesClass(c), "data-choice": c.name }, lines);
      var upper = [], lower = [];
      c.line.forEach(function (d) {
        if (d[2] !== null && d[3] !== null) { upper.push([sx(dayNumber(d[0])), sy(d[3])]); lower.unshift([sx(dayNumber(d[0])), sy(d[2])]); }
      });
      if (upper.length) { svgEl("path", { d: linePath(upper.concat(lower)) + "Z", "class": "band" }, group); }
      svgEl("path", { d: linePath(c.line.map(function (d) { return d[1] === null ? null : [sx(dayNumber(d[0])), sy(d[1])]; })), "class": "line" }, group);
      // A day with no finite neighbour draws no segment: a dot with its interval, as on the image.
      c.line.forEach(function (d, i) {
        var alone = d[1] !== null && !(i > 0 && c.line[i - 1][1] !== null) && !(i + 1 < c.line.length && c.line[i + 1][1] !== null);
        if (!alone) { return; }
        var x = sx(dayNumber(d[0]));
        if (d[2] !== null && d[3] !== null) { svgEl("line", { x1: x, x2: x, y1: sy(d[2]), y2: sy(d[3]), "class": "line" }, group); }
        svgEl("circle", { cx: x, cy: sy(d[1]), r: 4, "class": "lone" }, group);
      });
    });
    this.drawMarks(svg);
    this.marker = svgEl("g", { "class": "marker", "aria-hidden": "true" }, svg);
    if (this.dayIndex !== null) { this.show(this.dayIndex, this.pollIndex); }
  };

  // --- marks: events (dotted, labels up the line; close ones share a label) and Election
  // Day (dashed) with each shown choice's result as a diamond, as on the image
  Chart.prototype.drawMarks = function (svg) {
    var s = this.scale, data = this.data, self = this, range = s.range;
    var marks = svgEl("g", { "class": "marks" }, svg);
    var label = function (x, text, cls) {
      var node = svgEl("text", { x: 0, y: 0, "class": "mark-label" + (cls ? " " + cls : ""),
        transform: "translate(" + (x - 4).toFixed(1) + "," + (s.box.top + 2) + ") rotate(-90)" }, marks);
      node.textContent = text;
      return node;
    };
    var groups = [];
    (data.events || []).forEach(function (e) {
      var day = dayNumber(e.date);
      if (day < range.x0 || day > range.x1) { return; }
      var x = s.sx(day);
      svgEl("line", { x1: x, x2: x, y1: s.box.top, y2: s.box.bottom, "class": "event" }, marks);
      var last = groups[groups.length - 1];
      if (last && x - last.x < 14) { last.x = x; last.texts.push(e.label); } else { groups.push({ x: x, texts: [e.label] }); }
    });
    groups.forEach(function (g) { label(g.x, g.texts.join(" · ")); });
    if (range.election === null) { return; }
    var ex = s.sx(range.election), results = data.choices.filter(function (c) {
      return self.shown[c.name] && c.result !== null && c.result !== undefined;
    });
    svgEl("line", { x1: ex, x2: ex, y1: s.box.top, y2: s.box.bottom, "class": "election" }, marks);
    var dayLabel = label(ex, "Election Day" + (results.length ? " ◆ result" : ""), "election");
    // As on the image (render.plot._clear_of): down from the top if the diamonds leave room
    // there, else up from the bottom, else centred in the widest gap between them.
    var needed = (dayLabel.getComputedTextLength ? dayLabel.getComputedTextLength() : 110) + 14;
    var ys = results.map(function (c) { return s.sy(c.result); }).sort(function (p, q) { return p - q; });
    var place = function (y, cls) {
      dayLabel.setAttribute("transform", "translate(" + (ex - 4).toFixed(1) + "," + y.toFixed(1) + ") rotate(-90)");
      dayLabel.setAttribute("class", "mark-label election " + cls);
    };
    if (ys.length && ys[0] - s.box.top < needed) {
      if (s.box.bottom - ys[ys.length - 1] >= needed) {
        place(s.box.bottom - 2, "from-bottom");
      } else {
        var edges = [s.box.top].concat(ys, [s.box.bottom]), best = 0;
        for (var i = 1; i < edges.length - 1; i++) { if (edges[i + 1] - edges[i] > edges[best + 1] - edges[best]) { best = i; } }
        place((edges[best] + edges[best + 1]) / 2, "centred");
      }
    }
    results.forEach(function (c) {
      var y = s.sy(c.result), r = 5.5;
      var diamond = svgEl("path", { d: "M" + ex + "," + (y - r) + "L" + (ex + r) + "," + y + "L" + ex + "," + (y + r) + "L" + (ex - r) + "," + y + "Z",
        "class": seriesClass(c) + " result" }, marks);
      svgEl("title", {}, diamond).textContent = c.name + ": result " + pct(c.result) + "%";
    });
  };

  // --- the tooltip: the day's estimates and intervals, the margin, the nearest poll
  Chart.prototype.show = function (dayIndex, pollIndex) {
    var self = this, data = this.data, s = this.scale;
    if (!s || !this.days.length) { return; }
    this.dayIndex = Math.max(0, Math.min(this.days.length - 1, dayIndex));
    this.pollIndex = pollIndex;
    var iso = this.days[this.dayIndex], x = s.sx(dayNumber(iso));
    var marker = this.marker;
    while (marker.firstChild) { marker.removeChild(marker.firstChild); }
    svgEl("line", { x1: x, x2: x, y1: s.box.top, y2: s.box.bottom, "class": "rule" }, marker);
    var tip = this.tooltip;
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    el("p", { "class": "ichart-date" }, tip).textContent = dateWords(iso);
    var list = el("ul", {}, tip);
    data.choices.forEach(function (c, i) {
      var day = self.byDay[i][iso];
      if (!self.shown[c.name] || !day || day[1] === null) { return; }
      svgEl("circle", { cx: x, cy: s.sy(day[1]), r: 4, "class": seriesClass(c) + " point" }, marker);
      var item = el("li", { "class": seriesClass(c), "data-choice": c.name }, list);
      el("span", { "class": "swatch", "aria-hidden": "true" }, item);
      item.appendChild(document.createTextNode(c.name + ": " + pct(day[1]) + "% "));
      if (day[2] !== null && day[3] !== null) {
        el("span", { "class": "interval" }, item).textContent = "(95% interval " + pct(day[2]) + "–" + pct(day[3]) + ")";
      }
    });
    var margin = this.marginByDay[iso];
    if (margin && margin[1] !== null) {
      var m = data.margin, lead = margin[1] >= 0 ? m.a : m.b;
      var words = m.net ? "Net " + signed(margin[1]) : "Margin: " + lead + " +" + Math.abs(margin[1]).toFixed(1);
      el("p", { "class": "ichart-margin" }, tip).textContent = words +
        (margin[2] !== null ? " (95% interval " + signed(margin[2]) + " to " + signed(margin[3]) + ")" : "");
    }
    if (pollIndex !== null && pollIndex !== undefined) {
      var poll = data.polls[pollIndex];
      data.choices.forEach(function (c) {
        if (self.shown[c.name] && poll.results[c.name] !== undefined) {
          svgEl("circle", { cx: s.sx(dayNumber(poll.mid)), cy: s.sy(poll.results[c.name]), r: 5, "class": seriesClass(c) + " ring" }, marker);
        }
      });
      var box = el("div", { "class": "ichart-poll" }, tip);
      el("p", {}, box).textContent = "Poll: " + poll.pollster + ", " + fieldDates(poll);
      el("p", { "class": "ichart-results" }, box).textContent = data.choices.filter(function (c) { return poll.results[c.name] !== undefined; })
        .map(function (c) { return c.name + " " + pct(poll.results[c.name]) + "%"; }).join(", ");
      el("a", { href: poll.url }, box).textContent = "Poll details";
    }
    tip.hidden = false;
    var width = this.plot.clientWidth, tipWidth = tip.offsetWidth;
    var left = x + 14 + tipWidth > width ? Math.max(0, x - 14 - tipWidth) : x + 14;
    tip.style.left = left + "px";
    tip.style.top = "8px";
  };

  Chart.prototype.hide = function () {
    this.tooltip.hidden = true;
    this.dayIndex = null;
    while (this.marker && this.marker.firstChild) { this.marker.removeChild(this.marker.firstChild); }
  };

  Chart.prototype.nearestDay = function (x) {
    var s = this.scale, day = s.range.x0 + (x - s.box.left) / (s.box.right - s.box.left) * (s.range.x1 - s.range.x0);
    var target = isoOf(Math.round(day)), best = 0;
    this.days.forEach(function (d, i) { if (d <= target) { best = i; } });
    return best;
  };

  Chart.prototype.nearestPoll = function (x, y) {
    var best = null, bestDistance = Infinity;
    this.dots.forEach(function (dot) {
      var distance = (dot.x - x) * (dot.x - x) + (dot.y - y) * (dot.y - y);
      if (distance < bestDistance) { bestDistance = distance; best = dot.poll; }
    });
    return best;
  };

  Chart.prototype.pollNearDay = function (dayIndex, direction) {
    var iso = this.days[dayIndex], polls = this.data.polls, shown = this.shown;
    var visible = function (p) { return Object.keys(p.results).some(function (n) { return shown[n]; }); };
    var current = this.pollIndex, i;
    if (current === null || current === undefined) {
      for (i = 0; i < polls.length && polls[i].end <= iso; i++) { /* the last poll ended by the day */ }
      current = direction > 0 ? i - 1 : i;
    }
    for (i = current + direction; i >= 0 && i < polls.length; i += direction) { if (visible(polls[i])) { return i; } }
    return null;
  };

  Chart.prototype.bind = function () {
    var self = this, svg = this.svg;
    function fromPointer(event) {
      if (!self.scale) { return; }
      var rect = svg.getBoundingClientRect(), ratio = svg.viewBox.baseVal.width / (rect.width || 1);
      var x = (event.clientX - rect.left) * ratio, y = (event.clientY - rect.top) * ratio;
      self.show(self.nearestDay(x), self.nearestPoll(x, y));
    }
    svg.addEventListener("pointermove", fromPointer);
    svg.addEventListener("pointerdown", fromPointer);
    this.plot.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && document.activeElement !== svg) { self.hide(); }
    });
    svg.addEventListener("focus", function () {
      if (self.dayIndex === null) { self.show(self.days.length - 1, self.pollNearDay(self.days.length - 1, -1)); }
    });
    svg.addEventListener("keydown", function (event) {
      var index = self.dayIndex === null ? self.days.length - 1 : self.dayIndex, poll;
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        index += event.key === "ArrowLeft" ? -1 : 1;
        index = Math.max(0, Math.min(self.days.length - 1, index));
        self.pollIndex = null;
        self.show(index, self.pollNearDay(index, -1));
      } else if (event.key === "PageUp" || event.key === "PageDown" || event.key === "ArrowUp" || event.key === "ArrowDown") {
        poll = self.pollNearDay(index, event.key === "PageUp" || event.key === "ArrowUp" ? -1 : 1);
        if (poll === null) { return; }
        var end = self.data.polls[poll].end, found = 0;
        self.days.forEach(function (d, i) { if (d <= end) { found = i; } });
        self.show(found, poll);
      } else if (event.key === "Home" || event.key === "End") {
        index = event.key === "Home" ? 0 : self.days.length - 1;
        self.pollIndex = null;
        self.show(index, self.pollNearDay(index, event.key === "Home" ? 1 : -1));
      } else if (event.key === "Escape") {
        self.hide();
      } else {
        return;
      }
      event.preventDefault();
    });
  };

  function enhance(holder) {
    if (!window.fetch) { return; }
    fetch(holder.getAttribute("data-chart-data"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) { holder.chart = new Chart(holder, data); })
      .catch(function () { /* the static image stays */ });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart-data]"), enhance);
}());
