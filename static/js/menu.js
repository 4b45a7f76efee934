/* The header menu (a <details> disclosure that works without this file): Escape closes it and returns focus
   to the Menu button, and a click outside closes it. */
(function () {
  "use strict";
  var menu = document.querySelector(".site-menu");
  if (!menu) { return; }
  var button = menu.querySelector("summary");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      button.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) { menu.open = false; }
  });
})();
