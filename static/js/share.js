/* "Share this page": reveal the copy and share buttons (the textarea works without JavaScript). */
(function () {
  "use strict";
  function announce(section, text) {
    var status = section && section.querySelector(".copy-status");
    if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var section = button.closest(".share");
      var done = function () { announce(section, "Link code copied."); };
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          announce(section, "Press Ctrl+C (or ⌘C) to copy the selected code.");
        });
      } else {
        try { document.execCommand("copy"); done(); } catch (e) { announce(section, "Press Ctrl+C (or ⌘C) to copy the selected code."); }
      }
    });
  });
  if (navigator.share) {
    document.querySelectorAll("[data-share-url]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({ title: button.getAttribute("data-share-title"), url: button.getAttribute("data-share-url") }).catch(function () {});
      });
    });
  }
})();
