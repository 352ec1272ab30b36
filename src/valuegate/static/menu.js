// The navigation behind a "Menu" button on narrow screens. Loaded in <head> without defer, so the page is
// marked as scripted before it is first drawn: without scripts the navigation simply stays open.
(function () {
  "use strict";
  document.documentElement.classList.add("scripted");

  function setOpen(button, menu, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("header.top button.menu");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!button || !menu) {
      return;
    }
    button.addEventListener("click", function () {
      setOpen(button, menu, button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(button, menu, false);
        button.focus();
      }
    });
  });
})();
