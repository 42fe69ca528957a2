// Tables that compare villages (table.sortable): a click on a column header sorts the village rows by
// that column, a second click reverses. Township subtotal rows (tr.group-subtotal) only make sense in
// the grouped order, so they hide while the table is sorted by a column and come back with the table's
// "恢复按乡镇分组" button ([data-table-reset="<table id>"]).
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var number = parseFloat(raw.replace(/[,%元]/g, ""));
    return isNaN(number) ? raw : number;
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return 1;  // "—" sorts below every figure
    if (typeof b === "number") return -1;
    return String(a).localeCompare(String(b), "zh-Hans-CN");
  }

  function sortBy(table, header) {
    var body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(header.parentNode.cells, header);
    var descending = header.getAttribute("aria-sort") !== "descending";
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr:not(.group-subtotal)"));
    rows.sort(function (a, b) {
      var result = compare(cellValue(a, index), cellValue(b, index));
      return descending ? -result : result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    body.querySelectorAll("tr.group-subtotal").forEach(function (row) { row.hidden = true; });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var reset = table.id && document.querySelector('[data-table-reset="' + table.id + '"]');
    if (reset) reset.hidden = false;
  }

  function reset(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr"));
    // Village rows carry their original position; subtotal rows sit after their township's last row.
    rows.sort(function (a, b) { return parseFloat(a.dataset.order) - parseFloat(b.dataset.order); });
    rows.forEach(function (row) { row.hidden = false; body.appendChild(row); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
  }

  document.addEventListener("click", function (event) {
    var header = event.target.closest("table.sortable thead th[data-sortable]");
    if (header) {
      sortBy(header.closest("table"), header);
      return;
    }
    var button = event.target.closest("[data-table-reset]");
    if (button) {
      var table = document.getElementById(button.getAttribute("data-table-reset"));
      if (table) reset(table);
      button.hidden = true;
    }
  });

  // Number every body row once so the grouped order can be restored (subtotals get their group's last
  // row's position plus a half).
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var order = 0;
    Array.prototype.forEach.call(table.tBodies[0] ? table.tBodies[0].rows : [], function (row) {
      if (!row.classList.contains("group-subtotal")) row.dataset.order = ++order;
      else row.dataset.order = order + 0.5;
    });
  });
})();
