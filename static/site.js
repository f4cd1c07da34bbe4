// Progressive enhancements for the public pages. Every page works without this file:
// tables keep their server order, filter forms submit, the embed code can be selected.
(function () {
  "use strict";

  // --- Sortable tables: each header of a table.sortable becomes a button that sorts by
  // its column (a cell's data-sort value when it has one, else its text). Numbers and
  // ISO dates sort as such; empty cells go last either way. aria-sort tells screen
  // readers the current order.
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return value.trim();
  }

  function compareValues(a, b) {
    if (a === "" || b === "") { return a === b ? 0 : (a === "" ? 1 : -1); }
    var x = Number(a.replace(/[%,]/g, "")), y = Number(b.replace(/[%,]/g, ""));
    if (!isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortTable(table, index, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = direction === "ascending" ? 1 : -1;
    rows.sort(function (r1, r2) {
      var a = cellValue(r1, index), b = cellValue(r2, index);
      if (a === "" || b === "") { return compareValues(a, b); }  // empty last both ways
      return sign * compareValues(a, b);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === index) { th.setAttribute("aria-sort", direction); } else { th.removeAttribute("aria-sort"); }
    });
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (th.hasAttribute("data-nosort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      var arrow = document.createElement("span");
      arrow.className = "sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      button.appendChild(arrow);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortTable(table, index, next);
      });
    });
  }

  // --- Table filters: a form[data-filter-table] filters its table's rows in place on
  // change (rows carry data-<name> for each select[data-filter=name]) and keeps the
  // address in step, so the filtered view can be shared; without JS the form submits.
  function setUpFilter(form) {
    var table = document.getElementById(form.getAttribute("data-filter-table"));
    if (!table) { return; }
    var selects = form.querySelectorAll("select[data-filter]");
    var count = form.querySelector("[data-count]");
    var submit = form.querySelector("[data-filter-submit]");
    if (submit) { submit.hidden = true; }
    function apply() {
      var shown = 0;
      var params = new URLSearchParams(window.location.search);
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible = true;
        Array.prototype.forEach.call(selects, function (select) {
          var name = select.getAttribute("data-filter");
          if (select.value && row.getAttribute("data-" + name) !== select.value) { visible = false; }
        });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      Array.prototype.forEach.call(selects, function (select) {
        if (select.value) { params.set(select.name, select.value); } else { params.delete(select.name); }
      });
      if (count) { count.textContent = String(shown); }
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + "#polls");
    }
    Array.prototype.forEach.call(selects, function (select) { select.addEventListener("change", apply); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  }

  // --- Copy buttons: button[data-copy=id] copies that field's text.
  function setUpCopy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { if (status) { status.textContent = "Copied."; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (status) { status.textContent = "Press Ctrl+C (or ⌘C) to copy."; }
        });
      } else {
        if (status) { status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy."; }
      }
    });
  }

  // --- Suggestions: an input[data-suggest] asks its JSON endpoint (?q=) for a few
  // matches as the user types and offers them in its datalist (value: each match's
  // data-suggest-value member, "slug" unless named; label: data-suggest-label, "title").
  // Without JavaScript the field still takes what is typed, checked on the server.
  function setUpSuggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var valueKey = input.getAttribute("data-suggest-value") || "slug";
    var labelKey = input.getAttribute("data-suggest-label") || "title";
    var timer = null, asked = "";
    if (!list || !url || !window.fetch) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) { return; }
        asked = text;
        fetch(url + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (found) {
            list.textContent = "";
            found.forEach(function (match) {
              var option = document.createElement("option");
              option.value = match[valueKey];
              option.label = match[labelKey];
              option.textContent = match[labelKey];
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions; typing still works */ });
      }, 200);
    });
  }

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  document.addEventListener("DOMContentLoaded", function () {
    each("table.sortable", makeSortable);
    each("form[data-filter-table]", setUpFilter);
    each("button[data-copy]", setUpCopy);
    each("input[data-suggest]", setUpSuggest);
  });
})();
