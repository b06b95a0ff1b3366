// Bulk upload progress: poll the job's status and update the <progress>; reload when done.
// Without JavaScript the page refreshes itself (Refresh header) to the same effect.
(function () {
  var box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "true") return;
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-count");
  var url = "/portal/import/" + encodeURIComponent(box.dataset.job) + "/status";
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (s) {
        bar.max = s.total || 1; bar.value = s.done;
        count.textContent = s.done + " / " + s.total;
        if (s.finished) { window.location.reload(); } else { setTimeout(poll, 500); }
      }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();
