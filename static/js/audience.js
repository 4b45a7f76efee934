/* Attribution and anonymous view counts (the audience app; privacy notice: what is recorded and why).
   1. Links and forms marked data-keep-source carry on the promotion's article (?from=) and the utm_* values
      this page was opened with, so the buy or enrol page can keep them. Nothing is stored in the browser.
   2. One anonymous "viewed" beacon per page view, after the page has loaded: no cookie, no identifier.
      Not sent at all under Do-Not-Track or Global Privacy Control (the server refuses those too). */
(function () {
  "use strict";
  var names = ["from", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  var here = new URLSearchParams(window.location.search);
  var carried = names.filter(function (name) { return here.get(name); });

  function keepSource() {
    if (!carried.length) { return; }
    document.querySelectorAll("a[data-keep-source]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin) { return; }
      carried.forEach(function (name) {
        if (!url.searchParams.has(name)) { url.searchParams.set(name, here.get(name)); }
      });
      link.href = url.pathname + url.search + url.hash;
    });
    document.querySelectorAll("form[data-keep-source]").forEach(function (form) {
      carried.forEach(function (name) {
        if (form.querySelector("input[name='" + name + "']")) { return; }
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = here.get(name);
        form.appendChild(input);
      });
    });
  }

  function countView() {
    var script = document.querySelector("script[data-view-url]");
    if (!script || !navigator.sendBeacon) { return; }
    if (navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl) { return; }
    var body = new URLSearchParams({ page: script.getAttribute("data-page") });
    navigator.sendBeacon(script.getAttribute("data-view-url"), body);
  }

  keepSource();
  if (document.readyState === "complete") { countView(); } else { window.addEventListener("load", countView); }
})();
