// The certificate page: the visitor's own market shown first, remembered on this device
// (localStorage). Without script the page still lists recognised markets first and the rest
// collapsed; this only adds the choice. Kept out of the page so no inline script is needed.
(function () {
  "use strict";
  var KEY = "certpass.market";
  var select = document.getElementById("my-market");
  var holder = document.getElementById("my-market-row");
  var field = document.getElementById("my-market-field");
  if (!select || !holder || !field) return;

  function stored() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  function store(code) {
    try {
      if (code) window.localStorage.setItem(KEY, code);
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage refused (private mode): the choice lasts for this page */ }
  }
  function rowFor(code) {
    var rows = document.querySelectorAll("#recognition table.recognition tbody tr[data-market]");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-market") === code && !holder.contains(rows[i])) return rows[i];
    }
    return null;
  }
  function show(code) {
    holder.textContent = "";
    var row = code ? rowFor(code) : null;
    if (!row) return false;
    var table = row.closest("table").cloneNode(false);
    var head = row.closest("table").querySelector("thead");
    if (head) table.appendChild(head.cloneNode(true));
    var body = document.createElement("tbody");
    var copy = row.cloneNode(true);
    copy.classList.add("mine");
    body.appendChild(copy);
    table.appendChild(body);
    var wrap = document.createElement("div");
    wrap.className = "scroll";
    wrap.appendChild(table);
    holder.appendChild(wrap);
    return true;
  }

  field.hidden = false;
  var remembered = stored();
  if (remembered && show(remembered)) select.value = remembered;
  select.addEventListener("change", function () {
    store(select.value);
    show(select.value);
  });
})();
