/* Page behaviour declared in the markup with data attributes (loaded by web/base.html).
 *
 * The Content Security Policy runs scripts from jiefen's static files only: no inline
 * <script>, no onclick= attributes. Templates say what they need instead:
 *   <select data-autosubmit>                 submits its form when changed
 *   <button data-confirm="…">                asks before submitting
 *   <input type="checkbox" data-select-all="CSS selector">   ticks or clears those boxes
 *   <div data-progress="intake|docket|service" data-url="…">  polls a job's progress
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var confirming = target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (target.matches("input[type=checkbox][data-select-all]")) {
      var boxes = document.querySelectorAll(target.getAttribute("data-select-all"));
      boxes.forEach(function (box) { box.checked = target.checked; });
    }
  });

  function text(id, value) {
    var node = document.getElementById(id);
    if (node) node.textContent = value;
  }

  /* A batch being imported: its progress fragment is fetched every second and swapped in;
     the page reloads once the batch is finished (to list its series). */
  function pollIntake(marker) {
    var url = marker.getAttribute("data-url");
    var timer = setInterval(function () {
      fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"}).then(function (response) {
        if (!response.ok) return;
        return response.text().then(function (html) {
          var current = document.getElementById("batch-progress");
          if (current) current.outerHTML = html;
          if (response.headers.get("X-Batch-Finished")) { clearInterval(timer); location.reload(); }
        });
      });
    }, 1000);
  }

  /* A filing job: figures every second; the page reloads at most once to list the filed cases
     (never in a loop when none are visible). */
  function pollDocket(marker) {
    var url = marker.getAttribute("data-url");
    var hadCases = marker.getAttribute("data-had-cases") !== "0";
    var reloaded = location.search.indexOf("reloaded=1") !== -1;
    function tick() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (j) {
        document.getElementById("job-progress").value = j.percent;
        text("job-status", j.status_label);
        text("job-counts", "已立案 " + j.filed + " / " + j.total + " 件；已生成文书 " + j.documented + " 件案件，共 " + j.documents + " 份文书");
        text("job-error", j.error || "");
        if (j.status === "done" || j.status === "failed") {
          var zip = document.getElementById("zip-link");
          if (zip) zip.style.display = "";
          if (!hadCases && j.filed && !reloaded) location.replace(location.pathname + "?reloaded=1");
          return;
        }
        if (!hadCases && j.filed && j.status === "rendering" && !reloaded) {
          location.replace(location.pathname + "?reloaded=1");
          return;
        }
        setTimeout(tick, 1000);
      }).catch(function () { setTimeout(tick, 2000); });
    }
    tick();
  }

  /* A service job: dispatched and served counts every second until it ends. */
  function pollService(marker) {
    var url = marker.getAttribute("data-url");
    function tick() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (j) {
        document.getElementById("job-progress").value = j.percent;
        text("job-status", j.status_label);
        text("job-counts", "已发出 " + j.dispatched + " / " + j.total + " 件；已送达 " + j.served + " 件");
        text("job-error", j.error || "");
        if (j.status === "done" || j.status === "failed") return;
        setTimeout(tick, 1000);
      }).catch(function () { setTimeout(tick, 2000); });
    }
    tick();
  }

  var pollers = {intake: pollIntake, docket: pollDocket, service: pollService};

  function start() {
    document.querySelectorAll("[data-progress]").forEach(function (marker) {
      var poll = pollers[marker.getAttribute("data-progress")];
      if (poll) poll(marker);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
