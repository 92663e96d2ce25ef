/* Mutualis — amélioration progressive (facultative : toutes les pages
   fonctionnent sans JavaScript).
   - <table data-sortable> : intitulés de colonnes cliquables pour trier
     (sauf <th data-nosort>) ; une cellule peut donner sa clé de tri dans
     data-sort. Tri « à la française » : accents et casse ignorés, nombres
     1 234,56 et dates 26/11/2026 14:05 compris.
   - <table data-filter="Libellé"> : champ de filtre au-dessus du tableau
     (accents et casse ignorés).
   - .key-once code : bouton « Copier la clé ».
   - .form-errors : reçoit le focus au chargement (résumé des erreurs). */
(function () {
  "use strict";

  var collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function cellText(cell) {
    if (!cell) return "";
    if (cell.hasAttribute("data-sort")) return cell.getAttribute("data-sort");
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  // 26/11/2026 ou 26/11/2026 14:05 → nombre triable ; 1 234,56 € → 1234.56.
  function sortKey(text) {
    var d = /^(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2}):(\d{2}))?/.exec(text);
    if (d) return Number(d[3] + d[2] + d[1] + (d[4] || "00") + (d[5] || "00"));
    var n = text.replace(/[\s\u00a0\u202f]/g, "");
    if (/^-?\d+(,\d+)?(?:[^\d,].*)?$/.test(n)) {
      var m = /^-?\d+(,\d+)?/.exec(n);
      return Number(m[0].replace(",", "."));
    }
    return null;
  }

  function compare(a, b) {
    var ka = sortKey(a), kb = sortKey(b);
    if (ka !== null && kb !== null) return ka - kb;
    return collator.compare(a, b);
  }

  function makeSortable(table) {
    var thead = table.tHead, body = table.tBodies[0];
    if (!thead || !body || body.rows.length < 2) return;
    var headers = thead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, col) {
      var hidden = th.querySelector(".visually-hidden");
      if (th.hasAttribute("data-nosort") || !th.textContent.trim()) return;
      if (hidden && hidden.textContent.trim() === th.textContent.trim()) return;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "th-sort";
      while (th.firstChild) btn.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "sort-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "↕";
      btn.appendChild(icon);
      th.appendChild(btn);
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) {
          h.removeAttribute("aria-sort");
          var i = h.querySelector(".sort-icon");
          if (i) i.textContent = "↕";
        });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        icon.textContent = asc ? "▲" : "▼";
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) {
          return !r.classList.contains("filter-empty");
        });
        rows.sort(function (r1, r2) {
          var c = compare(cellText(r1.cells[col]), cellText(r2.cells[col]));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  var filterCount = 0;
  function makeFilterable(table) {
    var body = table.tBodies[0];
    var wrap = table.closest(".table-wrap") || table;
    if (!body) return;
    filterCount += 1;
    var id = "filtre-tableau-" + filterCount;
    var tools = document.createElement("div");
    tools.className = "table-tools";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = table.getAttribute("data-filter") || "Filtrer le tableau";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    var count = document.createElement("p");
    count.className = "table-count";
    count.setAttribute("aria-live", "polite");
    var field = document.createElement("div");
    field.appendChild(label);
    field.appendChild(input);
    tools.appendChild(field);
    tools.appendChild(count);
    wrap.parentNode.insertBefore(tools, wrap);

    var empty = document.createElement("tr");
    empty.className = "filter-empty";
    empty.hidden = true;
    var td = document.createElement("td");
    td.colSpan = (table.tHead && table.tHead.rows[0].cells.length) || 1;
    td.textContent = "Aucune ligne ne correspond à ce filtre.";
    empty.appendChild(td);
    body.appendChild(empty);

    input.addEventListener("input", function () {
      var q = fold(input.value.trim());
      var shown = 0, total = 0;
      Array.prototype.forEach.call(body.rows, function (r) {
        if (r === empty) return;
        total += 1;
        var ok = !q || fold(r.textContent || "").indexOf(q) !== -1;
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      empty.hidden = shown !== 0;
      count.textContent = q ? shown + " sur " + total : "";
    });
  }

  function addCopyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll(".key-once code"), function (code) {
      if (!navigator.clipboard) return;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "btn btn-secondary";
      btn.textContent = "Copier la clé";
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(code.textContent.trim()).then(function () {
          btn.textContent = "Clé copiée";
        });
      });
      code.parentNode.insertBefore(btn, code.nextSibling);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filter]"), makeFilterable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
    addCopyButtons();
    // Après un envoi refusé, amener le résumé des erreurs à l'écran.
    var errors = document.querySelector(".form-errors");
    if (errors) errors.focus();
  });
})();
