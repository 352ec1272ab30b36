// The hierarchy browser: a level is fetched the first time it is opened (htmx), then only shown or hidden.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (!button) return;
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list) return;
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    list.hidden = open;
    if (!open && !list.dataset.loaded && window.htmx) {
      list.dataset.loaded = "yes";
      list.setAttribute("aria-busy", "true");
      window.htmx.ajax("GET", button.dataset.url, { target: list, swap: "innerHTML" }).then(function () {
        list.removeAttribute("aria-busy");
      });
    }
  });
})();
